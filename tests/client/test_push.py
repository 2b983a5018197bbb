"""push-post against a real server with the demo relay: create, update, publish, refuse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from client.servers import Server, write_post

RELAY = "lederskabs-stafetten"
POST = """query Post($slug: String!) {
  post(slug: $slug) {
    slug title teaser body status version publishedAt publishAt
    category { slug }
    bylines { author { slug } role organization { slug } }
  }
}"""


def front(slug: str, extra: str = "") -> str:
    """Front matter for a post in the demo relay, plus `extra` lines."""
    return f"title: Prøvepost {slug}\nslug: {slug}\nrelay: {RELAY}\ncategory: ledelse\n{extra}"


def post(server: Server, slug: str, token: bool = True) -> Any:
    """The post as the server has it (None if invisible)."""
    return server.data(POST, token=token, slug=slug)["post"]


def test_push_creates_a_draft_that_only_a_token_sees(demo_server: Server, tmp_path: Path) -> None:
    bylines = "bylines:\n- agi-csonka\n- author: jane-wiis\n  role: direktør\n"
    bylines += "  organization: kommunernes-landsforening\n"
    path = write_post(tmp_path, "ny.md", front("ny-kladde", bylines), "Første *udkast*.")

    pushed = demo_server.run("push-post", path)

    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout == f"{path}: ny-kladde: created, draft (version 1)\n"
    draft = post(demo_server, "ny-kladde")
    assert (draft["status"], draft["body"], draft["teaser"]) == (
        "DRAFT",
        "Første *udkast*.",
        "Første udkast.",
    )
    assert draft["bylines"] == [
        {"author": {"slug": "agi-csonka"}, "role": None, "organization": None},
        {
            "author": {"slug": "jane-wiis"},
            "role": "direktør",
            "organization": {"slug": "kommunernes-landsforening"},
        },
    ]
    assert post(demo_server, "ny-kladde", token=False) is None


def test_pushing_the_same_file_twice_changes_nothing(demo_server: Server, tmp_path: Path) -> None:
    path = write_post(tmp_path, "to-gange.md", front("to-gange", "teaser: Skrevet teaser."))
    assert demo_server.run("push-post", path).returncode == 0
    before = post(demo_server, "to-gange")

    again = demo_server.run("push-post", path)

    assert again.returncode == 0, again.stderr
    assert again.stdout == f"{path}: to-gange: unchanged, draft (version 1)\n"
    assert post(demo_server, "to-gange") == before


def test_publish_true_makes_the_post_public_in_lists_and_search(
    demo_server: Server, tmp_path: Path
) -> None:
    extra = "publish: true\npublishedAt: '2024-03-01T09:00:00+01:00'"
    body = "Om kvantespringsledelse i kommunerne."
    path = write_post(tmp_path, "offentlig.md", front("offentlig", extra), body)

    pushed = demo_server.run("push-post", path)

    assert pushed.returncode == 0, pushed.stderr
    assert "offentlig: created, published" in pushed.stdout
    listed = demo_server.data(
        "query List($relay: String!) "
        "{ posts(first: 100, filter: {relay: $relay}) { edges { node { slug } } } }",
        token=False,
        relay=RELAY,
    )
    assert "offentlig" in [edge["node"]["slug"] for edge in listed["posts"]["edges"]]
    found = demo_server.data(
        '{ search(query: "kvantespringsledelse") { edges { node { slug publishedAt } } } }',
        token=False,
    )
    assert [edge["node"] for edge in found["search"]["edges"]] == [
        {"slug": "offentlig", "publishedAt": "2024-03-01T09:00:00+01:00"}
    ]


def test_a_published_post_pushed_again_keeps_its_version(
    demo_server: Server, tmp_path: Path
) -> None:
    # The file gives the time in UTC; the server answers in Copenhagen time: the same instant.
    extra = "publish: true\npublishedAt: '2024-03-02T08:00:00Z'"
    path = write_post(tmp_path, "udgivet.md", front("udgivet", extra))
    assert demo_server.run("push-post", path).returncode == 0
    version = post(demo_server, "udgivet")["version"]

    again = demo_server.run("push-post", path)

    assert again.stdout == f"{path}: udgivet: unchanged, published (version {version})\n"
    assert post(demo_server, "udgivet")["version"] == version


def test_an_edited_file_updates_the_post(demo_server: Server, tmp_path: Path) -> None:
    path = write_post(tmp_path, "rettes.md", front("rettes", "teaser: Gammel teaser."))
    assert demo_server.run("push-post", path).returncode == 0

    write_post(tmp_path, "rettes.md", front("rettes").replace("ledelse", "politik"), "Ny tekst.")
    pushed = demo_server.run("push-post", path)

    assert pushed.stdout == f"{path}: rettes: updated, draft (version 1 → 2)\n"
    updated = post(demo_server, "rettes")
    assert updated["body"] == "Ny tekst."
    assert updated["teaser"] == "Ny tekst."  # no teaser in the file: cut from the body again
    assert updated["category"] == {"slug": "politik"}


def test_schedule_then_take_back_to_draft(demo_server: Server, tmp_path: Path) -> None:
    path = write_post(tmp_path, "senere.md", front("senere", "publishAt: 2099-01-01T09:00:00"))
    assert "created, scheduled" in demo_server.run("push-post", path).stdout
    assert "unchanged, scheduled" in demo_server.run("push-post", path).stdout
    assert post(demo_server, "senere")["publishAt"] == "2099-01-01T09:00:00+01:00"

    write_post(tmp_path, "senere.md", front("senere", "publish: false"))
    pushed = demo_server.run("push-post", path)

    assert pushed.stdout == f"{path}: senere: updated, draft (version 2 → 3)\n"


def test_a_stale_version_is_a_conflict_and_writes_nothing(
    demo_server: Server, tmp_path: Path
) -> None:
    path = write_post(tmp_path, "konflikt.md", front("konflikt"), "Først.")
    assert demo_server.run("push-post", path).returncode == 0
    write_post(tmp_path, "konflikt.md", front("konflikt"), "Bagefter.")
    assert demo_server.run("push-post", path).returncode == 0  # now at version 2

    stale = write_post(tmp_path, "konflikt.md", front("konflikt"), "Forældet.")
    pushed = demo_server.run("push-post", stale, "--expected-version", "1")

    assert pushed.returncode == 1
    assert pushed.stderr == (
        f"{stale}: konflikt: version conflict: the post changed on the server since it was "
        "read (it is at version 2); nothing written\n"
    )
    assert (post(demo_server, "konflikt")["body"], post(demo_server, "konflikt")["version"]) == (
        "Bagefter.",
        2,
    )


def test_refused_fields_are_listed_and_nothing_is_written(
    demo_server: Server, tmp_path: Path
) -> None:
    path = write_post(tmp_path, "afvist.md", front("afvist"))
    assert demo_server.run("push-post", path).returncode == 0
    before = post(demo_server, "afvist")

    bad = front("afvist", "bylines:\n- ingen-saadan\n").replace("ledelse", "ukendt")
    write_post(tmp_path, "afvist.md", bad, "Ændret.")
    pushed = demo_server.run("push-post", path)

    assert pushed.returncode == 1
    assert pushed.stderr.splitlines() == [
        f"{path}: afvist: the input was refused (2 field errors); nothing written",
        "  category: no category 'ukendt'",
        "  bylines.0.author: no author 'ingen-saadan'",
    ]
    assert post(demo_server, "afvist") == before


def test_a_new_post_that_is_refused_is_not_created(demo_server: Server, tmp_path: Path) -> None:
    path = write_post(
        tmp_path, "aldrig.md", front("aldrig", "publish: true").replace("ledelse", "ukendt")
    )

    pushed = demo_server.run("push-post", path)

    assert pushed.returncode == 1
    assert "category: no category 'ukendt'" in pushed.stderr
    assert post(demo_server, "aldrig") is None


def test_several_files_in_one_run_go_on_past_a_bad_one(demo_server: Server, tmp_path: Path) -> None:
    broken = write_post(tmp_path, "brudt.md", "title: Uden slutning\npublised: true")
    good = write_post(tmp_path, "god.md", front("god-efter-brudt"))

    pushed = demo_server.run("push-post", broken, good)

    assert pushed.returncode == 1
    assert f"{broken}: unknown front matter key 'publised'" in pushed.stderr
    assert pushed.stdout == f"{good}: god-efter-brudt: created, draft (version 1)\n"


def test_the_wrapper_reads_paths_from_the_callers_directory(
    demo_server: Server, tmp_path: Path
) -> None:
    # No slug in the file: it is made from the title, and the script says so.
    write_post(tmp_path, "uden-slug.md", f"title: Æbler og pærer\nrelay: {RELAY}")

    pushed = demo_server.run_wrapper("push-post", "uden-slug.md", cwd=tmp_path)

    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout == "uden-slug.md: aebler-og-paerer: created, draft (version 1)\n"
    assert "no slug in the front matter; using 'aebler-og-paerer'" in pushed.stderr


def test_without_a_token_it_stops_with_one_line(demo_server: Server, tmp_path: Path) -> None:
    path = write_post(tmp_path, "x.md", front("uden-token"))

    pushed = demo_server.run("push-post", path, token=False)

    assert pushed.returncode == 1
    assert (
        pushed.stderr
        == "push-post: GRAPH_TOKEN is not set (create one with `graph token create`)\n"
    )
