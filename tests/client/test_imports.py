"""import-relay: the seed listing into an empty database gives what the demo loader gives."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from client.servers import Server, write_post
from graph.client.imports import import_variables
from graph.demo.load import BYLINES, PAGE, listing_spec, read_demo

POSTS = """{
  relay(slug: "lederskabs-stafetten") {
    posts(first: 100) { edges { node {
      slug title teaser body category { slug } publishedAt leg
      bylines { author { slug } role organization { slug } }
    } } }
  }
}"""
COUNTS = """{
  authors(first: 0) { totalCount }
  organizations(first: 0) { totalCount }
  categories { slug }
  relays(first: 0) { totalCount }
}"""


def import_listing(server: Server, bylines: Path = BYLINES) -> subprocess.CompletedProcess[str]:
    """Run import-relay on the seed page with this bylines file."""
    return server.run("import-relay", "--listing", PAGE, "--bylines", bylines)


@pytest.fixture(scope="module")
def imported(empty_server: Server) -> subprocess.CompletedProcess[str]:
    """The seed listing imported once into the empty server."""
    return import_listing(empty_server)


def posts(server: Server) -> list[dict[str, Any]]:
    """The demo relay's posts with everything the import sets."""
    return [edge["node"] for edge in server.data(POSTS)["relay"]["posts"]["edges"]]


def test_the_listing_import_reports_what_it_created(
    imported: subprocess.CompletedProcess[str],
) -> None:
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == (
        "lederskabs-stafetten: created 25 posts, 0 already there; "
        "9 authors, 11 organisations, 3 categories created\n"
    )
    assert imported.stderr.splitlines() == [
        f"parsed 25 posts from {PAGE}",
        "importing 25 posts into lederskabs-stafetten …",
    ]


def test_the_listing_import_gives_the_demo_loaders_posts(
    imported: subprocess.CompletedProcess[str], empty_server: Server, demo_server: Server
) -> None:
    assert imported.returncode == 0, imported.stderr
    assert len(posts(demo_server)) == 25
    assert posts(empty_server) == posts(demo_server)


def test_running_the_import_again_creates_nothing(
    imported: subprocess.CompletedProcess[str], empty_server: Server
) -> None:
    before = empty_server.data(COUNTS)

    again = import_listing(empty_server)

    assert again.returncode == 0, again.stderr
    assert "created 0 posts, 25 already there; 0 authors, 0 organisations" in again.stdout
    assert empty_server.data(COUNTS) == before


def test_a_bylines_file_that_is_not_json_stops_before_sending(
    empty_server: Server, tmp_path: Path
) -> None:
    broken = tmp_path / "bylines.json"
    broken.write_text('{"organizations": [\n', encoding="utf-8")
    before = empty_server.data(COUNTS)

    result = import_listing(empty_server, broken)

    assert result.returncode == 1
    assert result.stderr == (
        "import-relay: nothing imported: bylines.json: line 2: Expecting value\n"
    )
    assert empty_server.data(COUNTS) == before


def test_bylines_the_server_refuses_import_nothing(empty_server: Server, tmp_path: Path) -> None:
    data = json.loads(BYLINES.read_text(encoding="utf-8"))
    first = next(iter(data["bylines"].values()))
    first["author"] = "Ny " + "x" * 400  # a name longer than the 300 characters allowed
    bylines = tmp_path / "bylines.json"
    bylines.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = empty_server.data(COUNTS)

    result = import_listing(empty_server, bylines)

    assert result.returncode == 1
    refused = result.stderr.splitlines()[2:]
    assert refused[0] == "import-relay: nothing imported: the input was refused (1 field error)"
    assert refused[1].startswith("  authors.") and refused[1].endswith(
        ".name: must be at most 300 characters"
    )
    assert empty_server.data(COUNTS) == before


def test_a_folder_post_naming_an_unknown_author_is_named_by_file(
    empty_server: Server, tmp_path: Path
) -> None:
    (tmp_path / "relay.yaml").write_text("slug: proeve\ntitle: Prøve\n", encoding="utf-8")
    write_post(tmp_path, "001-en.md", "title: En\nslug: proeve-en\npublish: false")
    write_post(tmp_path, "002-to.md", "title: To\nslug: proeve-to\nbylines:\n- ingen")

    result = empty_server.run("import-relay", tmp_path)

    assert result.returncode == 1
    assert result.stderr.splitlines()[2:] == [
        "import-relay: nothing imported: the input was refused (1 field error)",
        "  posts.1.bylines.0.author (002-to.md): no author 'ingen'",
    ]
    assert empty_server.data('{ relay(slug: "proeve") { slug } }')["relay"] is None


def test_the_import_variables_use_graphql_names_and_iso_times() -> None:
    variables = import_variables(listing_spec(*read_demo()))["input"]

    assert variables["relay"] == {
        "slug": "lederskabs-stafetten",
        "title": "Lederskabs-stafetten",
        "intro": variables["relay"]["intro"],
        "status": "ACTIVE",
        "startedOn": "2013-04-30",
        "endedOn": None,
        "previousSlugs": [],
    }
    sfi = next(o for o in variables["organizations"] if o["shortName"] == "SFI")
    assert sfi["kind"] == "RESEARCH"
    # Midnight in Copenhagen on 30 April 2013, sent in UTC (graph.client.http.utc says why).
    assert variables["posts"][0]["publishedAt"] == "2013-04-29T22:00:00+00:00"
    assert {"publishAt": None, "category": "ledelse"}.items() <= variables["posts"][0].items()


def test_a_broken_relay_yaml_stops_before_sending(empty_server: Server, tmp_path: Path) -> None:
    (tmp_path / "relay.yaml").write_text("slug: x\ntitle: X\nstatus: open\n", encoding="utf-8")

    result = empty_server.run("import-relay", tmp_path)

    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "import-relay: nothing imported: relay.yaml: status 'open' is not one of active, ended\n"
    )
