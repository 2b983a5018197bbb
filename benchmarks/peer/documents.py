"""The peer's version of each named operation it can express, and how its answer maps to ours.

Each `<Name>.graphql` here asks PostGraphile for the objects and fields our
`schema/operations/<Name>.graphql` asks for, aliased to our names (`relay: relayBySlug`,
`posts: postsByRelayId`), so both answers have one shape but for what is listed here: the
fields the peer cannot express (`omitted`), PostGraphile's `{ nodes }` wrapper around lists,
and objects reached through a row of another table (`through`). A header comment in each file
says, line by line, what differs (`# Differs: …`).

Search (both operations) and OrganizationPage have no version: PostGraphile cannot search
without SQL functions of our own, order an organisation's authors by name, or list a post
once when two of its bylines name the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from benchmarks.operations import PEERS_POST_PAGE, PEERS_RELAY_PAGE, Operation

FOLDER = Path(__file__).resolve().parent
DIFFERS = "# Differs:"


@dataclass(frozen=True)
class PeerDocument:
    """How the peer's answer to one operation compares with ours."""

    name: str
    # Paths in our answer (keys joined by dots, list indexes left out) the peer does not ask.
    omitted: tuple[str, ...] = ()
    # Path in the peer's answer -> the key under it that holds our object there.
    through: dict[str, str] = field(default_factory=dict)
    # One phrase for the report's table: how the shapes compare.
    shape: str = "same fields"


PEER_DOCUMENTS = {
    document.name: document
    for document in (
        PeerDocument("RelaysWithPosts"),
        PeerDocument("RelayPage", omitted=("relay.contributors",), shape="no contributors"),
        PeerDocument("PostPage", omitted=("post.previous", "post.next"), shape="no neighbours"),
        PeerDocument("CategoryPage"),
        PeerDocument(
            "AuthorPage",
            through={"author.posts.edges.node": "post"},
            shape="posts via bylines, by post id",
        ),
    )
}


def text(name: str) -> str:
    """The peer's document for operation `name`."""
    return (FOLDER / f"{name}.graphql").read_text(encoding="utf-8")


@cache
def differences(name: str) -> tuple[str, ...]:
    """The `# Differs:` lines of the peer's document, each joined with the comment lines that
    continue it."""
    found: list[str] = []
    for line in text(name).splitlines():
        if not line.startswith("#"):
            break
        if line.startswith(DIFFERS):
            found.append(line.removeprefix(DIFFERS).strip())
        elif found:
            found[-1] += " " + line.removeprefix("#").strip()
    return tuple(found)


def peer_version(operation: Operation) -> Operation | None:
    """The same request written for PostGraphile (the cursor is still ours); None where the
    peer cannot express the operation, or where ours asks for more than the peer's version
    (RelayPage's contributors: the peer is measured against ours without them)."""
    peer = PEER_DOCUMENTS.get(operation.name)
    if peer is None or operation.without != peer.omitted:
        return None
    return replace(operation, folder=FOLDER, without=())


def peer_label(name: str) -> str:
    """The label of the operation of ours the peer's version of `name` is measured against."""
    return {"RelayPage": PEERS_RELAY_PAGE, "PostPage": PEERS_POST_PAGE}.get(name, name)
