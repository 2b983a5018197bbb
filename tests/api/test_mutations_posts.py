"""Post mutations as an editor uses them: drafts, edits, bylines and the publishing life cycle.

Every refused write is checked twice: the typed error the editor gets, and the post read back
afterwards, identical to before (same version, fields and revisions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from conftest import GraphQL
from fixtures import editing
from fixtures.editing import Desk, earlier, field_errors, global_id, later, letters, run

# The documented default of the `max_body_chars` setting.
MAX_BODY_CHARS = 100_000
MAX_BYLINES = 20


@pytest.fixture
async def desk(editor: GraphQL) -> AsyncIterator[Desk]:
    async with editing.open_desk(editor) as desk:
        yield desk


async def authors(desk: Desk, count: int) -> list[dict[str, str]]:
    """`count` new authors as byline inputs."""
    return [{"author": (await desk.author())["slug"]} for _ in range(count)]


# --- createPost -------------------------------------------------------------------------


async def test_create_post_makes_a_draft_with_html_and_a_teaser(desk: Desk) -> None:
    relay = await desk.relay()
    post = await desk.ok(
        "createPost",
        relay=relay["slug"],
        title=f"Ærø og Øster Åby {desk.tag}",
        body="Et **fedt** udkast med [et link](https://example.org).",
    )
    assert post["slug"] == f"aeroe-og-oester-aaby-{desk.tag}"
    assert post["status"] == "DRAFT"
    assert post["version"] == 1
    assert post["leg"] is None and post["publishedAt"] is None and post["publishAt"] is None
    assert post["html"] == (
        '<p>Et <strong>fedt</strong> udkast med <a href="https://example.org" '
        'rel="noopener noreferrer">et link</a>.</p>\n'
    )
    assert post["teaser"] == "Et fedt udkast med et link."


async def test_create_post_keeps_bylines_in_order_with_role_category_and_organization(
    desk: Desk,
) -> None:
    first, second = await desk.author(), await desk.author()
    organization, category = await desk.organization(), await desk.category()
    bylines = [
        {"author": second["slug"], "role": "direktør", "organization": organization["slug"]},
        {"author": first["slug"]},
    ]
    post = await desk.post(bylines=bylines, category=category["slug"])
    assert post["bylines"] == [
        {
            "author": {"slug": second["slug"]},
            "role": "direktør",
            "organization": {"slug": organization["slug"]},
        },
        {"author": {"slug": first["slug"]}, "role": None, "organization": None},
    ]
    assert post["category"] == {"slug": category["slug"]}


async def test_create_post_with_a_title_in_use_gets_a_numbered_slug(desk: Desk) -> None:
    relay = await desk.relay()
    title = f"Samme overskrift {desk.tag}"
    first = await desk.ok("createPost", relay=relay["slug"], title=title)
    second = await desk.ok("createPost", relay=relay["slug"], title=title)
    assert first["slug"] == f"samme-overskrift-{desk.tag}"
    assert second["slug"] == f"samme-overskrift-{desk.tag}-2"


async def test_create_post_accepts_a_body_at_the_size_limit(desk: Desk) -> None:
    body = "ord " * (MAX_BODY_CHARS // 4)
    post = await desk.post(body=body)
    assert len(post["body"]) == MAX_BODY_CHARS


async def test_create_post_accepts_twenty_bylines(desk: Desk) -> None:
    bylines = await authors(desk, MAX_BYLINES)
    post = await desk.post(bylines=bylines)
    assert [b["author"]["slug"] for b in post["bylines"]] == [b["author"] for b in bylines]


async def test_create_post_with_a_taken_slug_is_slug_taken(desk: Desk) -> None:
    relay = await desk.relay()
    taken = "politi-med-bloed-hat"  # a demo post
    result = await run(desk.editor, "createPost", relay=relay["slug"], title="Kopi", slug=taken)
    assert result["__typename"] == "SlugTaken"
    assert result["slug"] == taken
    assert await desk.post_count(relay) == 0


# Each case: the input fields that break one rule, and the (path, code) refusing it.
CREATE_REFUSALS: dict[str, tuple[dict[str, Any], list[tuple[list[str], str]]]] = {
    "empty title": ({"title": ""}, [(["title"], "REQUIRED")]),
    "blank title": ({"title": "   "}, [(["title"], "REQUIRED")]),
    "title too long": ({"title": "x" * 301}, [(["title"], "TOO_LONG")]),
    "upper-case slug": ({"slug": "Hej-Verden"}, [(["slug"], "INVALID_SLUG")]),
    "slug with æ": ({"slug": "æbleskiver"}, [(["slug"], "INVALID_SLUG")]),
    "slug with space": ({"slug": "to ord"}, [(["slug"], "INVALID_SLUG")]),
    "slug with double hyphen": ({"slug": "to--ord"}, [(["slug"], "INVALID_SLUG")]),
    "empty slug": ({"slug": ""}, [(["slug"], "INVALID_SLUG")]),
    "body too long": ({"body": "x" * (MAX_BODY_CHARS + 1)}, [(["body"], "TOO_LONG")]),
    "unknown author": (
        {"bylines": [{"author": "ingen-saadan-skribent"}]},
        [(["bylines", "0", "author"], "UNKNOWN")],
    ),
    "unknown category": ({"category": "ingen-saadan-kategori"}, [(["category"], "UNKNOWN")]),
}


@pytest.mark.parametrize("case", CREATE_REFUSALS)
async def test_create_post_refuses_a_broken_rule_and_writes_nothing(desk: Desk, case: str) -> None:
    fields, expected = CREATE_REFUSALS[case]
    relay = await desk.relay()
    result = await run(
        desk.editor, "createPost", relay=relay["slug"], **{"title": "Titel", **fields}
    )
    assert field_errors(result) == expected
    assert await desk.post_count(relay) == 0


async def test_create_post_refuses_an_unknown_relay(desk: Desk) -> None:
    slug = desk.slug("hjemloes")
    result = await run(desk.editor, "createPost", relay="ingen-saadan-stafet", title="T", slug=slug)
    assert field_errors(result) == [(["relay"], "UNKNOWN")]
    assert (await desk.editor.data(f'{{ post(slug: "{slug}") {{ id }} }}'))["post"] is None


async def test_create_post_refuses_an_unknown_byline_organization(desk: Desk) -> None:
    relay, author = await desk.relay(), await desk.author()
    byline = {"author": author["slug"], "organization": "ingen-saadan-kommune"}
    result = await run(desk.editor, "createPost", relay=relay["slug"], title="T", bylines=[byline])
    assert field_errors(result) == [(["bylines", "0", "organization"], "UNKNOWN")]
    assert await desk.post_count(relay) == 0


async def test_create_post_refuses_more_than_twenty_bylines(desk: Desk) -> None:
    relay = await desk.relay()
    bylines = await authors(desk, MAX_BYLINES + 1)
    result = await run(desk.editor, "createPost", relay=relay["slug"], title="T", bylines=bylines)
    assert field_errors(result) == [(["bylines"], "TOO_MANY")]
    assert await desk.post_count(relay) == 0


async def test_create_post_refuses_an_author_named_twice(desk: Desk) -> None:
    relay, author = await desk.relay(), await desk.author()
    bylines = [{"author": author["slug"]}, {"author": author["slug"], "role": "igen"}]
    result = await run(desk.editor, "createPost", relay=relay["slug"], title="T", bylines=bylines)
    assert field_errors(result) == [(["bylines", "1", "author"], "DUPLICATE")]
    assert await desk.post_count(relay) == 0


async def test_create_post_lists_every_problem_at_once(desk: Desk) -> None:
    result = await run(
        desk.editor,
        "createPost",
        relay="ingen-saadan-stafet",
        title=" ",
        slug="Ikke En Slug",
        bylines=[{"author": "ingen-saadan-skribent"}],
    )
    assert sorted(field_errors(result)) == sorted(
        [
            (["relay"], "UNKNOWN"),
            (["title"], "REQUIRED"),
            (["slug"], "INVALID_SLUG"),
            (["bylines", "0", "author"], "UNKNOWN"),
        ]
    )


# --- XSS --------------------------------------------------------------------------------

# Each payload stands alone (a blank line apart), so that one left open cannot swallow the rest.
XSS_PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "SCRIPT src": '<SCRIPT SRC="https://evil.example/x.js"></SCRIPT>',
    "img onerror": "<img src=x onerror=alert(1)>",
    "IMG OnError": '<IMG SRC=x OnError="alert(1)">',
    "md javascript link": "[klik](javascript:alert(1))",
    "md JAVASCRIPT link": "[KLIK](JAVASCRIPT:alert(1))",
    "md entity link": "[klik](&#106;avascript:alert(1))",
    "md data link": "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "md data image": "![billede](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "a javascript": '<a href="javascript:alert(1)">a</a>',
    "a JaVaScRiPt": '<a href="JaVaScRiPt:alert(1)">b</a>',
    "a entity javascript": '<a href="&#106;&#97;vascript:alert(1)">c</a>',
    "a tab javascript": '<a href="jav&#x09;ascript:alert(1)">d</a>',
    "a space javascript": '<a href=" javascript:alert(1)">e</a>',
    "a data": '<a href="data:text/html,<script>alert(1)</script>">f</a>',
    "img data": '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "svg onload": '<svg onload=alert(1)><circle r="1"/></svg>',
    "SVG ONLOAD": "<SVG ONLOAD=alert(1)></SVG>",
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "IFRAME srcdoc": '<IFRAME SRCDOC="<script>alert(1)</script>"></IFRAME>',
    "style": "<style>body { display: none }</style>",
    "style attribute": '<p style="background:url(javascript:alert(1))">p</p>',
    "object": '<object data="https://evil.example/x.swf"></object>',
    "embed": '<embed src="https://evil.example/x">',
    "form action": '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">'
    "g</button></form>",
    "div onmouseover": '<div onmouseover="alert(1)">h</div>',
    "body onload": "<body onload=alert(1)>",
    "entity-encoded script": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "numeric-entity img": "&#60;img src=x onerror=alert(1)&#62;",
}
XSS_BODY = "Indledning med et ord.\n\n" + "\n\n".join(XSS_PAYLOADS.values()) + "\n"

DANGEROUS_TAGS = {"script", "style", "iframe", "svg", "object", "embed", "form", "button", "body"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcdoc", "data", "style"}


class Markup(HTMLParser):
    """The tags and attributes a browser would build from an HTML string."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


