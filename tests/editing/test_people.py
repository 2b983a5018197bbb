"""graph.editing.people: authors, organisations and the affiliations between them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fixtures.units import Rows, tagged_rows, write

from graph import models
from graph.danish import sort_key
from graph.editing import people
from graph.editing.checks import Checks
from graph.editing.errors import Code, SlugTaken, ValidationFailed


@pytest.fixture
async def rows(database: str) -> AsyncIterator[Rows]:
    async with tagged_rows() as rows:
        yield rows


def test_an_address_is_trimmed_with_its_domain_in_lower_case() -> None:
    checks = Checks()
    assert people.checked_email(checks, ["email"], " Anne.B@Eksempel.DK ") == "Anne.B@eksempel.dk"
    assert people.checked_email(checks, ["email"], "  ") is None  # empty clears it
    assert checks.errors == []


@pytest.mark.parametrize(
    "address", ["anne", "anne@localhost", "a b@eksempel.dk", "anne@eksempel.dk>\nBcc: x@y.dk"]
)
def test_anything_that_is_not_a_plain_address_is_invalid(address: str) -> None:
    checks = Checks()
    people.checked_email(checks, ["email"], address)
    assert [(e.path, e.code) for e in checks.errors] == [(("email",), Code.INVALID)]


async def test_a_new_authors_slug_and_sort_key_come_from_the_name(rows: Rows) -> None:
    name = f"Åse Ørsted {rows.tag}"
    author = await write(lambda: people.create_author({"name": f"  {name} "}))
    assert author.slug == f"aase-oersted-{rows.tag}"
    assert author.name == name and author.bio == "" and author.email is None
    assert author.sort_key == sort_key(name) > sort_key("Zeuthen")  # Å after Z in Danish


async def test_an_organisation_may_not_take_another_ones_slug(rows: Rows) -> None:
    one, two = await rows.organization(), await rows.organization()
    with pytest.raises(SlugTaken):
        await write(lambda: people.update_organization(two.id, 1, {"slug": one.slug}))
    with pytest.raises(ValidationFailed) as refused:
        await write(lambda: people.update_organization(two.id, 1, {"kind": None}))
    assert refused.value.errors[0].path == ("kind",)


async def test_affiliations_are_replaced_in_the_order_given(rows: Rows) -> None:
    author = await rows.author()
    one, two = await rows.organization(), await rows.organization()
    wanted = [(two.slug, "formand"), (one.slug, None)]
    changed = await write(lambda: people.set_affiliations(author.id, 1, wanted))
    assert changed.version == 2
    stored = await models.Affiliation.filter(author_id=author.id).order_by("position")
    assert [(a.organization_id, a.role) for a in stored] == [(two.id, "formand"), (one.id, None)]  # type: ignore[attr-defined]
    same = await write(lambda: people.set_affiliations(author.id, 2, wanted))
    assert same.version == 2  # the same list again writes nothing


async def test_unknown_and_repeated_organisations_are_named_by_position(rows: Rows) -> None:
    author, organization = await rows.author(), await rows.organization()
    wanted = [(organization.slug, None), (rows.slug("ingen"), None), (organization.slug, "x")]
    with pytest.raises(ValidationFailed) as refused:
        await write(lambda: people.set_affiliations(author.id, 1, wanted))
    assert [(".".join(e.path), e.code) for e in refused.value.errors] == [
        ("affiliations.1.organization", Code.UNKNOWN),
        ("affiliations.2.organization", Code.DUPLICATE),
    ]
    assert not await models.Affiliation.exists(author_id=author.id)
