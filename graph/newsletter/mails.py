"""The newsletter's mails (in Danish, plain text and HTML) and the links they carry."""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from graph.mail import Mail
from graph.newsletter.ledger import PostNews
from graph.newsletter.subscribers import RelayRef
from graph.settings import Settings

CONFIRM_PATH = "/newsletter/confirm"
UNSUBSCRIBE_PATH = "/newsletter/unsubscribe"


def link(settings: Settings, path: str, token: str) -> str:
    """An absolute link to one of our pages, with the token in its query."""
    return f"{settings.public_url.rstrip('/')}{path}?{urlencode({'token': token})}"


def one_line(text: str) -> str:
    """Text fit for a header: a title with a line break would make an invalid message."""
    return " ".join(text.split())


def confirmation_mail(
    settings: Settings, to: str, relays: list[RelayRef], confirm_token: str
) -> Mail:
    """The double opt-in mail: what was asked for, and the link that confirms it."""
    url = link(settings, CONFIRM_PATH, confirm_token)
    titles = [one_line(relay.title) for relay in relays]
    text = "\n".join(
        [
            "Hej",
            "",
            "Du (eller en anden med din e-mailadresse) har bedt om en mail, når der kommer",
            "nye indlæg i:",
            "",
            *(f"- {title}" for title in titles),
            "",
            "Bekræft det ved at åbne linket herunder. Linket virker i 7 dage.",
            url,
            "",
            "Har du ikke bedt om det, kan du se bort fra denne mail; så hører du ikke mere fra os.",
        ]
    )
    items = "".join(f"<li>{escape(title)}</li>" for title in titles)
    body = (
        "<p>Hej</p><p>Du (eller en anden med din e-mailadresse) har bedt om en mail, når der "
        f"kommer nye indlæg i:</p><ul>{items}</ul>"
        f'<p><a href="{escape(url)}">Bekræft din tilmelding</a> (linket virker i 7 dage).</p>'
        '<p style="color:#666">Har du ikke bedt om det, kan du se bort fra denne mail; så '
        "hører du ikke mere fra os.</p>"
    )
    subject = "Bekræft din tilmelding til nye indlæg"
    return Mail(to=to, subject=subject, text=text, html=_page(subject, body))


def post_mail(settings: Settings, to: str, news: PostNews, unsubscribe_token: str) -> Mail:
    """One new post, with a link to read it and the one-click unsubscribe (RFC 8058)."""
    post_url = settings.post_url(news.relay_slug, news.post_slug)
    unsubscribe_url = link(settings, UNSUBSCRIBE_PATH, unsubscribe_token)
    relay, title, teaser = one_line(news.relay_title), one_line(news.title), news.teaser.strip()
    text = "\n".join(
        [
            relay,
            "",
            title,
            "",
            *([teaser, ""] if teaser else []),
            f"Læs indlægget: {post_url}",
            "",
            "-- ",
            f"Du får denne mail, fordi du abonnerer på nye indlæg i {relay}.",
            f"Afmeld: {unsubscribe_url}",
        ]
    )
    teaser_html = escape(teaser).replace("\n", "<br>")
    body = (
        f'<p style="color:#666">{escape(relay)}</p><h1 style="font-size:1.4em">{escape(title)}</h1>'
        + (f"<p>{teaser_html}</p>" if teaser else "")
        + f'<p><a href="{escape(post_url)}">Læs indlægget</a></p><hr>'
        '<p style="color:#666;font-size:0.85em">Du får denne mail, fordi du abonnerer på nye '
        f'indlæg i {escape(relay)}. <a href="{escape(unsubscribe_url)}">Afmeld</a></p>'
    )
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    subject = f"Nyt indlæg i {relay}: {title}"
    return Mail(to=to, subject=subject, text=text, html=_page(subject, body), headers=headers)


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="da"><head><meta charset="utf-8"><title>{escape(title)}'
        '</title></head><body style="font-family:Georgia,serif;max-width:36em;margin:0 auto;'
        f'padding:1em;color:#222">{body}</body></html>'
    )