def markup(html: str) -> Markup:
    parser = Markup()
    parser.feed(html)
    parser.close()
    return parser


def dangerous(html: str) -> list[str]:
    """What in the HTML could run script: tags, handlers and script-bearing URLs."""
    found = markup(html)
    problems = [f"<{tag}>" for tag in found.tags if tag in DANGEROUS_TAGS]
    for name, value in found.attributes:
        # Browsers ignore control characters and blanks inside a URL's scheme.
        squeezed = "".join(ch for ch in value if ch > " ").lower()
        runs_script = "javascript:" in squeezed or "data:" in squeezed
        if name.startswith("on") or (name in URL_ATTRIBUTES and runs_script):
            problems.append(f"{name}={value!r}")
    return problems


async def test_xss_payloads_in_the_body_do_not_survive_in_html(desk: Desk) -> None:
    post = await desk.post(body=XSS_BODY)
    assert dangerous(post["html"]) == []
    assert "Indledning med et ord." in post["html"]  # the harmless text is kept


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
async def test_xss_payload_alone_does_not_survive_in_html(desk: Desk, payload: str) -> None:
    post = await desk.post(body=f"Før.\n\n{XSS_PAYLOADS[payload]}\n\nEfter.")
    assert dangerous(post["html"]) == []


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
async def test_teaser_cut_from_a_hostile_body_holds_no_markup(desk: Desk, payload: str) -> None:
    post = await desk.post(body=f"{XSS_PAYLOADS[payload]}\n\nEfter.")
    found = markup(post["teaser"])
    assert (found.tags, found.attributes) == ([], []), post["teaser"]


