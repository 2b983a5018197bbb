"""The generic cursor connection types (Connection, Edge, PageInfo) and how a page fills one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

import strawberry

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")


@strawberry.type(description="Where a page sits in its list, for fetching the next one.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when more items follow this page.")
    has_previous_page: bool = strawberry.field(
        description="True when this page was asked for with `after` (items precede it)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last edge; pass it as `after` for the next page."
    )


@strawberry.type(description="One item in a page, with the cursor that points at it.")
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Opaque position of this item; stable.")
    node: NodeT = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list, with cursors for the next page.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description="The items of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items the whole list holds, across all pages.")
    async def total_count(self) -> int:
        return await self.count()


def connection(
    rows: Sequence[RowT],
    edge: Callable[[int, RowT], tuple[str, NodeT]],
    first: int,
    after: str | None,
    count: Callable[[], Awaitable[int]],
) -> Connection[NodeT]:
    """A connection from up to `first + 1` rows: the extra one only says more follow.

    `edge` makes the (cursor, node) of the row at each index; the extra row gets none, so it
    adds no cache tag (its relay's or kind's list tag covers whether more follow).
    """
    edges = [
        Edge(cursor=cursor, node=node)
        for cursor, node in (edge(index, row) for index, row in enumerate(rows[:first]))
    ]
    info = PageInfo(
        has_next_page=len(rows) > first,
        has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=info, count=count)
