"""graph.planning.compile.objects: lookups and relations as correlated subqueries (PostgreSQL).

Each answer is checked for what it says, and against the interpreter's for the same plan.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fixtures.units import Rows, both_ways, planned, tagged_rows

from graph import models
from graph.editing import slug_history


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    if not database.startswith("psycopg"):
        pytest.skip("the compiler writes PostgreSQL; SQLite runs plans level by level")
    async with tagged_rows() as rows:
        yield rows


async def test_a_lookup_by_an_old_slug_answers_the_current_one_and_tags_the_list(
    rows: Rows,
) -> None:
    relay = await rows.relay()
    old = rows.slug("gammel")
    await slug_history.retire(slug_history.Kind.RELAY, relay.id, old, relay.slug)
    document = "query ($slug: String!) { relay(slug: $slug) { slug previousSlugs } }"
    found = await both_ways(planned(document, slug=old))
    assert found.compiled == {"relay": {"slug": relay.slug, "previousSlugs": [old]}}
    assert "relays" in found.compiled_tags and f"Relay:{relay.id}" in found.compiled_tags
    assert (found.compiled, found.compiled_tags) == (found.interpreted, found.interpreted_tags)


async def test_a_miss_is_null_and_depends_on_the_list(rows: Rows) -> None:
    found = await both_ways(planned("query ($s: String!) { post(slug: $s) { id } }", s="x\x00y"))
    assert found.compiled == {"post": None} and "posts" in found.compiled_tags
    assert found.interpreted == found.compiled


async def test_bylines_come_in_printed_order_with_their_people(rows: Rows) -> None:
    relay, first, second = await rows.relay(), await rows.author("Bo"), await rows.author("Åse")
    organization = await rows.organization()
    (post,) = await rows.published(relay, 1, authors=(second, first))
    await models.Byline.filter(post_id=post.id, author_id=second.id).update(
        organization_id=organization.id, role="chef"
    )
    document = """query ($slug: String!) { post(slug: $slug) {
      category { slug } bylines { role author { name } organization { slug } } } }"""
    found = await both_ways(planned(document, slug=post.slug))
    assert found.compiled == {
        "post": {
            "category": None,
            "bylines": [
                {
                    "role": "chef",
                    "author": {"name": "Åse"},
                    "organization": {"slug": organization.slug},
                },
                {"role": None, "author": {"name": "Bo"}, "organization": None},
            ],
        }
    }
    assert f"Author:{first.id}" in found.compiled_tags
    assert (found.compiled, found.compiled_tags) == (found.interpreted, found.interpreted_tags)


async def test_neighbours_are_one_step_along_the_relays_legs(rows: Rows) -> None:
    relay = await rows.relay()
    first, second, third = await rows.published(relay, 3)
    document = """query ($slug: String!) { post(slug: $slug) {
      previous { slug } next { slug leg } } }"""
    found = await both_ways(planned(document, slug=second.slug))
    assert found.compiled == {
        "post": {"previous": {"slug": first.slug}, "next": {"slug": third.slug, "leg": 3}}
    }
    assert found.interpreted == found.compiled


async def test_a_draft_is_invisible_to_anonymous_callers_only(rows: Rows) -> None:
    draft = await rows.post(await rows.relay())
    document = "query ($slug: String!) { post(slug: $slug) { slug status } }"
    anonymous = await both_ways(planned(document, slug=draft.slug))
    editor = await both_ways(planned(document, anonymous=False, slug=draft.slug))
    assert anonymous.compiled == {"post": None}
    assert editor.compiled == {"post": {"slug": draft.slug, "status": "DRAFT"}}
    assert editor.interpreted == editor.compiled