# --- updatePost -------------------------------------------------------------------------


async def test_update_post_changes_title_and_body_and_the_html_follows(desk: Desk) -> None:
    post = await desk.post()
    updated = await desk.ok(
        "updatePost", id=post["id"], expectedVersion=1, title="Ny titel", body="Nu *kursiv*."
    )
    assert (updated["title"], updated["body"]) == ("Ny titel", "Nu *kursiv*.")
    assert updated["html"] == "<p>Nu <em>kursiv</em>.</p>\n"
    assert updated["teaser"] == "Nu kursiv."
    assert updated["version"] == 2
    assert updated["slug"] == post["slug"]  # a new title does not move the post


async def test_update_post_with_unchanged_values_writes_nothing(desk: Desk) -> None:
    post = await desk.post()
    before = await desk.read(post["id"])
    same = await desk.ok(
        "updatePost", id=post["id"], expectedVersion=1, title=post["title"], body=post["body"]
    )
    assert same["version"] == 1
    assert await desk.read(post["id"]) == before


async def test_update_post_keeps_a_written_teaser_when_the_body_changes(desk: Desk) -> None:
    post = await desk.post(teaser="Skrevet af redaktøren.")
    updated = await desk.ok("updatePost", id=post["id"], expectedVersion=1, body="Helt ny tekst.")
    assert updated["teaser"] == "Skrevet af redaktøren."


