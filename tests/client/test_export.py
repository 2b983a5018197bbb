"""export-relay: a folder that imports back into an empty database and exports identically."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from client.servers import Server, write_post
from graph.client.export import PAGE_SIZE
from graph.client.folder import write_folder
from graph.client.postfile import COPENHAGEN
from graph.editing.imports import ImportSpec, PostSpec, RelaySpec

RELAY = "lederskabs-stafetten"
MUTATION = """mutation M($input: %sInput!) {
  %s(input: $input) { __typename ... on MutationError { message } %s }
}"""


def mutate(server: Server, mutation: str, input_type: str, **fields: object) -> dict[str, str]:
    """Run a mutation that must succeed; its result (with the id, for a Node)."""
    with_id = "" if mutation == "createCategory" else "... on Node { id }"
    document = MUTATION % (input_type, mutation, with_id)
    result: dict[str, str] = server.data(document, input=fields)[mutation]
    assert "message" not in result, result
    return result


# Two runs of push-post: the first publishes "Trukket tilbage", the second takes it back to
# draft (it keeps its publication time, which an export leaves out). Between them: a draft
# with a written teaser and two bylines, a scheduled post, one published later than the
# demo's, and one that is archived afterwards.
FIRST_RUN = [
    "title: Trukket tilbage\npublish: true\npublishedAt: '2024-06-01T12:00:00+02:00'",
    """title: Kladde med to
category: proevekategori
teaser: Skrevet.
bylines:
- author: bo-aeroe
  role: Rådgiver
  organization: moedrehjaelpen
- agi-csonka""",
    "title: Planlagt\npublishAt: '2099-01-01T09:00:00+01:00'",
    "title: Ny udgivet\npublish: true\npublishedAt: '2024-05-01T10:00:00+02:00'",
    "title: Arkiveret\npublish: true",
]
SECOND_RUN = ["title: Trukket tilbage\npublish: false"]
# Trailing spaces and blank lines are no part of a body as a file holds it.
BODY = "Afsnit et.\n\nAfsnit *to*.  \n\n"


def push(server: Server, folder: Path, fronts: list[str]) -> None:
    """Push post files to the demo relay in one run of push-post."""
    paths = [
        write_post(folder, f"{index}.md", f"{front}\nrelay: {RELAY}", BODY)
        for index, front in enumerate(fronts)
    ]
    pushed = server.run("push-post", *paths)
    assert pushed.returncode == 0, pushed.stderr


def archive(server: Server, slug: str) -> None:
    """Archive a post."""
    found = server.data("query P($s: String!) { post(slug: $s) { id version } }", s=slug)
    post = found["post"]
    mutate(server, "archivePost", "PostVersion", id=post["id"], expectedVersion=post["version"])


@pytest.fixture(scope="module")
def relay_with_everything(demo_server: Server, tmp_path_factory: pytest.TempPathFactory) -> Server:
    """The demo relay plus drafts, a scheduled, an unpublished and an archived post."""
    server, folder = demo_server, tmp_path_factory.mktemp("posts")
    mutate(server, "createOrganization", "CreateOrganization", name="Prøveregionen", kind="REGION")
    mutate(server, "createCategory", "CreateCategory", name="Prøvekategori")
    bio = "Første linje.\nAnden linje."
    author = mutate(server, "createAuthor", "CreateAuthor", name="Bo Ærø", bio=bio)["id"]
    affiliations = [
        {"organization": "moedrehjaelpen", "role": "rådgiver"},
        {"organization": "proeveregionen"},
    ]
    mutate(
        server,
        "setAffiliations",
        "SetAffiliations",
        authorId=author,
        expectedVersion=1,
        affiliations=affiliations,
    )
    push(server, folder, FIRST_RUN)
    push(server, folder, SECOND_RUN)
    archive(server, "arkiveret")
    return server


def export(server: Server, folder: Path) -> subprocess.CompletedProcess[str]:
    """Run export-relay for the demo relay into `folder`."""
    return server.run("export-relay", RELAY, folder)


@pytest.fixture(scope="module")
def exported(relay_with_everything: Server, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The relay exported once."""
    folder = tmp_path_factory.mktemp("export") / "stafet"
    result = export(relay_with_everything, folder)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"wrote relay.yaml and 29 posts of {RELAY} to {folder}; "
        "left out 1 archived (an import cannot create archived posts)\n"
    )
    return folder


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path, with its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_posts_are_numbered_oldest_first_drafts_last(exported: Path) -> None:
    names = sorted(tree(exported))
    assert names[0] == "001-goer-vi-det-vi-siger-vi-goer.md"
    assert names[-5:] == [
        "026-ny-udgivet.md",
        "027-planlagt.md",
        "028-trukket-tilbage.md",
        "029-kladde-med-to.md",
        "relay.yaml",
    ]


