"""Each table's columns as its Tortoise model declares them: a new column is read without
touching the read layer."""

from __future__ import annotations

from tortoise.models import Model

from graph import models


def columns_of(model: type[Model]) -> tuple[str, ...]:
    """The model's database columns in declaration order, a foreign key as its `_id` column.

    Read off the class itself, so it holds before Tortoise is initialised (which is when
    foreign keys get their `_id` fields).
    """
    meta = model._meta
    found = []
    for name, field in meta.fields_map.items():
        if name in meta.fk_fields or name in meta.o2o_fields:
            found.append(field.source_field or f"{name}_id")
        elif name in meta.fields_db_projection:
            found.append(meta.fields_db_projection[name])
    return tuple(found)


# What a published post's staged edit holds whole, to lay over (or copy onto) the live post:
# the columns PostPending shares with Post. Its bylines and bookkeeping are its own.
PENDING_CONTENT = tuple(
    name
    for name in columns_of(models.PostPending)
    if name != "id" and name in columns_of(models.Post)
)