async def test_update_post_with_an_empty_teaser_cuts_it_from_the_body_again(desk: Desk) -> None:
    post = await desk.post(teaser="Skrevet af redaktøren.", body="Brødteksten.")
    updated = await desk.ok("updatePost", id=post["id"], expectedVersion=1, teaser="")
    assert updated["teaser"] == "Brødteksten."


async def test_update_post_moves_the_slug_and_clears_the_category(desk: Desk) -> None:
    category = await desk.category()
    post = await desk.post(category=category["slug"])
    slug = desk.slug("flyttet")
    updated = await desk.ok(
        "updatePost", id=post["id"], expectedVersion=1, slug=slug, category=None
    )
    assert (updated["slug"], updated["category"]) == (slug, None)
    # The old slug still finds the post, under its new slug (for a redirect).
    found = await desk.editor.data(f'{{ old: post(slug: "{post["slug"]}") {{ id slug }} }}')
    assert found == {"old": {"id": post["id"], "slug": slug}}


async def test_update_post_to_another_posts_slug_is_slug_taken(desk: Desk) -> None:
    relay = await desk.relay()
    post, other = await desk.post(relay), await desk.post(relay)
    before = await desk.read(post["id"])
    result = await run(
        desk.editor, "updatePost", id=post["id"], expectedVersion=1, slug=other["slug"]
    )
    assert (result["__typename"], result["slug"]) == ("SlugTaken", other["slug"])
    assert await desk.read(post["id"]) == before


async def test_update_post_with_a_stale_version_is_a_conflict(desk: Desk) -> None:
    post = await desk.post()
    await desk.ok("updatePost", id=post["id"], expectedVersion=1, title="Første ændring")
    before = await desk.read(post["id"])
    result = await run(
        desk.editor, "updatePost", id=post["id"], expectedVersion=1, title="Forældet ændring"
    )
    assert (result["__typename"], result["currentVersion"]) == ("VersionConflict", 2)
    assert await desk.read(post["id"]) == before


UPDATE_REFUSALS: dict[str, tuple[dict[str, Any], list[tuple[list[str], str]]]] = {
    "empty title": ({"title": ""}, [(["title"], "REQUIRED")]),
    "null title": ({"title": None}, [(["title"], "REQUIRED")]),
    "title too long": ({"title": "x" * 301}, [(["title"], "TOO_LONG")]),
    "bad slug": ({"slug": "Æbler og pærer"}, [(["slug"], "INVALID_SLUG")]),
    "null slug": ({"slug": None}, [(["slug"], "REQUIRED")]),
    "body too long": ({"body": "x" * (MAX_BODY_CHARS + 1)}, [(["body"], "TOO_LONG")]),
    "unknown author": (
        {"bylines": [{"author": "ingen-saadan-skribent"}]},
        [(["bylines", "0", "author"], "UNKNOWN")],
    ),
    "unknown category": ({"category": "ingen-saadan-kategori"}, [(["category"], "UNKNOWN")]),
}


@pytest.mark.parametrize("case", UPDATE_REFUSALS)
async def test_update_post_refuses_a_broken_rule_and_writes_nothing(desk: Desk, case: str) -> None:
    fields, expected = UPDATE_REFUSALS[case]
    post = await desk.post()
    before = await desk.read(post["id"])
    result = await run(desk.editor, "updatePost", id=post["id"], expectedVersion=1, **fields)
    assert field_errors(result) == expected
    assert await desk.read(post["id"]) == before


async def test_update_post_refuses_more_than_twenty_bylines(desk: Desk) -> None:
    post = await desk.post()
    before = await desk.read(post["id"])
    bylines = await authors(desk, MAX_BYLINES + 1)
    result = await run(desk.editor, "updatePost", id=post["id"], expectedVersion=1, bylines=bylines)
    assert field_errors(result) == [(["bylines"], "TOO_MANY")]
    assert await desk.read(post["id"]) == before


# --- setBylines -------------------------------------------------------------------------


