"""The data both executors read: the demo relay, content made for this module, and samples of it.

`make_content` adds what the demo relay lacks so visibility rules are exercised: drafts, a
scheduled and an archived post, a staged edit, a post with neither category nor bylines, posts
of 0 and 953 words (reading times 0 and 5 minutes), an ended second relay, and an author,
organisation and category of their own. Everything carries
the desk's tag and is deleted with it. `read_dataset` then collects the real slugs, global ids
and cursors that queries' arguments are drawn from (see `planning_values`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from conftest import GraphQL
from fixtures.editing import Desk, earlier, later

# The lists whose cursors are sampled, and the fields they come from.
CURSOR_LISTS = ("relays", "posts", "authors", "organizations", "search")
# Contributor cursors are sampled across every relay's list (see `contributor_cursors`).
CONTRIBUTORS = "contributors"


@dataclass(frozen=True, repr=False)
class Dataset:
    """Real values to put in queries: slugs by type, global ids, cursors by list."""

    slugs: dict[str, list[str]]
    ids: list[str]
    cursors: dict[str, list[str]]
    made: dict[str, str]

    def __repr__(self) -> str:
        counts = {type_name: len(slugs) for type_name, slugs in self.slugs.items()}
        return f"Dataset(slugs={counts}, ids={len(self.ids)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis prints the fixtures of a failing example; the values would bury it.
        printer.text(repr(self))


async def make_content(desk: Desk) -> dict[str, str]:
    """Posts in every state and the objects they name; the slugs of the notable ones."""
    author = await desk.author(bio="Skriver om velfærd.", email=f"skribent.{desk.tag}@example.org")
    organization = await desk.organization(shortName="ZZK", kind="MUNICIPALITY")
    category = await desk.category()
    await desk.ok(
        "setAffiliations",
        authorId=author["id"],
        expectedVersion=author["version"],
        affiliations=[{"organization": organization["slug"], "role": "Direktør"}],
    )
    relay = await desk.relay(intro="En stafet til sammenligningen.", startedOn="2024-01-01")
    bylines = [
        {"author": author["slug"], "role": "Direktør", "organization": organization["slug"]},
        {"author": "mads-roke-clausen"},
    ]
    published = await desk.published(
        relay, category=category["slug"], bylines=bylines, publishedAt=earlier(10)
    )
    # A staged edit beside the live post: `Post.pending` for editors.
    await desk.ok(
        "updatePost",
        id=published["id"],
        expectedVersion=published["version"],
        stage=True,
        title="En kommende overskrift",
        category=None,
        bylines=bylines[1:],
    )
    bare = await desk.published(relay, publishedAt=earlier(5))
    # One word past four minutes' reading (238 words each): `readingTime` rounds up alike.
    await desk.published(relay, body=" ".join(["ord"] * 953), publishedAt=earlier(4))
    await desk.published(
        relay, category=category["slug"], bylines=bylines[1:], publishedAt=earlier(2)
    )
    draft = await desk.post(relay, category=category["slug"], bylines=bylines)
    # Someone with only a draft: a contributor for editors alone, after everyone with a leg.
    drafter = await desk.author()
    await desk.post(relay, bylines=[{"author": drafter["slug"]}])
    await desk.post(relay, body="Et udkast uden noget.")
    await desk.post(relay, body="")  # no words: `readingTime` 0
    scheduled = await desk.post(relay, bylines=bylines[:1])
    await desk.ok(
        "schedulePost", id=scheduled["id"], expectedVersion=scheduled["version"], publishAt=later()
    )
    archived = await desk.published(relay, publishedAt=earlier(20))
    await desk.ok("archivePost", id=archived["id"], expectedVersion=archived["version"])
    ended = await desk.relay(status="ENDED", startedOn="2020-01-01", endedOn="2020-12-31")
    await desk.published(ended, bylines=bylines[:1], publishedAt="2020-06-01T12:00:00")
    await desk.post(ended)
    olds = await renamed_objects(desk, relay)
    return {
        **olds,
        "relay": relay["slug"],
        "ended_relay": ended["slug"],
        "published": published["slug"],
        "bare": bare["slug"],
        "draft": draft["slug"],
        "scheduled": scheduled["slug"],
        "archived": archived["slug"],
        "author": author["slug"],
        "organization": organization["slug"],
        "category": category["slug"],
    }


# Old slugs (each object renamed once), by the type they find: lookups and filters by them.
OLD_SLUG_TYPES = {
    "old_relay": "Relay",
    "old_post": "Post",
    "old_author": "Author",
    "old_organization": "Organization",
    "old_category": "Category",
}


async def renamed_objects(desk: Desk, relay: dict[str, Any]) -> dict[str, str]:
    """A relay, a post, an author, an organisation and a category, each renamed once."""
    author, organization = await desk.author(), await desk.organization()
    category, other = await desk.category(), await desk.relay()
    byline = {"author": author["slug"], "organization": organization["slug"]}
    post = await desk.published(other, category=category["slug"], bylines=[byline])
    for name, thing in (
        ("updateRelay", other),
        ("updatePost", post),
        ("updateAuthor", author),
        ("updateOrganization", organization),
    ):
        fields = {"id": thing["id"], "expectedVersion": thing["version"]}
        await desk.ok(name, **fields, slug=desk.slug("omdoebt"))
    await desk.ok("updateCategory", category=category["slug"], slug=desk.slug("omdoebt"))
    return {
        "old_relay": other["slug"],
        "old_post": post["slug"],
        "old_author": author["slug"],
        "old_organization": organization["slug"],
        "old_category": category["slug"],
    }


EVERYTHING = """{
  relays(first: 100) { edges { cursor node { id slug } } }
  posts(first: 100, filter: {status: [DRAFT, SCHEDULED, PUBLISHED, ARCHIVED]}) {
    edges { cursor node { id slug } } }
  authors(first: 100) { edges { cursor node { id slug } } }
  organizations(first: 100) { edges { cursor node { id slug } } }
  categories { slug }
  search(query: "tillidsreformen", first: 3) { edges { cursor } }
}"""
NODE_TYPES = {
    "relays": "Relay",
    "posts": "Post",
    "authors": "Author",
    "organizations": "Organization",
}
# Cursors kept per list: the first, the middle and the last are enough to page from.
CURSOR_SAMPLES = 3


async def read_dataset(editor: GraphQL, made: dict[str, str]) -> Dataset:
    """Slugs, ids and cursors of everything an editor can see (drafts included)."""
    data = await editor.data(EVERYTHING)
    slugs: dict[str, list[str]] = {"Category": [row["slug"] for row in data["categories"]]}
    ids: list[str] = []
    cursors: dict[str, list[str]] = {}
    for list_name in CURSOR_LISTS:
        edges = data[list_name]["edges"]
        cursors[list_name] = _spread([edge["cursor"] for edge in edges])
        if list_name in NODE_TYPES:
            slugs[NODE_TYPES[list_name]] = [edge["node"]["slug"] for edge in edges]
            ids += [edge["node"]["id"] for edge in edges]
    for key, type_name in OLD_SLUG_TYPES.items():
        slugs[type_name].append(made[key])
    cursors[CONTRIBUTORS] = await contributor_cursors(editor, made["relay"])
    return Dataset(slugs, ids, cursors, made)


CONTRIBUTOR_CURSORS = """query ($relay: String!) {
  relays(first: 100) { edges { node { contributors(first: 100) { edges { cursor } } } } }
  made: relay(slug: $relay) { contributors(first: 100) { edges { cursor } } }
}"""


async def contributor_cursors(editor: GraphQL, relay: str) -> list[str]:
    """A spread of contributor cursors from all relays, and the last of the module's relay
    (its draft-only author's, whose first leg is the no-leg mark)."""
    data = await editor.data(CONTRIBUTOR_CURSORS, relay=relay)
    everyone = [
        edge["cursor"]
        for relay_edge in data["relays"]["edges"]
        for edge in relay_edge["node"]["contributors"]["edges"]
    ]
    last = data["made"]["contributors"]["edges"][-1]["cursor"]
    return list(dict.fromkeys([*_spread(everyone), last]))


def _spread(values: list[str]) -> list[str]:
    if len(values) <= CURSOR_SAMPLES:
        return values
    return [values[0], values[len(values) // 2], values[-1]]


def end_cursors(body: Any) -> list[str]:
    """Every `endCursor` in a response, to ask for the page after it."""
    if isinstance(body, dict):
        found = [body["endCursor"]] if isinstance(body.get("endCursor"), str) else []
        return found + [cursor for value in body.values() for cursor in end_cursors(value)]
    if isinstance(body, list):
        return [cursor for value in body for cursor in end_cursors(value)]
    return []


def dump(value: Any) -> str:
    """A value as the JSON a client would send."""
    return json.dumps(value, ensure_ascii=False)
