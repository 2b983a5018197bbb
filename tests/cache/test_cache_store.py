"""The store on its own: LRU bounds, tag invalidation, single flight, answers made stale."""

from __future__ import annotations

import asyncio

from graph.cache.store import Entry, ResponseCache


def entry(body: bytes, *tags: str) -> Entry:
    return Entry.of(body, tags)


async def put(cache: ResponseCache, key: bytes, value: Entry) -> None:
    async def produce() -> Entry:
        return value

    await cache.compute(key, produce)


async def test_a_computed_entry_is_served_until_a_tag_of_it_is_invalidated() -> None:
    cache = ResponseCache(max_entries=10, max_bytes=10_000)
    await put(cache, b"a", entry(b"A", "Post:1", "posts"))
    await put(cache, b"b", entry(b"B", "Relay:1"))
    assert cache.get(b"a") is not None

    assert cache.invalidate(["posts"]) == 1
    assert cache.get(b"a") is None
    assert cache.get(b"b") is not None
    assert (cache.counters.hits, cache.counters.misses) == (2, 1)


async def test_the_least_recently_used_entry_goes_first_when_entries_are_full() -> None:
    cache = ResponseCache(max_entries=2, max_bytes=10_000)
    await put(cache, b"a", entry(b"A"))
    await put(cache, b"b", entry(b"B"))
    cache.get(b"a")
    await put(cache, b"c", entry(b"C"))
    assert cache.get(b"b") is None
    assert cache.get(b"a") is not None and cache.get(b"c") is not None
    assert cache.counters.evictions == 1


async def test_bytes_are_bounded_too() -> None:
    cache = ResponseCache(max_entries=1000, max_bytes=3_000)
    for index in range(10):
        await put(cache, str(index).encode(), entry(b"x" * 900, f"Post:{index}"))
    entries, size = cache.size
    assert size <= 3_000
    assert entries == 2
    assert cache.counters.evictions == 8
    # The tag index forgets evicted entries: invalidating them finds nothing.
    assert cache.invalidate(["Post:0"]) == 0


async def test_an_entry_larger_than_the_whole_cache_is_not_kept() -> None:
    cache = ResponseCache(max_entries=10, max_bytes=1_000)
    await put(cache, b"big", entry(b"x" * 2_000))
    assert cache.size == (0, 0)


async def test_a_burst_of_identical_misses_computes_once() -> None:
    cache = ResponseCache(max_entries=10, max_bytes=10_000)
    runs = 0

    async def produce() -> Entry:
        nonlocal runs
        runs += 1
        await asyncio.sleep(0.05)
        return entry(b"A", "Post:1")

    results = await asyncio.gather(*(cache.compute(b"k", produce) for _ in range(20)))
    assert runs == 1
    assert {result.body for result in results if result} == {b"A"}
    assert cache.counters.coalesced == 19


async def test_an_answer_computed_across_an_invalidation_of_its_tag_is_not_kept() -> None:
    cache = ResponseCache(max_entries=10, max_bytes=10_000)

    async def produce() -> Entry:
        # The write commits while this answer is being computed from the old rows.
        cache.invalidate(["Post:1"])
        return entry(b"old", "Post:1")

    returned = await cache.compute(b"k", produce)
    assert returned is not None and returned.body == b"old"
    assert cache.get(b"k") is None


async def test_an_invalidation_of_other_tags_meanwhile_does_not_stop_keeping_it() -> None:
    cache = ResponseCache(max_entries=10, max_bytes=10_000)

    async def produce() -> Entry:
        cache.invalidate(["Relay:9"])
        return entry(b"fresh", "Post:1")

    await cache.compute(b"k", produce)
    assert cache.get(b"k") is not None


async def test_after_clear_nothing_computed_before_is_kept() -> None:
    cache = ResponseCache(max_entries=10, max_bytes=10_000)

    async def produce() -> Entry:
        cache.clear()
        return entry(b"maybe stale", "Post:1")

    await cache.compute(b"k", produce)
    assert cache.size == (0, 0)


async def test_the_etag_follows_the_body() -> None:
    assert entry(b"A").etag == entry(b"A", "Post:1").etag != entry(b"B").etag