async def test_set_bylines_replaces_them_in_the_given_order(desk: Desk) -> None:
    first, second, third = await desk.author(), await desk.author(), await desk.author()
    post = await desk.post(bylines=[{"author": first["slug"]}, {"author": second["slug"]}])
    updated = await desk.ok(
        "setBylines",
        id=post["id"],
        expectedVersion=1,
        bylines=[{"author": third["slug"], "role": "chef"}, {"author": first["slug"]}],
    )
    assert [(b["author"]["slug"], b["role"]) for b in updated["bylines"]] == [
        (third["slug"], "chef"),
        (first["slug"], None),
    ]
    assert updated["version"] == 2


async def test_set_bylines_to_none_leaves_the_post_unsigned(desk: Desk) -> None:
    author = await desk.author()
    post = await desk.post(bylines=[{"author": author["slug"]}])
    updated = await desk.ok("setBylines", id=post["id"], expectedVersion=1, bylines=[])
    assert (updated["bylines"], updated["version"]) == ([], 2)


async def test_set_bylines_to_the_same_bylines_writes_nothing(desk: Desk) -> None:
    author = await desk.author()
    post = await desk.post(bylines=[{"author": author["slug"], "role": "chef"}])
    before = await desk.read(post["id"])
    same = await desk.ok(
        "setBylines",
        id=post["id"],
        expectedVersion=1,
        bylines=[{"author": author["slug"], "role": "chef"}],
    )
    assert same["version"] == 1
    assert await desk.read(post["id"]) == before


async def test_set_bylines_refuses_an_unknown_author(desk: Desk) -> None:
    author = await desk.author()
    post = await desk.post(bylines=[{"author": author["slug"]}])
    before = await desk.read(post["id"])
    result = await run(
        desk.editor,
        "setBylines",
        id=post["id"],
        expectedVersion=1,
        bylines=[{"author": author["slug"]}, {"author": "ingen-saadan-skribent"}],
    )
    assert field_errors(result) == [(["bylines", "1", "author"], "UNKNOWN")]
    assert await desk.read(post["id"]) == before


async def test_set_bylines_refuses_more_than_twenty(desk: Desk) -> None:
    post = await desk.post()
    before = await desk.read(post["id"])
    bylines = await authors(desk, MAX_BYLINES + 1)
    result = await run(desk.editor, "setBylines", id=post["id"], expectedVersion=1, bylines=bylines)
    assert field_errors(result) == [(["bylines"], "TOO_MANY")]
    assert await desk.read(post["id"]) == before


async def test_set_bylines_with_a_stale_version_is_a_conflict(desk: Desk) -> None:
    post, author = await desk.post(), await desk.author()
    await desk.ok("updatePost", id=post["id"], expectedVersion=1, title="Rettet")
    before = await desk.read(post["id"])
    result = await run(
        desk.editor,
        "setBylines",
        id=post["id"],
        expectedVersion=1,
        bylines=[{"author": author["slug"]}],
    )
    assert (result["__typename"], result["currentVersion"]) == ("VersionConflict", 2)
    assert await desk.read(post["id"]) == before


# --- publishPost ------------------------------------------------------------------------


async def test_publish_post_gives_it_a_leg_and_a_publication_time(desk: Desk) -> None:
    post = await desk.post()
    start = dt.datetime.now(dt.UTC)
    published = await desk.ok("publishPost", id=post["id"], expectedVersion=1)
    assert (published["status"], published["leg"], published["version"]) == ("PUBLISHED", 1, 2)
    published_at = dt.datetime.fromisoformat(published["publishedAt"])
    assert start - dt.timedelta(seconds=1) <= published_at <= dt.datetime.now(dt.UTC)
    assert published_at.utcoffset() in (dt.timedelta(hours=1), dt.timedelta(hours=2))


async def test_publish_post_back_dated_takes_its_place_among_the_legs(desk: Desk) -> None:
    relay = await desk.relay()
    later_post = await desk.published(relay, publishedAt="2020-03-01T12:00:00+00:00")
    earlier_post = await desk.published(relay, publishedAt="2020-02-01T12:00:00+00:00")
    assert earlier_post["leg"] == 1
    assert earlier_post["publishedAt"] == "2020-02-01T13:00:00+01:00"  # Copenhagen time
    assert (await desk.read(later_post["id"]) or {})["leg"] == 2


