"""The GraphiQL page a browser gets from GET /graphql: every script and style from this server."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

from starlette.responses import HTMLResponse

from graph.graphiql.assets import EXPLORER, GRAPHIQL, MOUNT, REACT, REACT_DOM

TEMPLATE = Path(__file__).with_name("page.html")

# The browser itself refuses anything from elsewhere, so a future asset that reaches for a
# CDN fails loudly here (and in tests/graphiql) instead of working only while online.
# GraphiQL sets inline styles, hence 'unsafe-inline' for styles (never for scripts).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)


@cache
def page_html() -> str:
    """The page's HTML, pointing at the pinned files' versioned URLs."""
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        react_js=REACT.url("react.production.min.js"),
        react_dom_js=REACT_DOM.url("react-dom.production.min.js"),
        graphiql_js=GRAPHIQL.url("graphiql.min.js"),
        graphiql_css=GRAPHIQL.url("graphiql.min.css"),
        explorer_js=EXPLORER.url("index.umd.js"),
        explorer_css=EXPLORER.url("style.css"),
        start_js=f"{MOUNT}/start.js",
    )


def graphiql_response() -> HTMLResponse:
    """The page, with a Content-Security-Policy that allows this server's files only."""
    return HTMLResponse(
        page_html(),
        headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
    )
