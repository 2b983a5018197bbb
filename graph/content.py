"""Post bodies: Markdown source in, sanitised HTML out."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable

import nh3
import orjson
from markdown_it import MarkdownIt
from markdown_it.token import Token

# CommonMark with tables and strikethrough; raw HTML in the source is passed to the parser
# and then cleaned by nh3, so editors may use simple inline HTML but never scripts.
_MARKDOWN = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(
    ["table", "strikethrough"]
)
_URL_SCHEMES = {"http", "https", "mailto"}


# The most bytes a text may take as the API serves it (UTF-8, JSON-escaped) per character its
# write rule allows: Danish prose takes about 1.03 (æ, ø, å take 2), so twice is room enough,
# while a text of emoji (4) or control characters (6, `\u0001`) cannot make every answer
# holding it three times larger than its characters say. A post's HTML has the same bound per
# character its body may have: ordinary Markdown renders to about 1.1 bytes a character.
TEXT_BYTES_PER_CHAR = 2


class HTMLTooLarge(ValueError):
    """A body renders to more HTML than a post may hold."""

    def __init__(self, size: int, limit: int, exact: bool) -> None:
        more = "" if exact else "more than "
        super().__init__(f"renders to {more}{size} bytes of HTML; at most {limit} are allowed")
        self.size = size
        self.limit = limit


def max_text_bytes(max_chars: int) -> int:
    """The most bytes a text of at most `max_chars` characters may take as served."""
    return TEXT_BYTES_PER_CHAR * max_chars


def max_html_bytes(max_body_chars: int) -> int:
    """The most bytes a post's HTML may take as served (`html_bytes`), for a body cap of
    `max_body_chars`."""
    return TEXT_BYTES_PER_CHAR * max_body_chars


def served_bytes(text: str) -> int:
    """How many bytes `text` takes inside a JSON answer (UTF-8, escaped, without quotes)."""
    try:
        return len(orjson.dumps(text)) - 2
    except orjson.JSONEncodeError:
        # A lone surrogate (client input quoted in a message): escaped as `\ud800`, and
        # every other character at least as long as in UTF-8.
        return len(json.dumps(text)) - 2


# What XML (Atom, RSS, sitemaps) writes for characters it escapes in text, beyond one byte.
_XML_EXTRA = {"&": 4, "<": 3, ">": 3, "\r": 4}


def xml_bytes(text: str) -> int:
    """How many bytes `text` takes in an XML text node (UTF-8, `&amp;`, `&lt;`, `&gt;`)."""
    extra = sum(text.count(char) * more for char, more in _XML_EXTRA.items())
    return len(text.encode("utf-8", "surrogatepass")) + extra


def html_bytes(html: str) -> int:
    """How many bytes a post's HTML takes as served: in a JSON answer or escaped in a feed."""
    return max(served_bytes(html), xml_bytes(html))


def render_markdown(source: str, max_bytes: int | None = None) -> str:
    """Render Markdown to HTML with no scripts, event handlers or javascript: URLs.

    With `max_bytes`, HTMLTooLarge when the HTML would take more bytes as served (in JSON,
    or escaped in a feed's XML: `html_bytes`). A reference
    link repeats its target at every use (`[x]` 20,000 times under one 20 KB `[x]: …` renders to
    400 MB from 100 KB), so the text the parsed tokens will write is summed before rendering.
    """
    env: dict[str, object] = {}
    tokens = _MARKDOWN.parse(source, env)
    if max_bytes is not None and (least := _written(tokens)) > max_bytes:
        raise HTMLTooLarge(least, max_bytes, exact=False)
    rendered = nh3.clean(
        _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, env),
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    if max_bytes is not None and (size := html_bytes(rendered)) > max_bytes:
        raise HTMLTooLarge(size, max_bytes, exact=True)
    return rendered


def _written(tokens: Iterable[Token]) -> int:
    """The characters of content and attributes the tokens will write: less than the HTML."""
    total = 0
    for token in tokens:
        total += len(token.content) + sum(len(str(value)) for value in token.attrs.values())
        if token.children:
            total += _written(token.children)
    return total


def word_count(html: str) -> int:
    """How many words a reader sees in a post's HTML: runs of text between spaces that hold
    a letter or a digit (a lone dash is no word; `e-mail` and `2026` are one each)."""
    return sum(1 for run in strip_markup(html).split() if any(char.isalnum() for char in run))


TEASER_LENGTH = 280


def strip_markup(text: str) -> str:
    """Text with every tag removed and entities decoded, on one line.

    Decoding can uncover new tags (`&lt;script&gt;`), so strip and decode until nothing
    changes; a plain `a < b` survives.
    """
    while True:
        stripped = html.unescape(nh3.clean(text, tags=set()))
        if stripped == text:
            return " ".join(text.split())
        text = stripped


def plain_text(source: str) -> str:
    """The words of a Markdown text, without markup, on one line."""
    return strip_markup(_MARKDOWN.render(source))


def derive_teaser(body: str, length: int = TEASER_LENGTH) -> str:
    """A teaser cut from the body: its first words, up to `length` characters."""
    text = plain_text(body)
    if len(text) <= length:
        return text
    cut = text[: length - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:-\N{EN DASH}") + "…"
