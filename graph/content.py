"""Post bodies: Markdown source in, sanitised HTML out."""

from __future__ import annotations

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