async def test_publish_post_reads_a_time_without_offset_as_copenhagen_time(desk: Desk) -> None:
    post = await desk.post()
    summer = await desk.ok(
        "publishPost", id=post["id"], expectedVersion=1, publishedAt="2020-07-01T09:30:00"
    )
    assert summer["publishedAt"] == "2020-07-01T09:30:00+02:00"


async def test_publish_post_twice_changes_nothing_the_second_time(desk: Desk) -> None:
    post = await desk.post()
    published = await desk.ok("publishPost", id=post["id"], expectedVersion=1)
    before = await desk.read(post["id"])
    again = await desk.ok("publishPost", id=post["id"], expectedVersion=2)
    assert again["version"] == 2
    assert again["publishedAt"] == published["publishedAt"]
    assert await desk.read(post["id"]) == before


async def test_publish_post_refuses_an_empty_body(desk: Desk) -> None:
    post = await desk.post(body="  \n ")
    before = await desk.read(post["id"])
    result = await run(desk.editor, "publishPost", id=post["id"], expectedVersion=1)
    assert field_errors(result) == [(["body"], "REQUIRED")]
    assert await desk.read(post["id"]) == before


async def test_publish_post_refuses_a_publication_time_in_the_future(desk: Desk) -> None:
    post = await desk.post()
    before = await desk.read(post["id"])
    result = await run(
        desk.editor, "publishPost", id=post["id"], expectedVersion=1, publishedAt=later()
    )
    assert field_errors(result) == [(["publishedAt"], "INVALID")]
    assert await desk.read(post["id"]) == before


async def test_publish_post_with_a_stale_version_is_a_conflict(desk: Desk) -> None:
    post = await desk.post()
    await desk.ok("updatePost", id=post["id"], expectedVersion=1, title="Rettet")
    before = await desk.read(post["id"])
    result = await run(desk.editor, "publishPost", id=post["id"], expectedVersion=1)
    assert (result["__typename"], result["currentVersion"]) == ("VersionConflict", 2)
    assert await desk.read(post["id"]) == before


PUBLIC_VIEW = """
query ($slug: String!, $relay: String!, $word: String!, $first: String!) {
  post(slug: $slug) { slug leg }
  posts(filter: {relay: $relay}) { edges { node { slug } } }
  search(query: $word) { edges { node { slug } } }
  first: post(slug: $first) { next { slug } }
}
"""


async def public_view(
    gql: GraphQL, post: dict[str, Any], relay: dict[str, Any], word: str, first: dict[str, Any]
) -> dict[str, Any]:
    """Where an anonymous reader could come across `post`: lookup, list, search, `next`."""
    data = await gql.data(
        PUBLIC_VIEW, slug=post["slug"], relay=relay["slug"], word=word, first=first["slug"]
    )
    return {
        "post": data["post"],
        "list": [edge["node"]["slug"] for edge in data["posts"]["edges"]],
        "search": [edge["node"]["slug"] for edge in data["search"]["edges"]],
        "next": data["first"]["next"],
    }


async def test_published_post_shows_in_lookup_list_search_and_next(
    desk: Desk, gql: GraphQL
) -> None:
    relay = await desk.relay()
    first = await desk.published(relay, publishedAt=earlier(days=2))
    word = letters()
    post = await desk.post(relay, body=f"Et indlæg om {word} og andet.")
    assert await public_view(gql, post, relay, word, first) == {
        "post": None,
        "list": [first["slug"]],
        "search": [],
        "next": None,
    }
    await desk.ok("publishPost", id=post["id"], expectedVersion=1)
    assert await public_view(gql, post, relay, word, first) == {
        "post": {"slug": post["slug"], "leg": 2},
        "list": [post["slug"], first["slug"]],
        "search": [post["slug"]],
        "next": {"slug": post["slug"]},
    }


async def test_editing_a_published_post_changes_what_search_finds(desk: Desk, gql: GraphQL) -> None:
    old_word, new_word = letters(), letters()
    post = await desk.published(await desk.relay(), body=f"Om {old_word}.")
    await desk.ok("updatePost", id=post["id"], expectedVersion=2, body=f"Om {new_word}.")
    found = await gql.data(
        "query ($old: String!, $new: String!) { old: search(query: $old) { totalCount } "
        "new: search(query: $new) { edges { node { slug } } } }",
        old=old_word,
        new=new_word,
    )
    assert found == {"old": {"totalCount": 0}, "new": {"edges": [{"node": {"slug": post["slug"]}}]}}