def test_a_post_file_says_what_push_post_needs(exported: Path) -> None:
    assert (exported / "029-kladde-med-to.md").read_text(encoding="utf-8") == (
        "---\n"
        "title: Kladde med to\n"
        "slug: kladde-med-to\n"
        f"relay: {RELAY}\n"
        "category: proevekategori\n"
        "bylines:\n"
        "- author: bo-aeroe\n"
        "  role: Rådgiver\n"
        "  organization: moedrehjaelpen\n"
        "- agi-csonka\n"
        "teaser: Skrevet.\n"
        "publish: false\n"
        "---\n"
        "\n"
        "Afsnit et.\n"
        "\n"
        "Afsnit *to*.\n"
    )
    scheduled = (exported / "027-planlagt.md").read_text(encoding="utf-8")
    assert "publishAt: '2099-01-01T09:00:00+01:00'\n" in scheduled
    assert "teaser" not in scheduled  # derived by the server, so left to it


def test_relay_yaml_holds_what_the_posts_name(exported: Path) -> None:
    relay = (exported / "relay.yaml").read_text(encoding="utf-8")
    assert relay.startswith(
        "slug: lederskabs-stafetten\ntitle: Lederskabs-stafetten\nstatus: active\n"
        "startedOn: '2013-04-30'\nintro: |-\n"
    )
    assert (
        "- slug: bo-aeroe\n  name: Bo Ærø\n  bio: |-\n    Første linje.\n    Anden linje.\n"
        "  affiliations:\n  - organization: moedrehjaelpen\n    role: rådgiver\n"
        "  - organization: proeveregionen\n"
    ) in relay
    assert "- slug: proeveregionen\n  name: Prøveregionen\n  kind: region\n" in relay
    assert "- slug: proevekategori\n  name: Prøvekategori\n" in relay


def test_export_import_export_gives_identical_files(
    exported: Path, empty_server: Server, tmp_path: Path
) -> None:
    imported = empty_server.run("import-relay", exported)
    assert imported.returncode == 0, imported.stderr
    assert "created 29 posts, 0 already there" in imported.stdout

    again = export(empty_server, tmp_path / "again")

    assert again.returncode == 0, again.stderr
    assert tree(tmp_path / "again") == tree(exported)


def test_exported_files_push_back_unchanged(exported: Path, relay_with_everything: Server) -> None:
    # The posts pushed above: drafts, scheduled, back-dated. (Five demo posts would count as
    # updated: their written teaser equals the one the server derives, so the export leaves it
    # out and a push makes it derived. The API does not say whether a teaser was derived.)
    files = sorted(exported.glob("02[6-9]-*.md"))

    pushed = relay_with_everything.run("push-post", *files)

    assert pushed.returncode == 0, pushed.stderr
    assert [line.split(": ", 2)[2] for line in pushed.stdout.splitlines()] == [
        "unchanged, published (version 2)",
        "unchanged, scheduled (version 2)",
        "unchanged, draft (version 3)",
        "unchanged, draft (version 1)",
    ]


def test_exporting_again_replaces_the_earlier_export(
    exported: Path, relay_with_everything: Server, tmp_path: Path
) -> None:
    folder = tmp_path / "stafet"
    folder.mkdir()
    for name, content in tree(exported).items():
        (folder / name).write_bytes(content)
    (folder / "030-slettet.md").write_text("---\ntitle: Slettet\n---\n", encoding="utf-8")

    result = export(relay_with_everything, folder)

    assert result.returncode == 0, result.stderr
    assert tree(folder) == tree(exported)


def test_a_folder_holding_other_files_is_refused(
    relay_with_everything: Server, tmp_path: Path
) -> None:
    (tmp_path / "noter.txt").write_text("mine noter", encoding="utf-8")

    result = export(relay_with_everything, tmp_path)

    assert result.returncode == 1
    assert result.stderr == (
        f"export-relay: {tmp_path} is not empty and holds no relay.yaml: choose another\n"
    )
    assert [path.name for path in tmp_path.iterdir()] == ["noter.txt"]


def test_an_unknown_relay_is_one_line(demo_server: Server, tmp_path: Path) -> None:
    result = demo_server.run("export-relay", "ingen-stafet", tmp_path / "x")

    assert (result.returncode, result.stderr) == (
        1,
        "export-relay: there is no relay 'ingen-stafet'\n",
    )
    assert not (tmp_path / "x").exists()


def test_a_relay_of_more_than_a_page_exports_whole(empty_server: Server, tmp_path: Path) -> None:
    # In Copenhagen time, as the server answers and so as an export writes it.
    start = dt.datetime(2020, 1, 1, 9, tzinfo=COPENHAGEN)
    posts = tuple(
        PostSpec(
            slug=f"mange-{n}",
            title=f"Indlæg {n}",
            body=f"Indlæg nummer {n}.",
            published_at=start + dt.timedelta(hours=n),
        )
        for n in range(1, 106)
    )
    written = tmp_path / "written"
    write_folder(written, ImportSpec(RelaySpec("mange", "Mange indlæg"), posts))
    assert empty_server.run("import-relay", written).returncode == 0

    result = empty_server.run("export-relay", "mange", tmp_path / "exported")

    assert result.returncode == 0, result.stderr
    progress = [f"read {n} of 105 posts" for n in (*range(PAGE_SIZE, 101, PAGE_SIZE), 105)]
    assert result.stderr.splitlines() == progress
    assert tree(tmp_path / "exported") == tree(written)
