"""The frontend's named operations, with variables picked from the generated data.

The documents are the committed ones in `schema/operations/`; the variables are chosen by
rule (the relay with most posts, the author with most bylines …), so a size always gives the
same requests.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import psycopg
from graphql import REMOVE, FieldNode, Visitor, parse, print_ast, visit

from benchmarks import words
from benchmarks.database import Meta
from graph.danish import DANISH_STOP_WORDS
from graph.db import libpq_url
from graph.search import compile, syntax

OPERATIONS_DIR = Path(__file__).resolve().parents[1] / "schema" / "operations"
# The category listing is measured on its third page, reached through pages 1 and 2.
CATEGORY_PAGE = 3
CATEGORY_LABEL = f"CategoryPage p{CATEGORY_PAGE}"
# Search as you type, the issue's own example: `tillid` and `tillidsreform` are among the
# vocabulary's 150 most frequent words, so the prefix matches many posts through many words.
PREFIX = "tillids*"
# The phrase is two of this many of the most frequent content words (five letters or more).
PHRASE_WORDS = 8

# RelayPage and PostPage as the peer can ask them: without contributors, without neighbours.
PEERS_RELAY_PAGE, RELAY_PAGE_EXTRAS = "RelayPage (peer's fields)", ("relay.contributors",)
PEERS_POST_PAGE, POST_PAGE_EXTRAS = "PostPage (peer's fields)", ("post.previous", "post.next")
PEER_SHAPED = frozenset({PEERS_RELAY_PAGE, PEERS_POST_PAGE})

Response = dict[str, Any]
Send = Callable[["Operation"], Awaitable[Response]]


@cache
def document(name: str, folder: Path = OPERATIONS_DIR) -> str:
    """The text of `<folder>/<name>.graphql`, by default `schema/operations/<name>.graphql`."""
    return (folder / f"{name}.graphql").read_text(encoding="utf-8")


@cache
def trimmed(name: str, folder: Path, without: tuple[str, ...]) -> str:
    """The document without the fields at these response paths (keys joined by dots)."""
    path: list[str] = []

    class Trim(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> Any:
            path.append((node.alias or node.name).value)
            if ".".join(path) in without:
                path.pop()
                return REMOVE
            return None

        def leave_field(self, *_: Any) -> None:
            path.pop()

    return print_ast(visit(parse(document(name, folder)), Trim()))


@dataclass(frozen=True)
class Operation:
    """One measured request: a named operation and its variables."""

    label: str
    name: str
    variables: dict[str, Any] = field(default_factory=dict)
    # Where the document lives: ours, or the peer's version of the same operation.
    folder: Path = OPERATIONS_DIR
    # Fields left out of the document (response paths): ours with only what the peer asks.
    without: tuple[str, ...] = ()

    def payload(self) -> bytes:
        """The JSON body a frontend POSTs to /graphql for it."""
        text = trimmed(self.name, self.folder, self.without)
        return orjson.dumps(
            {"query": text, "operationName": self.name, "variables": self.variables}
        )


BUSIEST_RELAY = """
SELECT r.id, r.slug FROM relay r JOIN post p ON p.relay_id = r.id AND p.status = 'published'
GROUP BY r.id ORDER BY count(*) DESC, r.id LIMIT 1
"""
MIDDLE_POST = """
SELECT slug FROM post WHERE relay_id = %s AND status = 'published'
ORDER BY leg, id OFFSET (SELECT count(*) / 2 FROM post WHERE relay_id = %s AND status = 'published')
LIMIT 1
"""
BUSIEST_CATEGORY = """
SELECT c.slug FROM category c JOIN post p ON p.category_id = c.id AND p.status = 'published'
GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1
"""
BUSIEST_AUTHOR = """
SELECT a.slug FROM author a JOIN byline b ON b.author_id = a.id
GROUP BY a.id ORDER BY count(*) DESC, a.id LIMIT 1
"""
BUSIEST_ORGANIZATION = """
SELECT o.slug FROM organization o JOIN byline b ON b.organization_id = o.id
GROUP BY o.id ORDER BY count(*) DESC, o.id LIMIT 1
"""


def phrases() -> list[str]:
    """Quoted two-word phrases of frequent content words, the likeliest in Zipf text first."""
    content = [word for word in words.vocabulary() if word not in DANISH_STOP_WORDS]
    top = [word for word in content if len(word) >= 5][:PHRASE_WORDS]
    pairs = sorted(
        itertools.permutations(range(len(top)), 2),
        key=lambda pair: ((pair[0] + 1) * (pair[1] + 1), pair),
    )
    return [f'"{top[first]} {top[second]}"' for first, second in pairs]


def _occurs(connection: psycopg.Connection[Any], text: str) -> bool:
    """Whether a published post matches the search text (any field, as search reads it)."""
    literal = compile.ts_literal(compile.tsquery(syntax.parse(text)))
    row = connection.execute(
        "SELECT EXISTS (SELECT 1 FROM post_search p "
        f"WHERE p.status = 'published' AND p.document @@ {literal})"
    ).fetchone()
    return bool(row and row[0])


def common_phrase(connection: psycopg.Connection[Any]) -> str:
    """The likeliest phrase of `phrases()` that the data holds (at M and L the first)."""
    for text in phrases():
        if _occurs(connection, text):
            return text
    raise AssertionError("no phrase of the most frequent words occurs in the bench data")


def pick(url: str, meta: Meta) -> list[Operation]:
    """Every measured operation with its variables (the category page still lacks its cursor)."""
    with psycopg.connect(libpq_url(url)) as connection:

        def one(statement: str, *params: Any) -> Any:
            row = connection.execute(statement, params).fetchone()
            assert row is not None, f"no data for {statement.split()[1]}"
            return row[-1]

        relay_id, relay = connection.execute(BUSIEST_RELAY).fetchone() or (None, None)
        assert relay is not None, "the bench database has no published posts"
        post = one(MIDDLE_POST, relay_id, relay_id)
        return [
            Operation("RelayPage", "RelayPage", {"slug": relay}),
            # Measured against the peer: ours with the fields it can express.
            Operation(PEERS_RELAY_PAGE, "RelayPage", {"slug": relay}, without=RELAY_PAGE_EXTRAS),
            Operation("RelaysWithPosts", "RelaysWithPosts"),
            Operation("PostPage", "PostPage", {"slug": post}),
            Operation(PEERS_POST_PAGE, "PostPage", {"slug": post}, without=POST_PAGE_EXTRAS),
            Operation(CATEGORY_LABEL, "CategoryPage", {"slug": one(BUSIEST_CATEGORY)}),
            Operation("AuthorPage", "AuthorPage", {"slug": one(BUSIEST_AUTHOR)}),
            Operation("OrganizationPage", "OrganizationPage", {"slug": one(BUSIEST_ORGANIZATION)}),
            Operation("Search common", "Search", {"query": meta.common_word}),
            Operation("Search rare", "Search", {"query": meta.rare_word}),
            Operation("Search phrase", "Search", {"query": common_phrase(connection)}),
            Operation("Search prefix", "Search", {"query": PREFIX}),
            Operation("Search with facets", "SearchWithFacets", {"query": meta.common_word}),
        ]


async def with_cursors(operations: list[Operation], send: Send) -> list[Operation]:
    """The operations with the category page's cursor, got by asking for the pages before it."""
    done = []
    for operation in operations:
        if operation.name == "CategoryPage":
            operation = await _page_cursor(operation, send)
        done.append(operation)
    return done


async def _page_cursor(operation: Operation, send: Send) -> Operation:
    variables = {key: value for key, value in operation.variables.items() if key != "after"}
    for _ in range(CATEGORY_PAGE - 1):
        response = await send(replace(operation, variables=variables))
        posts = response["data"]["category"]["posts"]
        if not posts["pageInfo"]["hasNextPage"]:
            break  # a small category: measure its last page
        variables = {**variables, "after": posts["pageInfo"]["endCursor"]}
    return replace(operation, variables=variables)
