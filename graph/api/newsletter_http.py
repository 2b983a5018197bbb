"""The pages behind the newsletter's mail links: confirm, and (one-click) unsubscribe.

GET never unsubscribes: mail scanners open links to look at them, so the unsubscribe page
shows a button, and the POST it sends (or a mail client's RFC 8058 one-click POST to the
`List-Unsubscribe` address) does it. Confirming on GET is what a confirmation link is for.
"""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from graph import db
from graph.editing.errors import ValidationFailed
from graph.newsletter import service
from graph.newsletter.mails import CONFIRM_PATH, UNSUBSCRIBE_PATH

BAD_LINK = (
    "Linket virker ikke",
    "<p>Linket er ugyldigt eller udløbet. Kopiér hele linket fra mailen, eller tilmeld dig "
    "igen for at få et nyt.</p>",
)


async def confirm_page(request: Request) -> HTMLResponse:
    """Confirm the subscription the link's token names."""
    try:
        async with db.transaction():
            view = await service.confirm(_token(request), _secret_key(request))
    except ValidationFailed:
        return _page(*BAD_LINK, status_code=400)
    return _page(
        "Tilmelding bekræftet",
        "<p>Tak! Du får nu en mail, når der kommer nye indlæg i:</p>" + _relay_list(view),
    )


async def unsubscribe_page(request: Request) -> HTMLResponse:
    """GET: the button (changing nothing). POST: unsubscribe."""
    token = _token(request)
    try:
        if request.method == "GET":
            view = await service.unsubscribe_preview(token, _secret_key(request))
            return _page("Afmeld", _unsubscribe_form(view, request))
        async with db.transaction():
            view = await service.unsubscribe(token, _secret_key(request))
    except ValidationFailed:
        return _page(*BAD_LINK, status_code=400)
    return _page(
        "Du er afmeldt",
        f"<p>Der går ikke flere mails om nye indlæg til {escape(view.email)}.</p>",
    )


def _secret_key(request: Request) -> str:
    """SECRET_KEY of the app serving the request (empty: the key kept in the database)."""
    key: str = request.app.state.settings.secret_key
    return key


def _token(request: Request) -> str:
    # The token travels in the query string for GET and for the one-click POST alike
    # (RFC 8058 posts to the very URL in the header); the POST body says nothing more.
    return request.query_params.get("token", "")


def _relay_list(view: service.SubscriberView) -> str:
    items = "".join(f"<li>{escape(relay.title)}</li>" for relay in view.relays)
    return f"<ul>{items}</ul>"


def _unsubscribe_form(view: service.SubscriberView, request: Request) -> str:
    if not view.subscribed:
        return f"<p>{escape(view.email)} er allerede afmeldt.</p>"
    action = f"{request.url.path}?{request.url.query}"
    return (
        f"<p>Vil du stoppe mails om nye indlæg til {escape(view.email)}?</p>"
        f'<form method="post" action="{escape(action)}">'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        '<button type="submit">Afmeld</button></form>'
    )


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    html = (
        '<!doctype html><html lang="da"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head>"
        '<body style="font-family:Georgia,serif;max-width:36em;margin:2em auto;padding:0 1em">'
        f"<h1>{escape(title)}</h1>{body}</body></html>"
    )
    headers = {
        # The token is in the URL: keep it out of caches, Referer headers and search engines.
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Robots-Tag": "noindex",
    }
    return HTMLResponse(html, status_code=status_code, headers=headers)


routes = [
    Route(CONFIRM_PATH, confirm_page, methods=["GET"]),
    Route(UNSUBSCRIBE_PATH, unsubscribe_page, methods=["GET", "POST"]),
]
