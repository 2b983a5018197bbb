"""export-relay carries every object's old slugs, and import-relay restores them: old links
keep working on the server a relay moves to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from client.servers import Server

RELAY = "lederskabs-stafetten"
FIND = """query ($relay: String!) { relay(slug: $relay) {
  id version posts(first: 1) { edges { node {
    id version slug category { slug }
    bylines { author { id version slug } organization { id version slug } } } } } } }"""
RESULT = "__typename ... on MutationError { message } ... on %s { slug }"


def rename(server: Server, mutation: str, type_name: str, **input: Any) -> str:
    """Run a rename that must succeed; the new slug."""
    document = (
        f"mutation ($input: {mutation[0].upper()}{mutation[1:]}Input!) "
        f"{{ result: {mutation}(input: $input) {{ {RESULT % type_name} }} }}"
    )
    result = server.data(document, input=input)["result"]
    assert result["__typename"] == type_name, result
    slug: str = result["slug"]
    return slug


def twice(server: Server, kind: str, thing: dict[str, Any]) -> list[str]:
    """Rename an object twice; its slugs from first to current."""
    slugs = [thing["slug"]]
    version = thing["version"]
    for step in (1, 2):
        new = f"{slugs[0]}-v{step}"
        mutation, type_name = f"update{kind}", kind
        slugs.append(
            rename(server, mutation, type_name, id=thing["id"], expectedVersion=version, slug=new)
        )
        version += 1
    return slugs


@pytest.fixture(scope="module")
def history(demo_server: Server) -> dict[str, list[str]]:
    """The demo relay, one of its posts, its author, organisation and category, each renamed
    twice; each one's slugs, first to current."""
    found = demo_server.data(FIND, relay=RELAY)["relay"]
    post = found["posts"]["edges"][0]["node"]
    byline = next(b for b in post["bylines"] if b["organization"])
    relay = {"id": found["id"], "version": found["version"], "slug": RELAY}
    category = post["category"]["slug"]
    category_slugs = [category]
    for step in (1, 2):
        new = f"{category}-v{step}"
        rename(demo_server, "updateCategory", "Category", category=category_slugs[-1], slug=new)
        category_slugs.append(new)
    return {
        "post": twice(demo_server, "Post", post),
        "author": twice(demo_server, "Author", byline["author"]),
        "organization": twice(demo_server, "Organization", byline["organization"]),
        "category": category_slugs,
        "relay": twice(demo_server, "Relay", relay),
    }


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))}


def test_old_slugs_survive_export_and_import(
    history: dict[str, list[str]], demo_server: Server, empty_server: Server, tmp_path: Path
) -> None:
    exported = tmp_path / "export"
    result = demo_server.run("export-relay", RELAY, exported)  # by its oldest slug
    assert result.returncode == 0, result.stderr
    relay_yaml = (exported / "relay.yaml").read_text(encoding="utf-8")
    assert f"previousSlugs:\n- {RELAY}\n- {history['relay'][1]}\n" in relay_yaml

    imported = empty_server.run("import-relay", exported)
    assert imported.returncode == 0, imported.stderr
    for kind, slugs in history.items():
        for slug in slugs:
            document = f'{{ found: {kind}(slug: "{slug}") {{ slug previousSlugs }} }}'
            found = empty_server.data(document, token=False)["found"]
            assert found == {"slug": slugs[-1], "previousSlugs": slugs[-2::-1]}, (kind, slug)

    again = tmp_path / "again"
    assert empty_server.run("export-relay", RELAY, again).returncode == 0
    assert tree(again) == tree(exported)
    # Importing the same folder again adds nothing and changes nothing.
    assert empty_server.run("import-relay", exported).returncode == 0
    assert empty_server.run("export-relay", RELAY, tmp_path / "third").returncode == 0
    assert tree(tmp_path / "third") == tree(exported)