# --- unpublishPost ----------------------------------------------------------------------


async def test_unpublished_post_leaves_lookup_list_search_and_next(
    desk: Desk, gql: GraphQL
) -> None:
    relay = await desk.relay()
    first = await desk.published(relay, publishedAt=earlier(days=2))
    word = letters()
    post = await desk.published(relay, body=f"Et indlæg om {word} og andet.")
    assert (await public_view(gql, post, relay, word, first))["search"] == [post["slug"]]
    unpublished = await desk.ok("unpublishPost", id=post["id"], expectedVersion=2)
    assert (unpublished["status"], unpublished["leg"], unpublished["version"]) == (
        "DRAFT",
        None,
        3,
    )
    assert await public_view(gql, post, relay, word, first) == {
        "post": None,
        "list": [first["slug"]],
        "search": [],
        "next": None,
    }


async def test_republishing_brings_back_the_first_publication_time(desk: Desk) -> None:
    relay = await desk.relay()
    post = await desk.published(relay, publishedAt="2020-01-01T12:00:00+00:00")
    await desk.published(relay, publishedAt="2020-02-01T12:00:00+00:00")
    await desk.ok("unpublishPost", id=post["id"], expectedVersion=2)
    again = await desk.ok("publishPost", id=post["id"], expectedVersion=3)
    assert (again["publishedAt"], again["leg"]) == (post["publishedAt"], 1)


async def test_unpublishing_a_scheduled_post_cancels_the_schedule(desk: Desk) -> None:
    post = await desk.post()
    await desk.ok("schedulePost", id=post["id"], expectedVersion=1, publishAt=later())
    draft = await desk.ok("unpublishPost", id=post["id"], expectedVersion=2)
    assert (draft["status"], draft["publishAt"], draft["version"]) == ("DRAFT", None, 3)


async def test_unpublishing_a_middle_post_closes_the_gap_in_legs(desk: Desk) -> None:
    relay = await desk.relay()
    posts = [
        await desk.published(relay, publishedAt=f"2020-0{month}-01T12:00:00+00:00")
        for month in (1, 2, 3)
    ]
    await desk.ok("unpublishPost", id=posts[1]["id"], expectedVersion=2)
    legs = [(await desk.read(post["id"]) or {})["leg"] for post in posts]
    assert legs == [1, None, 2]


async def test_unpublish_post_with_a_stale_version_is_a_conflict(desk: Desk) -> None:
    relay = await desk.relay()
    post = await desk.published(relay)
    before = await desk.read(post["id"])
    result = await run(desk.editor, "unpublishPost", id=post["id"], expectedVersion=1)
    assert (result["__typename"], result["currentVersion"]) == ("VersionConflict", 2)
    assert await desk.read(post["id"]) == before


# --- schedulePost -----------------------------------------------------------------------


async def test_schedule_post_sets_the_time_and_keeps_it_from_readers(
    desk: Desk, gql: GraphQL
) -> None:
    post = await desk.post()
    when = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).replace(microsecond=0)
    scheduled = await desk.ok(
        "schedulePost", id=post["id"], expectedVersion=1, publishAt=when.isoformat()
    )
    assert (scheduled["status"], scheduled["version"], scheduled["leg"]) == ("SCHEDULED", 2, None)
    assert dt.datetime.fromisoformat(scheduled["publishAt"]) == when
    anonymous = await gql.data(f'{{ post(slug: "{post["slug"]}") {{ id }} }}')
    assert anonymous == {"post": None}


async def test_schedule_post_refuses_a_time_in_the_past(desk: Desk) -> None:
    post = await desk.post()
    before = await desk.read(post["id"])
    result = await run(
        desk.editor, "schedulePost", id=post["id"], expectedVersion=1, publishAt=earlier()
    )
    assert field_errors(result) == [(["publishAt"], "IN_PAST")]
    assert await desk.read(post["id"]) == before


async def test_schedule_post_refuses_an_empty_body(desk: Desk) -> None:
    post = await desk.post(body="")
    before = await desk.read(post["id"])
    result = await run(
        desk.editor, "schedulePost", id=post["id"], expectedVersion=1, publishAt=later()
    )
    assert field_errors(result) == [(["body"], "REQUIRED")]
    assert await desk.read(post["id"]) == before


