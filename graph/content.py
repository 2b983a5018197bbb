"""Post bodies: Markdown source in, sanitised HTML out."""

from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt

# CommonMark with tables and strikethrough; raw HTML in the source is passed to the parser
# and then cleaned by nh3, so editors may use simple inline HTML but never scripts.
_MARKDOWN = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(
    ["table", "strikethrough"]
)
_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(source: str) -> str:
    """Render Markdown to HTML with no scripts, event handlers or javascript: URLs."""
    return nh3.clean(
        _MARKDOWN.render(source),
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


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
