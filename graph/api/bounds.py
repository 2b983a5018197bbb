"""The most an answer can hold, for the cost model: items per list, bytes per leaf.

Each bound comes from the rule that makes it true (a write rule's limit, what a field shows,
how a value is made), so the price of an operation is a bound on its answer whatever the
data. `tests/budget/test_cost_model.py` walks the schema and fails for a list or leaf that
has none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from graph.api.mutations.errors import (
    MAX_FIELD_ERRORS,
    MAX_MESSAGE_CHARS,
    MAX_PATH_ENTRIES,
    MAX_PATH_ENTRY_CHARS,
)
from graph.budget.sizes import Bounds, ErrorBound, ItemSizes
from graph.content import max_html_bytes, max_text_bytes
from graph.danish import SLUG_MAX_LENGTH, SORT_KEY_MAX_LENGTH
from graph.editing import people, posts, previews, relays
from graph.editing.revisions import TRACKED
from graph.events import EventType
from graph.jobs.admin import JOB_ARGS_BYTES, STATES
from graph.jobs.worker import MAX_ERROR_CHARS as MAX_JOB_ERROR_CHARS
from graph.newsletter.service import MAX_RELAYS
from graph.newsletter.subscribers import MAX_RELAYS_SHOWN
from graph.request.errors import ERROR_BYTES, MOST_ERRORS
from graph.request.loaders import MAX_PREVIOUS_SLUGS
from graph.search.highlight import MAX_FRAGMENT_CHARS, MAX_FRAGMENTS
from graph.settings import Settings
from graph.tokens import MAX_NAME_CHARS as MAX_TOKEN_NAME
from graph.webhooks.reads import MAX_ATTEMPTS_SHOWN
from graph.webhooks.sending import MAX_ERROR_CHARS as MAX_WEBHOOK_ERROR_CHARS
from graph.webhooks.service import MAX_DESCRIPTION, MAX_PAYLOAD_BYTES, MAX_WEBHOOKS
from graph.webhooks.signing import new_message_id, new_secret
from graph.webhooks.targets import MAX_URL

# The most bytes one character takes in a JSON answer where no write rule bounds the bytes
# (an e-mail address, a token's name, an error text): a control character is `\u001f`.
BYTES_PER_CHAR = 6
# Highlighted text: a one-letter word (4 bytes in UTF-8) in `<mark></mark>` beside an
# escaped separator (`&#x27;`) is 23 bytes for 2 characters; an escaped character alone 6.
HIGHLIGHT_BYTES_PER_CHAR = 12
# `"…"` at each end of a body passage.
ELLIPSES_BYTES = 6

SCALARS = {
    "Int": len("-2147483648"),
    "Float": len("-1.7976931348623157e+308"),
    "Boolean": len("false"),
    # Copenhagen time with microseconds and, before 1890, local mean time's seconds offset.
    "DateTime": len('"0002-01-01T00:00:00.000001+00:50:20"'),
    "Date": len('"9998-12-31"'),
    # A global id: base64 of `Type:pk` with the longest type name.
    "ID": 2 + 4 * math.ceil(len("PendingVersion:2147483647") / 3),
}


def text(chars: int) -> int:
    """A text a write rule keeps to `chars` characters (`Checks.text`), quoted: it takes at
    most `max_text_bytes(chars)` bytes as served."""
    return 2 + max_text_bytes(chars)


def any_text(chars: int) -> int:
    """A string of at most `chars` characters, whatever they are, quoted."""
    return 2 + BYTES_PER_CHAR * chars


def ascii_text(chars: int) -> int:
    """A string of at most `chars` characters that JSON never escapes (a slug, a cursor)."""
    return 2 + chars


def highlighted(chars: int) -> int:
    """Highlighted text cut from at most `chars` characters, quoted."""
    return 2 + HIGHLIGHT_BYTES_PER_CHAR * chars + ELLIPSES_BYTES


def cursor_bytes() -> int:
    """The longest cursor: an author's name sort key (digits) and id, as base64 of JSON."""
    raw = len('["",]') + SORT_KEY_MAX_LENGTH + len("2147483647")
    return ascii_text(4 * math.ceil(raw / 3))


