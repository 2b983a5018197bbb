"""Relays, authors, organisations, affiliations and categories as an editor writes them.

A refused write is checked for its typed error and for the object read back unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.editing import Desk, field_errors, global_id, run

Refusals = dict[str, tuple[dict[str, Any], list[tuple[list[str], str]]]]


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


async def lookup(desk: Desk, field: str, slug: str, selection: str = "slug") -> Any:
    """`field(slug:)` as an editor sees it, e.g. lookup(desk, "relay", "x")."""
    data = await desk.editor.data(f'{{ found: {field}(slug: "{slug}") {{ {selection} }} }}')
    return data["found"]


# --- createRelay ------------------------------------------------------------------------


async def test_create_relay_makes_its_slug_from_the_title(desk: Desk) -> None:
    relay = await desk.ok("createRelay", title=f"Velfærds-stafetten på Ærø {desk.tag}")
    assert relay["slug"] == f"velfaerds-stafetten-paa-aeroe-{desk.tag}"
    assert (relay["status"], relay["intro"], relay["version"]) == ("ACTIVE", "", 1)
    assert await lookup(desk, "relay", relay["slug"], "title") == {"title": relay["title"]}


async def test_create_relay_keeps_every_field_given(desk: Desk) -> None:
    slug = desk.slug("afsluttet")
    relay = await desk.ok(
        "createRelay",
        title="  Afsluttet stafet  ",
        slug=slug,
        intro="Om stafetten.",
        status="ENDED",
        startedOn="2020-01-01",
        endedOn="2020-06-30",
    )
    assert {k: relay[k] for k in ("slug", "title", "intro", "status", "startedOn", "endedOn")} == {
        "slug": slug,
        "title": "Afsluttet stafet",
        "intro": "Om stafetten.",
        "status": "ENDED",
        "startedOn": "2020-01-01",
        "endedOn": "2020-06-30",
    }


async def test_create_relay_with_a_taken_slug_is_slug_taken(desk: Desk) -> None:
    result = await run(desk.editor, "createRelay", title="Kopi", slug="lederskabs-stafetten")
    assert (result["__typename"], result["slug"]) == ("SlugTaken", "lederskabs-stafetten")
    demo = await lookup(desk, "relay", "lederskabs-stafetten", "title version")
    assert demo == {"title": "Lederskabs-stafetten", "version": 1}


CREATE_RELAY_REFUSALS: Refusals = {
    "empty title": ({"title": ""}, [(["title"], "REQUIRED")]),
    "title too long": ({"title": "x" * 301}, [(["title"], "TOO_LONG")]),
    "bad slug": ({"slug": "Min_Stafet"}, [(["slug"], "INVALID_SLUG")]),
    "ends before it starts": (
        {"startedOn": "2021-05-01", "endedOn": "2021-04-30"},
        [(["endedOn"], "INVALID")],
    ),
}


@pytest.mark.parametrize("case", CREATE_RELAY_REFUSALS)
async def test_create_relay_refuses_a_broken_rule_and_writes_nothing(desk: Desk, case: str) -> None:
    fields, expected = CREATE_RELAY_REFUSALS[case]
    slug = desk.slug("afvist")
    result = await run(desk.editor, "createRelay", **{"title": "Stafet", "slug": slug, **fields})
    assert field_errors(result) == expected
    assert await lookup(desk, "relay", fields.get("slug", slug)) is None


# --- updateRelay ------------------------------------------------------------------------


async def test_update_relay_changes_title_intro_and_status(desk: Desk) -> None:
    relay = await desk.relay()
    updated = await desk.ok(
        "updateRelay",
        id=relay["id"],
        expectedVersion=1,
        title="Ny titel",
        intro="Ny intro.",
        status="ENDED",
    )
    assert (updated["title"], updated["intro"], updated["status"]) == (
        "Ny titel",
        "Ny intro.",
        "ENDED",
    )
    assert updated["version"] == 2
    assert await desk.read(relay["id"]) == {k: v for k, v in updated.items() if k != "__typename"}


async def test_update_relay_saves_a_change_of_dates_alone(desk: Desk) -> None:
    relay = await desk.relay(startedOn="2021-01-01")
    updated = await desk.ok("updateRelay", id=relay["id"], expectedVersion=1, endedOn="2021-12-31")
    assert (updated["endedOn"], updated["version"]) == ("2021-12-31", 2)
    assert (await desk.read(relay["id"]) or {})["endedOn"] == "2021-12-31"


async def test_update_relay_moves_its_slug(desk: Desk) -> None:
    relay = await desk.relay()
    slug = desk.slug("omdoebt")
    updated = await desk.ok("updateRelay", id=relay["id"], expectedVersion=1, slug=slug)
    assert updated["slug"] == slug
    # The old slug still finds the relay, under its new slug (for a redirect).
    assert await lookup(desk, "relay", relay["slug"]) == {"slug": slug}


async def test_update_relay_with_unchanged_values_writes_nothing(desk: Desk) -> None:
    relay = await desk.relay()
    same = await desk.ok(
        "updateRelay", id=relay["id"], expectedVersion=1, title=relay["title"], status="ACTIVE"
    )
    assert same["version"] == 1


async def test_update_relay_with_a_stale_version_is_a_conflict(desk: Desk) -> None:
    relay = await desk.relay()
    await desk.ok("updateRelay", id=relay["id"], expectedVersion=1, intro="Første ændring.")
    before = await desk.read(relay["id"])
    result = await run(desk.editor, "updateRelay", id=relay["id"], expectedVersion=1, title="X")
    assert (result["__typename"], result["currentVersion"]) == ("VersionConflict", 2)
    assert await desk.read(relay["id"]) == before


async def test_update_relay_to_a_taken_slug_is_slug_taken(desk: Desk) -> None:
    relay = await desk.relay()
    before = await desk.read(relay["id"])
    result = await run(
        desk.editor, "updateRelay", id=relay["id"], expectedVersion=1, slug="lederskabs-stafetten"
    )
    assert (result["__typename"], result["slug"]) == ("SlugTaken", "lederskabs-stafetten")
    assert await desk.read(relay["id"]) == before


async def test_update_relay_with_an_unknown_id_is_not_found(desk: Desk) -> None:
    result = await run(
        desk.editor, "updateRelay", id=global_id("Relay", 10**9), expectedVersion=1, title="X"
    )
    assert result["__typename"] == "NotFound"


UPDATE_RELAY_REFUSALS: Refusals = {
    "empty title": ({"title": " "}, [(["title"], "REQUIRED")]),
    "null title": ({"title": None}, [(["title"], "REQUIRED")]),
    "bad slug": ({"slug": "stafet!"}, [(["slug"], "INVALID_SLUG")]),
    "null slug": ({"slug": None}, [(["slug"], "REQUIRED")]),
    "null status": ({"status": None}, [(["status"], "REQUIRED")]),
    "ends before it starts": ({"endedOn": "2020-12-31"}, [(["endedOn"], "INVALID")]),
}


@pytest.mark.parametrize("case", UPDATE_RELAY_REFUSALS)
async def test_update_relay_refuses_a_broken_rule_and_writes_nothing(desk: Desk, case: str) -> None:
    fields, expected = UPDATE_RELAY_REFUSALS[case]
    relay = await desk.relay(startedOn="2021-01-01")
    before = await desk.read(relay["id"])
    result = await run(desk.editor, "updateRelay", id=relay["id"], expectedVersion=1, **fields)
    assert field_errors(result) == expected
    assert await desk.read(relay["id"]) == before


# --- createAuthor / updateAuthor --------------------------------------------------------


async def test_create_author_makes_a_danish_slug_from_the_name(desk: Desk) -> None:
    author = await desk.ok("createAuthor", name=f"Søren Ærbødig Åberg {desk.tag}")
    assert author["slug"] == f"soeren-aerboedig-aaberg-{desk.tag}"
    assert (author["bio"], author["version"], author["affiliations"]) == ("", 1, [])
    found = await lookup(desk, "author", author["slug"], "name")
    assert found == {"name": author["name"]}


async def test_create_author_with_a_taken_slug_is_slug_taken(desk: Desk) -> None:
    result = await run(desk.editor, "createAuthor", name="Kopi", slug="steffen-bohni")
    assert (result["__typename"], result["slug"]) == ("SlugTaken", "steffen-bohni")
    assert await lookup(desk, "author", "steffen-bohni", "name") == {"name": "Steffen Bohni"}


CREATE_PERSON_REFUSALS: Refusals = {
    "empty name": ({"name": ""}, [(["name"], "REQUIRED")]),
    "name too long": ({"name": "x" * 301}, [(["name"], "TOO_LONG")]),
    "bad slug": ({"slug": "Anne Hansen"}, [(["slug"], "INVALID_SLUG")]),
}


@pytest.mark.parametrize("case", CREATE_PERSON_REFUSALS)
async def test_create_author_refuses_a_broken_rule_and_writes_nothing(
    desk: Desk, case: str
) -> None:
    fields, expected = CREATE_PERSON_REFUSALS[case]
    slug = desk.slug("afvist")
    result = await run(desk.editor, "createAuthor", **{"name": "Anne", "slug": slug, **fields})
    assert field_errors(result) == expected
    assert await lookup(desk, "author", fields.get("slug", slug)) is None


async def test_create_author_refuses_a_name_with_no_letters_for_a_slug(desk: Desk) -> None:
    result = await run(desk.editor, "createAuthor", name="!!!")
    assert field_errors(result) == [(["slug"], "REQUIRED")]


async def test_update_author_changes_name_and_bio(desk: Desk) -> None:
    author = await desk.author()
    updated = await desk.ok(
        "updateAuthor", id=author["id"], expectedVersion=1, name="Anne Ny", bio="Skriver."
    )
    assert (updated["name"], updated["bio"], updated["version"]) == ("Anne Ny", "Skriver.", 2)
    assert updated["slug"] == author["slug"]


async def test_update_author_with_unchanged_values_writes_nothing(desk: Desk) -> None:
    author = await desk.author()
    same = await desk.ok("updateAuthor", id=author["id"], expectedVersion=1, name=author["name"])
    assert same["version"] == 1


async def test_update_author_with_a_stale_version_is_a_conflict(desk: Desk) -> None:
    author = await desk.author()
    await desk.ok("updateAuthor", id=author["id"], expectedVersion=1, bio="Første.")
    before = await desk.read(author["id"])
    result = await run(desk.editor, "updateAuthor", id=author["id"], expectedVersion=1, bio="X")
    assert (result["__typename"], result["currentVersion"]) == ("VersionConflict", 2)
    assert await desk.read(author["id"]) == before


async def test_update_author_to_a_taken_slug_is_slug_taken(desk: Desk) -> None:
    author = await desk.author()
    before = await desk.read(author["id"])
    result = await run(
        desk.editor, "updateAuthor", id=author["id"], expectedVersion=1, slug="steffen-bohni"
    )
    assert (result["__typename"], result["slug"]) == ("SlugTaken", "steffen-bohni")
    assert await desk.read(author["id"]) == before


async def test_update_author_with_an_unknown_id_is_not_found(desk: Desk) -> None:
    result = await run(
        desk.editor, "updateAuthor", id=global_id("Author", 10**9), expectedVersion=1, bio="X"
    )
    assert result["__typename"] == "NotFound"


UPDATE_PERSON_REFUSALS: Refusals = {
    "empty name": ({"name": ""}, [(["name"], "REQUIRED")]),
    "null name": ({"name": None}, [(["name"], "REQUIRED")]),
    "bad slug": ({"slug": "anne_hansen"}, [(["slug"], "INVALID_SLUG")]),
    "null slug": ({"slug": None}, [(["slug"], "REQUIRED")]),
}


@pytest.mark.parametrize("case", UPDATE_PERSON_REFUSALS)
async def test_update_author_refuses_a_broken_rule_and_writes_nothing(
    desk: Desk, case: str
) -> None:
    fields, expected = UPDATE_PERSON_REFUSALS[case]
    author = await desk.author()
    before = await desk.read(author["id"])
    result = await run(desk.editor, "updateAuthor", id=author["id"], expectedVersion=1, **fields)
    assert field_errors(result) == expected
    assert await desk.read(author["id"]) == before


# --- createOrganization / updateOrganization --------------------------------------------


async def test_create_organization_defaults_to_kind_other(desk: Desk) -> None:
    organization = await desk.ok("createOrganization", name=f"Ærø Kommune {desk.tag}")
    assert organization["slug"] == f"aeroe-kommune-{desk.tag}"
    assert (organization["kind"], organization["shortName"], organization["version"]) == (
        "OTHER",
        None,
        1,
    )


async def test_create_organization_keeps_kind_and_short_name(desk: Desk) -> None:
    organization = await desk.organization(kind="MUNICIPALITY", shortName="ÆK")
    found = await lookup(desk, "organization", organization["slug"], "kind shortName")
    assert found == {"kind": "MUNICIPALITY", "shortName": "ÆK"}


async def test_create_organization_with_a_taken_slug_is_slug_taken(desk: Desk) -> None:
    result = await run(desk.editor, "createOrganization", name="Kopi", slug="moedrehjaelpen")
    assert (result["__typename"], result["slug"]) == ("SlugTaken", "moedrehjaelpen")
    found = await lookup(desk, "organization", "moedrehjaelpen", "name")
    assert found == {"name": "Mødrehjælpen"}


@pytest.mark.parametrize("case", CREATE_PERSON_REFUSALS)
async def test_create_organization_refuses_a_broken_rule_and_writes_nothing(
    desk: Desk, case: str
) -> None:
    fields, expected = CREATE_PERSON_REFUSALS[case]
    slug = desk.slug("afvist")
    result = await run(
        desk.editor, "createOrganization", **{"name": "Kommune", "slug": slug, **fields}
    )
    assert field_errors(result) == expected
    assert await lookup(desk, "organization", fields.get("slug", slug)) is None


async def test_update_organization_changes_kind_and_clears_short_name(desk: Desk) -> None:
    organization = await desk.organization(shortName="XK")
    updated = await desk.ok(
        "updateOrganization",
        id=organization["id"],
        expectedVersion=1,
        kind="REGION",
        shortName=None,
    )
    assert (updated["kind"], updated["shortName"], updated["version"]) == ("REGION", None, 2)


async def test_update_organization_with_unchanged_values_writes_nothing(desk: Desk) -> None:
    organization = await desk.organization()
    same = await desk.ok(
        "updateOrganization", id=organization["id"], expectedVersion=1, kind="OTHER"
    )
    assert same["version"] == 1


async def test_update_organization_with_a_stale_version_is_a_conflict(desk: Desk) -> None:
    organization = await desk.organization()
    await desk.ok("updateOrganization", id=organization["id"], expectedVersion=1, kind="NGO")
    before = await desk.read(organization["id"])
    result = await run(
        desk.editor, "updateOrganization", id=organization["id"], expectedVersion=1, name="X"
    )
    assert (result["__typename"], result["currentVersion"]) == ("VersionConflict", 2)
    assert await desk.read(organization["id"]) == before


async def test_update_organization_to_a_taken_slug_is_slug_taken(desk: Desk) -> None:
    organization = await desk.organization()
    before = await desk.read(organization["id"])
    result = await run(
        desk.editor,
        "updateOrganization",
        id=organization["id"],
        expectedVersion=1,
        slug="moedrehjaelpen",
    )
    assert (result["__typename"], result["slug"]) == ("SlugTaken", "moedrehjaelpen")
    assert await desk.read(organization["id"]) == before


async def test_update_organization_with_an_unknown_id_is_not_found(desk: Desk) -> None:
    result = await run(
        desk.editor,
        "updateOrganization",
        id=global_id("Organization", 10**9),
        expectedVersion=1,
        name="X",
    )
    assert result["__typename"] == "NotFound"


UPDATE_ORGANIZATION_REFUSALS: Refusals = {
    **UPDATE_PERSON_REFUSALS,
    "null kind": ({"kind": None}, [(["kind"], "REQUIRED")]),
}


@pytest.mark.parametrize("case", UPDATE_ORGANIZATION_REFUSALS)
async def test_update_organization_refuses_a_broken_rule_and_writes_nothing(
    desk: Desk, case: str
) -> None:
    fields, expected = UPDATE_ORGANIZATION_REFUSALS[case]
    organization = await desk.organization()
    before = await desk.read(organization["id"])
    result = await run(
        desk.editor, "updateOrganization", id=organization["id"], expectedVersion=1, **fields
    )
    assert field_errors(result) == expected
    assert await desk.read(organization["id"]) == before


# --- setAffiliations --------------------------------------------------------------------


async def test_set_affiliations_lists_them_in_the_given_order(desk: Desk) -> None:
    author = await desk.author()
    first, second = await desk.organization(), await desk.organization()
    updated = await desk.ok(
        "setAffiliations",
        authorId=author["id"],
        expectedVersion=1,
        affiliations=[
            {"organization": second["slug"], "role": "direktør"},
            {"organization": first["slug"]},
        ],
    )
    assert updated["affiliations"] == [
        {"role": "direktør", "organization": {"slug": second["slug"]}},
        {"role": None, "organization": {"slug": first["slug"]}},
    ]
    assert updated["version"] == 2
    listed = await lookup(
        desk, "organization", second["slug"], "authors { edges { node { slug } } }"
    )
    assert listed == {"authors": {"edges": [{"node": {"slug": author["slug"]}}]}}


async def test_set_affiliations_to_the_same_list_writes_nothing(desk: Desk) -> None:
    author, organization = await desk.author(), await desk.organization()
    affiliations = [{"organization": organization["slug"], "role": "chef"}]
    await desk.ok(
        "setAffiliations", authorId=author["id"], expectedVersion=1, affiliations=affiliations
    )
    same = await desk.ok(
        "setAffiliations", authorId=author["id"], expectedVersion=2, affiliations=affiliations
    )
    assert same["version"] == 2


async def test_set_affiliations_to_none_clears_them(desk: Desk) -> None:
    author, organization = await desk.author(), await desk.organization()
    affiliations = [{"organization": organization["slug"]}]
    await desk.ok(
        "setAffiliations", authorId=author["id"], expectedVersion=1, affiliations=affiliations
    )
    cleared = await desk.ok(
        "setAffiliations", authorId=author["id"], expectedVersion=2, affiliations=[]
    )
    assert (cleared["affiliations"], cleared["version"]) == ([], 3)


async def test_set_affiliations_refuses_an_unknown_organization(desk: Desk) -> None:
    author, organization = await desk.author(), await desk.organization()
    before = await desk.read(author["id"])
    result = await run(
        desk.editor,
        "setAffiliations",
        authorId=author["id"],
        expectedVersion=1,
        affiliations=[{"organization": organization["slug"]}, {"organization": "ingen-saadan"}],
    )
    assert field_errors(result) == [(["affiliations", "1", "organization"], "UNKNOWN")]
    assert await desk.read(author["id"]) == before


async def test_set_affiliations_refuses_an_organization_named_twice(desk: Desk) -> None:
    author, organization = await desk.author(), await desk.organization()
    before = await desk.read(author["id"])
    twice = [{"organization": organization["slug"]}, {"organization": organization["slug"]}]
    result = await run(
        desk.editor, "setAffiliations", authorId=author["id"], expectedVersion=1, affiliations=twice
    )
    assert field_errors(result) == [(["affiliations", "1", "organization"], "DUPLICATE")]
    assert await desk.read(author["id"]) == before


async def test_set_affiliations_with_a_stale_version_is_a_conflict(desk: Desk) -> None:
    author, organization = await desk.author(), await desk.organization()
    await desk.ok("updateAuthor", id=author["id"], expectedVersion=1, bio="Første.")
    before = await desk.read(author["id"])
    result = await run(
        desk.editor,
        "setAffiliations",
        authorId=author["id"],
        expectedVersion=1,
        affiliations=[{"organization": organization["slug"]}],
    )
    assert (result["__typename"], result["currentVersion"]) == ("VersionConflict", 2)
    assert await desk.read(author["id"]) == before


async def test_set_affiliations_with_an_unknown_author_is_not_found(desk: Desk) -> None:
    result = await run(
        desk.editor,
        "setAffiliations",
        authorId=global_id("Author", 10**9),
        expectedVersion=1,
        affiliations=[],
    )
    assert result["__typename"] == "NotFound"


# --- createCategory ---------------------------------------------------------------------


async def test_create_category_makes_its_slug_and_joins_the_list(desk: Desk) -> None:
    category = await desk.ok("createCategory", name=f"Børn og unge {desk.tag}")
    assert category == {
        "__typename": "Category",
        "slug": f"boern-og-unge-{desk.tag}",
        "name": f"Børn og unge {desk.tag}",
    }
    listed = (await desk.editor.data("{ categories { slug } }"))["categories"]
    assert {"slug": category["slug"]} in listed


async def test_create_category_with_a_taken_slug_is_slug_taken(desk: Desk) -> None:
    result = await run(desk.editor, "createCategory", name="Ledelse igen", slug="ledelse")
    assert (result["__typename"], result["slug"]) == ("SlugTaken", "ledelse")
    assert await lookup(desk, "category", "ledelse", "name") == {"name": "Ledelse"}


CREATE_CATEGORY_REFUSALS: Refusals = {
    "empty name": ({"name": ""}, [(["name"], "REQUIRED")]),
    "name too long": ({"name": "x" * 201}, [(["name"], "TOO_LONG")]),
    "bad slug": ({"slug": "Børn"}, [(["slug"], "INVALID_SLUG")]),
}


@pytest.mark.parametrize("case", CREATE_CATEGORY_REFUSALS)
async def test_create_category_refuses_a_broken_rule_and_writes_nothing(
    desk: Desk, case: str
) -> None:
    fields, expected = CREATE_CATEGORY_REFUSALS[case]
    slug = desk.slug("afvist")
    result = await run(desk.editor, "createCategory", **{"name": "Emne", "slug": slug, **fields})
    assert field_errors(result) == expected
    assert await lookup(desk, "category", fields.get("slug", slug)) is None
