"""The bench data sizes: how many posts, relays, authors and organisations each holds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    """One data size; the same size and seed always give the same rows."""

    name: str
    posts: int
    relays: int
    authors: int
    organizations: int


SIZES = {
    size.name: size
    for size in (
        # `tiny` is for tests and smoke runs: every operation still has data to show.
        Size("tiny", posts=120, relays=12, authors=30, organizations=6),
        Size("S", posts=1_000, relays=20, authors=200, organizations=20),
        Size("M", posts=100_000, relays=200, authors=20_000, organizations=2_000),
        Size("L", posts=1_000_000, relays=2_000, authors=200_000, organizations=20_000),
    )
}

SEED = 20150513
# Bump when the generator changes what it writes: bench databases of an older version are
# then made again instead of reused.
GENERATOR_VERSION = 2  # 2: posts carry their word_count
