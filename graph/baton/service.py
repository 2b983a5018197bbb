"""The baton's rules: passing it to an author, and handing it on when their post is published.

Both run inside the caller's transaction (a mutation, or the write that published a post).
"""

from __future__ import annotations

import datetime as dt

from graph import clock, events, models
from graph.baton.jobs import defer_mail
from graph.baton.mails import MailKind
from graph.editing.checks import Checks
from graph.editing.errors import Code, NotFound
from graph.events import Event, EventType


async def pass_baton(actor: str, relay_id: int, author_id: int, due_on: dt.date) -> models.Baton:
    """Give the relay's baton to the author, due on `due_on`; a baton held before is replaced.

    The author gets an invitation mail once the transaction commits.
    """
    # Locked so two editors passing the same relay's baton at once leave one held.
    relay = await models.Relay.select_for_update().get_or_none(id=relay_id)
    if relay is None:
        raise NotFound("relay", relay_id)
    author = await models.Author.get_or_none(id=author_id)
    if author is None:
        raise NotFound("author", author_id)
    _check(relay, author, due_on)
    await models.Baton.filter(relay_id=relay.id, state=models.BatonState.HELD).update(
        state=models.BatonState.REPLACED
    )
    baton = await models.Baton.create(
        relay=relay, author=author, due_on=due_on, passed_by=actor, passed_at=clock.now()
    )
    author_ref = events.reference("Author", author.id, author.slug)
    await events.emit(
        Event(EventType.BATON_PASSED, "Relay", relay.id, relay.slug, {"author": author_ref})
    )
    await defer_mail(baton.id, MailKind.INVITATION)
    return baton


def _check(relay: models.Relay, author: models.Author, due_on: dt.date) -> None:
    checks = Checks()
    if relay.status == models.RelayStatus.ENDED:
        checks.fail(["relay"], "the relay has ended; it takes no more posts", Code.INVALID)
    if not author.email:
        checks.fail(["author"], "has no e-mail address; set one with updateAuthor", Code.INVALID)
    if due_on < clock.today():
        checks.fail(["dueOn"], "must be today or later (Copenhagen date)", Code.IN_PAST)
    checks.done()


async def on_event(event: Event) -> None:
    """A published post hands its relay's held baton on if the holder is in its bylines."""
    if event.type is not EventType.POST_PUBLISHED:
        return
    relay_ids = await models.Post.filter(id=event.pk).values_list("relay_id", flat=True)
    author_ids = await models.Byline.filter(post_id=event.pk).values_list("author_id", flat=True)
    if not relay_ids or not author_ids:
        return
    await models.Baton.filter(
        relay_id=relay_ids[0], state=models.BatonState.HELD, author_id__in=author_ids
    ).update(state=models.BatonState.HANDED_ON, handed_on_at=clock.now(), post_id=event.pk)