def list_bounds(settings: Settings) -> Bounds:
    """The most items each plain list can hold, and the most bytes each leaf can take:
    each is bounded by a write rule or by what the field shows. (Lists with `first`, and
    connections, size themselves.)"""
    return Bounds(
        {
            ("Post", "bylines"): posts.MAX_BYLINES,
            ("PendingVersion", "bylines"): posts.MAX_BYLINES,
            ("PendingVersion", "changedFields"): len(TRACKED),
            ("Author", "affiliations"): people.MAX_AFFILIATIONS,
            ("Query", "categories"): relays.MAX_CATEGORIES,
            ("PostRevision", "changes"): len(TRACKED),
            ("JobOverview", "counts"): len(STATES),
            ("Query", "webhooks"): MAX_WEBHOOKS,
            ("Webhook", "events"): len(EventType),
            ("WebhookDelivery", "attemptLog"): MAX_ATTEMPTS_SHOWN,
            ("ValidationFailed", "fieldErrors"): MAX_FIELD_ERRORS,
            ("FieldError", "path"): MAX_PATH_ENTRIES,
            ("SearchHighlights", "body"): MAX_FRAGMENTS,
            ("NewsletterSubscription", "relays"): MAX_RELAYS_SHOWN,
            ("SubscriptionRequested", "relays"): MAX_RELAYS,
            **{
                (type_name, "previousSlugs"): MAX_PREVIOUS_SLUGS
                for type_name in ("Relay", "Post", "Author", "Organization", "Category")
            },
        },
        max_page=settings.max_page_size,
        leaves={**leaf_sizes(settings), **_messages()},
        scalars=SCALARS,
        errors=ErrorBound(MOST_ERRORS, ERROR_BYTES),
        # One statement groups up to SEARCH_COUNT_LIMIT hits: priced as a hundredth of them.
        scans={("SearchConnection", "facets"): settings.search_count_limit // 100},
        items={("PostRevision", "changes"): revision_changes(settings)},
    )


def leaf_sizes(settings: Settings) -> dict[tuple[str, str], int]:
    """Every text and JSON leaf's most bytes as served, quotes included."""
    slug = ascii_text(SLUG_MAX_LENGTH)
    body = text(settings.max_body_chars)
    html = 2 + max_html_bytes(settings.max_body_chars)
    token_name = any_text(MAX_TOKEN_NAME)
    cursor = cursor_bytes()
    largest_tracked = max(tracked_values(settings).values())
    return {
        **{(kind, "slug"): slug for kind in KINDS},
        **{(kind, "previousSlugs"): slug for kind in KINDS},
        **{(edge, "cursor"): cursor for edge in EDGES},
        ("PageInfo", "startCursor"): cursor,
        ("PageInfo", "endCursor"): cursor,
        ("Relay", "title"): text(relays.MAX_TITLE),
        ("Relay", "intro"): text(relays.MAX_INTRO),
        ("Category", "name"): text(relays.MAX_NAME),
        ("Author", "name"): text(people.MAX_NAME),
        ("Author", "bio"): text(people.MAX_BIO),
        ("Author", "email"): any_text(people.MAX_EMAIL),
        ("Organization", "name"): text(people.MAX_NAME),
        ("Organization", "shortName"): text(people.MAX_SHORT_NAME),
        ("Affiliation", "role"): text(people.MAX_ROLE),
        ("Byline", "role"): text(posts.MAX_ROLE),
        **{(kind, "title"): text(posts.MAX_TITLE) for kind in ("Post", "PendingVersion")},
        **{(kind, "teaser"): text(posts.MAX_TEASER) for kind in ("Post", "PendingVersion")},
        **{(kind, "body"): body for kind in ("Post", "PendingVersion")},
        **{(kind, "html"): html for kind in ("Post", "PendingVersion")},
        ("PendingVersion", "slug"): slug,
        ("PendingVersion", "changedFields"): _longest(TRACKED),
        ("PendingVersion", "stagedBy"): token_name,
        ("PostRevision", "actor"): token_name,
        ("Baton", "passedBy"): token_name,
        ("FieldChange", "field"): _longest(TRACKED),
        # The largest tracked field's value; each item of `changes` is sized exactly below.
        ("FieldChange", "old"): largest_tracked,
        ("FieldChange", "new"): largest_tracked,
        ("SearchHighlights", "title"): highlighted(posts.MAX_TITLE),
        ("SearchHighlights", "teaser"): highlighted(posts.MAX_TEASER),
        ("SearchHighlights", "body"): highlighted(MAX_FRAGMENT_CHARS),
        ("PreviewLink", "token"): ascii_text(previews.MAX_TOKEN_CHARS),
        ("PreviewLink", "url"): any_text(len(_longest_preview_url(settings))),
        ("NewsletterSubscription", "email"): any_text(people.MAX_EMAIL),
        ("NewsletterSubscription", "relays"): slug,
        ("SubscriptionRequested", "email"): any_text(people.MAX_EMAIL),
        ("SubscriptionRequested", "relays"): slug,
        ("Job", "task"): ascii_text(JOB_TASK_CHARS),
        ("Job", "state"): _longest(STATES),
        ("JobStateCount", "state"): _longest(STATES),
        ("Job", "args"): JOB_ARGS_BYTES,
        ("Job", "lastError"): any_text(MAX_JOB_ERROR_CHARS),
        ("Webhook", "url"): any_text(MAX_URL),
        ("Webhook", "description"): text(MAX_DESCRIPTION),
        ("Webhook", "secret"): ascii_text(len(new_secret())),
        ("WebhookAttempt", "error"): any_text(MAX_WEBHOOK_ERROR_CHARS),
        ("WebhookDelivery", "lastError"): any_text(MAX_WEBHOOK_ERROR_CHARS),
        ("WebhookDelivery", "messageId"): ascii_text(len(new_message_id())),
        ("WebhookDelivery", "payload"): MAX_PAYLOAD_BYTES,
    }


def _messages() -> dict[tuple[str, str], int]:
    """Mutation errors' messages and field errors, cut to MAX_MESSAGE_CHARS."""
    message = any_text(MAX_MESSAGE_CHARS)
    kinds = ("NotFound", "ValidationFailed", "VersionConflict", "SlugTaken", "Forbidden")
    return {
        **{(kind, "message"): message for kind in kinds},
        ("SlugTaken", "slug"): ascii_text(SLUG_MAX_LENGTH),
        ("FieldError", "message"): message,
        ("FieldError", "path"): any_text(MAX_PATH_ENTRY_CHARS),
    }


def tracked_values(settings: Settings) -> dict[str, int]:
    """Each field a revision tracks: the most bytes its value takes as JSON."""
    slug = ascii_text(SLUG_MAX_LENGTH)
    byline = len('{"author":,"role":,"organization":}') + 2 * slug + text(posts.MAX_ROLE)
    bylines = 2 + posts.MAX_BYLINES * (byline + 1)
    staged = {
        "title": text(posts.MAX_TITLE),
        "slug": slug,
        "teaser": text(posts.MAX_TEASER),
        "body": text(settings.max_body_chars),
        "category": slug,
        "bylines": bylines,
    }
    moment = SCALARS["DateTime"]
    return {
        **staged,
        "status": _longest(("draft", "scheduled", "published", "archived")),
        "publishedAt": moment,
        "publishAt": moment,
        # The staged fields by name: `{"title":…,"slug":…}`.
        "pending": 2 + sum(len(name) + 4 + size for name, size in staged.items()),
    }


def revision_changes(settings: Settings) -> tuple[ItemSizes, ...]:
    """A revision's changes: at most one per tracked field, each its field's size."""
    values = tracked_values(settings)
    assert set(values) == set(TRACKED)  # a new tracked field needs its size here
    return tuple(
        {"field": len(name) + 2, "old": values[name], "new": values[name]} for name in TRACKED
    )


def _longest(words: tuple[str, ...] | Mapping[str, object]) -> int:
    return 2 + max(len(word) for word in words)


def _longest_preview_url(settings: Settings) -> str:
    longest = "x" * SLUG_MAX_LENGTH
    return previews.preview_url(longest, longest, "x" * previews.MAX_TOKEN_CHARS, settings)


KINDS = ("Relay", "Post", "Author", "Organization", "Category")
EDGES = ("RelayEdge", "PostEdge", "AuthorEdge", "OrganizationEdge", "SearchEdge")
# Our task names (`graph.webhooks.jobs.deliver` …), as the jobs table keeps them.
JOB_TASK_CHARS = 200
