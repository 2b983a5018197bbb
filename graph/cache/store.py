"""The response store: whole HTTP answers by key, tagged, bounded, computed once per burst."""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

# How many recent invalidations are remembered to judge answers computed meanwhile.
RECENT_INVALIDATIONS = 4096


@dataclass(frozen=True)
class Entry:
    """One cached answer: the JSON body, its ETag and the tags of what it was made from."""

    body: bytes
    etag: str
    tags: frozenset[str]
    # The tag header's value, made once: a hit must not sort thousands of tags.
    tag_header: bytes = b""

    @classmethod
    def of(cls, body: bytes, tags: Iterable[str], tag_header: bytes = b"") -> Entry:
        """An entry for a body, with a strong ETag from its content."""
        digest = hashlib.blake2b(body, digest_size=12).hexdigest()
        return cls(body, f'"{digest}"', frozenset(tags), tag_header)

    @property
    def size(self) -> int:
        """Bytes this entry holds, roughly."""
        return len(self.body) + len(self.tag_header) + sum(len(tag) for tag in self.tags) + 200


@dataclass
class Counters:
    """What the cache has done since the process started."""

    hits: int = 0
    misses: int = 0
    evictions: int = 0
    invalidations: int = 0
    dropped: int = 0
    coalesced: int = 0


@dataclass(eq=False)
class ResponseCache:
    """An LRU of entries bounded by count and bytes, with a tag index for invalidation.

    A miss is computed once however many identical requests arrive meanwhile (single flight),
    and an answer computed while one of its tags was invalidated is not kept: it may hold
    what the write replaced.
    """

    max_entries: int
    max_bytes: int
    enabled: bool = True
    counters: Counters = field(default_factory=Counters)
    _entries: OrderedDict[bytes, Entry] = field(default_factory=OrderedDict)
    _by_tag: dict[str, set[bytes]] = field(default_factory=dict)
    _bytes: int = 0
    _now: int = 0  # how many invalidations this process has seen
    _recent: deque[tuple[int, frozenset[str]]] = field(
        default_factory=lambda: deque(maxlen=RECENT_INVALIDATIONS)
    )
    _flights: dict[bytes, asyncio.Future[Entry | None]] = field(default_factory=dict)

    @property
    def size(self) -> tuple[int, int]:
        """(entries, bytes) held now."""
        return len(self._entries), self._bytes

    def get(self, key: bytes) -> Entry | None:
        """The entry for `key`, marked as recently used; counts a hit or a miss."""
        entry = self._entries.get(key)
        if entry is None:
            self.counters.misses += 1
            return None
        self._entries.move_to_end(key)
        self.counters.hits += 1
        return entry

    async def compute(
        self, key: bytes, produce: Callable[[], Awaitable[Entry | None]]
    ) -> Entry | None:
        """The entry from `produce()`, run once for all concurrent callers of one key.

        `produce` returns None for an answer that must not be cached (an error, say); each
        waiting caller then gets None and answers for itself.
        """
        flight = self._flights.get(key)
        if flight is not None:
            self.counters.coalesced += 1
            return await asyncio.shield(flight)
        flight = asyncio.get_running_loop().create_future()
        self._flights[key] = flight
        started = self._now
        try:
            entry = await produce()
        except BaseException as error:
            flight.set_exception(error)
            flight.exception()  # retrieved: waiting callers re-raise it, nobody else must
            raise
        finally:
            if self._flights.get(key) is flight:
                del self._flights[key]
        if entry is not None and self.enabled and not self._invalidated_since(started, entry):
            self._put(key, entry)
        flight.set_result(entry)
        return entry

    def invalidate(self, tags: Iterable[str]) -> int:
        """Drop every entry carrying one of `tags`; how many were dropped."""
        tags = frozenset(tags)
        self._now += 1
        self._recent.append((self._now, tags))
        # New requests must not join a computation that may have read the old data.
        self._flights.clear()
        keys = set().union(*(self._by_tag.get(tag, ()) for tag in tags)) if tags else set()
        for key in keys:
            self._remove(key)
        self.counters.invalidations += 1
        self.counters.dropped += len(keys)
        return len(keys)

    def clear(self) -> None:
        """Drop everything (the invalidation feed was interrupted: anything may be stale)."""
        self._now += 1
        self._recent.clear()
        self._recent.append((self._now, frozenset({"*"})))
        self._flights.clear()
        self._entries.clear()
        self._by_tag.clear()
        self._bytes = 0

    def _invalidated_since(self, started: int, entry: Entry) -> bool:
        if self._recent and self._recent[0][0] > started + 1:
            return True  # the invalidations just after the start are forgotten: cannot tell
        return any(
            epoch > started and ("*" in tags or not tags.isdisjoint(entry.tags))
            for epoch, tags in self._recent
        )

    def _put(self, key: bytes, entry: Entry) -> None:
        if entry.size > self.max_bytes:
            return
        if key in self._entries:
            self._remove(key)
        self._entries[key] = entry
        self._bytes += entry.size
        for tag in entry.tags:
            self._by_tag.setdefault(tag, set()).add(key)
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            oldest = next(iter(self._entries))
            self._remove(oldest)
            self.counters.evictions += 1

    def _remove(self, key: bytes) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self._bytes -= entry.size
        for tag in entry.tags:
            keys = self._by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[tag]