async def test_schedule_post_refuses_a_published_post(desk: Desk) -> None:
    post = await desk.published(await desk.relay())
    before = await desk.read(post["id"])
    result = await run(
        desk.editor, "schedulePost", id=post["id"], expectedVersion=2, publishAt=later()
    )
    assert field_errors(result) == [(["id"], "INVALID")]
    assert await desk.read(post["id"]) == before


async def test_schedule_post_with_a_stale_version_is_a_conflict(desk: Desk) -> None:
    post = await desk.post()
    await desk.ok("updatePost", id=post["id"], expectedVersion=1, title="Rettet")
    before = await desk.read(post["id"])
    result = await run(
        desk.editor, "schedulePost", id=post["id"], expectedVersion=1, publishAt=later()
    )
    assert (result["__typename"], result["currentVersion"]) == ("VersionConflict", 2)
    assert await desk.read(post["id"]) == before


# --- archivePost ------------------------------------------------------------------------

ARCHIVE_VIEW = """query ($relay: String!, $slug: String!) {
  listed: posts(filter: {relay: $relay}) { edges { node { slug } } }
  archived: posts(filter: {relay: $relay, status: [ARCHIVED]}) { edges { node { slug } } }
  post(slug: $slug) { status }
}"""


async def test_archived_post_is_gone_for_readers_and_listed_for_editors_on_request(
    desk: Desk, gql: GraphQL
) -> None:
    relay = await desk.relay()
    post = await desk.published(relay)
    archived = await desk.ok("archivePost", id=post["id"], expectedVersion=2)
    assert (archived["status"], archived["leg"], archived["version"]) == ("ARCHIVED", None, 3)
    variables = {"relay": relay["slug"], "slug": post["slug"]}
    assert await desk.editor.data(ARCHIVE_VIEW, **variables) == {
        "listed": {"edges": []},
        "archived": {"edges": [{"node": {"slug": post["slug"]}}]},
        "post": {"status": "ARCHIVED"},
    }
    assert await gql.data(ARCHIVE_VIEW, **variables) == {
        "listed": {"edges": []},
        "archived": {"edges": []},
        "post": None,
    }


async def test_archive_post_with_a_stale_version_is_a_conflict(desk: Desk) -> None:
    post = await desk.post()
    await desk.ok("updatePost", id=post["id"], expectedVersion=1, title="Rettet")
    before = await desk.read(post["id"])
    result = await run(desk.editor, "archivePost", id=post["id"], expectedVersion=1)
    assert (result["__typename"], result["currentVersion"]) == ("VersionConflict", 2)
    assert await desk.read(post["id"]) == before


# --- unknown ids ------------------------------------------------------------------------

Inputs = Callable[[str], dict[str, Any]]
POST_MUTATIONS_BY_ID: dict[str, Inputs] = {
    "updatePost": lambda post_id: {"id": post_id, "expectedVersion": 1, "title": "Ny"},
    "setBylines": lambda post_id: {"id": post_id, "expectedVersion": 1, "bylines": []},
    "publishPost": lambda post_id: {"id": post_id, "expectedVersion": 1},
    "unpublishPost": lambda post_id: {"id": post_id, "expectedVersion": 1},
    "schedulePost": lambda post_id: {"id": post_id, "expectedVersion": 1, "publishAt": later()},
    "archivePost": lambda post_id: {"id": post_id, "expectedVersion": 1},
}


@pytest.mark.parametrize("name", POST_MUTATIONS_BY_ID)
async def test_unknown_post_id_is_not_found(desk: Desk, name: str) -> None:
    result = await run(desk.editor, name, **POST_MUTATIONS_BY_ID[name](global_id("Post", 10**9)))
    assert result["__typename"] == "NotFound"


@pytest.mark.parametrize("name", POST_MUTATIONS_BY_ID)
async def test_another_kinds_id_is_not_found_and_changes_nothing(desk: Desk, name: str) -> None:
    relay = await desk.relay()
    before = await desk.read(relay["id"])
    result = await run(desk.editor, name, **POST_MUTATIONS_BY_ID[name](relay["id"]))
    assert result["__typename"] == "NotFound"
    assert await desk.read(relay["id"]) == before


@pytest.mark.parametrize("name", POST_MUTATIONS_BY_ID)
async def test_malformed_post_id_is_not_found(desk: Desk, name: str) -> None:
    result = await run(desk.editor, name, **POST_MUTATIONS_BY_ID[name]("ikke-et-id!"))
    assert result["__typename"] == "NotFound"
