"""The newsletter's public mutations: subscribe, confirm and unsubscribe (no token needed)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import strawberry

from graph import db
from graph.api.mutations.errors import ValidationFailed, check_arguments, to_graphql
from graph.editing import errors as domain
from graph.newsletter import service
from graph.request.context import Info

T = TypeVar("T")


@strawberry.type(
    description="A subscription was asked for. The answer is the same whether or not the "
    "address was known: an unconfirmed address is sent a confirmation link, and mail about "
    "posts starts only once that link is opened."
)
class SubscriptionRequested:
    email: str = strawberry.field(description="The address as stored: trimmed, lower-case.")
    relays: list[str] = strawberry.field(description="Slugs of the relays asked for, each once.")


@strawberry.type(description="A newsletter subscriber, as the holder of one of its links sees it.")
class NewsletterSubscription:
    email: str = strawberry.field(description="The subscriber's e-mail address.")
    relays: list[str] = strawberry.field(description="Slugs of the subscribed relays, by title.")
    confirmed: bool = strawberry.field(
        description="True once the address was confirmed through the link mailed to it."
    )
    subscribed: bool = strawberry.field(
        description="False after unsubscribing: no mail goes to the address any more."
    )

    @classmethod
    def of(cls, view: service.SubscriberView) -> NewsletterSubscription:
        """The type for the service's view of a subscriber."""
        return cls(
            email=view.email,
            relays=[relay.slug for relay in view.relays],
            confirmed=view.confirmed,
            subscribed=view.subscribed,
        )


@strawberry.input(description="Ask for a mail whenever one of these relays publishes a post.")
class SubscribeInput:
    email: str = strawberry.field(description="The reader's e-mail address (≤ 320 characters).")
    relays: list[str] = strawberry.field(description="Slugs of 1 to 20 relays.")


@strawberry.input(description="The token from the link in a confirmation mail.")
class ConfirmSubscriptionInput:
    token: str = strawberry.field(description="The `token` query parameter of the link.")


@strawberry.input(description="The token from the unsubscribe link in a newsletter mail.")
class UnsubscribeInput:
    token: str = strawberry.field(description="The `token` query parameter of the link.")


SubscribeResult = Annotated[
    SubscriptionRequested | ValidationFailed,
    strawberry.union("SubscribeResult", description="The request as recorded, or why not."),
]
ConfirmSubscriptionResult = Annotated[
    NewsletterSubscription | ValidationFailed,
    strawberry.union(
        "ConfirmSubscriptionResult", description="The confirmed subscriber, or why not."
    ),
]
UnsubscribeResult = Annotated[
    NewsletterSubscription | ValidationFailed,
    strawberry.union("UnsubscribeResult", description="The unsubscribed reader, or why not."),
]


async def run_public(info: Info, work: Callable[[], Awaitable[T]]) -> T | ValidationFailed:
    """Run `work` in one transaction for anyone; a refused input becomes ValidationFailed."""
    try:
        check_arguments(info)
        async with db.transaction():
            return await work()
    except domain.ValidationFailed as error:
        refused = to_graphql(error)
        assert isinstance(refused, ValidationFailed)
        return refused


def _secret_key(info: Info) -> str:
    """SECRET_KEY of the app serving the request (empty: the key kept in the database)."""
    return info.context.settings.secret_key


@strawberry.type
class NewsletterMutations:
    @strawberry.mutation(
        description="Subscribe an e-mail address to relays' new posts (double opt-in). "
        "Public: needs no token."
    )
    async def subscribe(self, info: Info, input: SubscribeInput) -> SubscribeResult:
        result = await run_public(info, lambda: service.subscribe(input.email, input.relays))
        if isinstance(result, ValidationFailed):
            return result
        return SubscriptionRequested(email=result.email, relays=result.relays)

    @strawberry.mutation(
        description="Confirm a subscription with the token from the confirmation mail (valid "
        "7 days). Public: needs no token."
    )
    async def confirm_subscription(
        self, info: Info, input: ConfirmSubscriptionInput
    ) -> ConfirmSubscriptionResult:
        result = await run_public(info, lambda: service.confirm(input.token, _secret_key(info)))
        if isinstance(result, ValidationFailed):
            return result
        return NewsletterSubscription.of(result)

    @strawberry.mutation(
        description="Stop all newsletter mail to an address, with the token from the "
        "unsubscribe link of any newsletter mail. Public: needs no token."
    )
    async def unsubscribe(self, info: Info, input: UnsubscribeInput) -> UnsubscribeResult:
        result = await run_public(info, lambda: service.unsubscribe(input.token, _secret_key(info)))
        if isinstance(result, ValidationFailed):
            return result
        return NewsletterSubscription.of(result)
