"""The synthetic content graph as rows, table by table, from one seed: same size, same rows.

Rows are tuples in `COLUMNS` order, made lazily so a million posts never sit in memory.
Ids are given here (1, 2, …), so foreign keys are known before anything is written. Posts are
numbered in publication order across the site, as a live site would have made them, and each
relay's legs count 1..n by time.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks import words
from benchmarks.sizes import SEED, Size
from benchmarks.text import Writer
from graph.content import word_count
from graph.danish import slugify, sort_key

Row = tuple[Any, ...]

COLUMNS = {
    "category": ("id", "slug", "name", "sort_key"),
    "organization": ("id", "slug", "name", "short_name", "kind", "sort_key", "version"),
    "author": ("id", "slug", "name", "bio", "email", "sort_key", "version"),
    "affiliation": ("id", "author_id", "organization_id", "role", "position"),
    "relay": (
        "id", "slug", "title", "intro", "status", "started_on", "ended_on", "version",
        "created_at", "updated_at",
    ),
    "post": (
        "id", "relay_id", "slug", "title", "teaser", "teaser_derived", "body", "html",
        "word_count", "category_id", "status", "published_at", "publish_at", "leg", "version",
        "created_at", "updated_at",
    ),
    "byline": ("id", "post_id", "position", "author_id", "role", "organization_id"),
}  # fmt: skip
TABLES = tuple(COLUMNS)

EPOCH = dt.datetime(2011, 1, 3, 7, 0, tzinfo=dt.UTC)
END = dt.datetime(2025, 6, 2, 7, 0, tzinfo=dt.UTC)
SPAN_MINUTES = int((END - EPOCH).total_seconds() // 60)
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
REGIONS = ["Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland"]
# A relay whose last post is older than this has ended.
ENDED_AFTER = dt.timedelta(days=180)


def _rng(seed: int, stream: str) -> random.Random:
    # One stream per table: changing how one table is made leaves the others as they were.
    return random.Random(f"{seed}:{stream}")


def _zipf_weights(count: int, exponent: float) -> list[float]:
    """Cumulative weights favouring low indexes: a few popular items, many quiet ones."""
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, count + 1)))


def _unique(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3` … when taken; marks the result as taken."""
    candidate, suffix = base, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{base}-{suffix}"
    taken.add(candidate)
    return candidate


def _at(minute: int) -> dt.datetime:
    return EPOCH + dt.timedelta(minutes=minute)


def _local_date(minute: int) -> dt.date:
    return _at(minute).astimezone(COPENHAGEN).date()


class Dataset:
    """Every row of one size, as iterators per table (in the order they must be written)."""

    def __init__(self, size: Size, seed: int = SEED) -> None:
        self.size, self.seed = size, seed
        # The first rare word written into a post: a search with few hits.
        self.rare_word: str | None = None
        self._affiliations = self._draw_affiliations()
        # Per author id (0 unused): the organisation and role that bylines print.
        self._primary = [
            (None, None),
            *(chosen[0] if chosen else (None, None) for chosen in self._affiliations),
        ]
        self._shift = (size.relays + 1).bit_length()
        self._timeline = self._post_timeline()

    def rows(self, table: str) -> Iterator[Row]:
        """The rows of one table."""
        make: Iterator[Row] = getattr(self, table)()
        return make

    def category(self) -> Iterator[Row]:
        """The fixed subject headings."""
        for index, name in enumerate(words.CATEGORIES, start=1):
            yield (index, slugify(name), name, sort_key(name))

    def organization(self) -> Iterator[Row]:
        """Municipalities, agencies, associations …, named in the Danish styles."""
        rng, taken, names = _rng(self.seed, "organization"), set[str](), set[str]()
        for index in range(1, self.size.organizations + 1):
            name, kind = _organization_name(rng)
            name = _unique_name(name, names)
            short = "".join(part[0] for part in name.split()).upper() if len(name) > 20 else None
            slug = _unique(slugify(name), taken)
            yield (index, slug, name, short, kind, sort_key(name), 1)

    def author(self) -> Iterator[Row]:
        """People with Danish names; half of them have a one-sentence bio."""
        rng, taken = _rng(self.seed, "author"), set[str]()
        writer = Writer(rng)
        for index in range(1, self.size.authors + 1):
            name = _person(rng)
            bio = writer.sentence() if rng.random() < 0.5 else ""
            yield (index, _unique(slugify(name), taken), name, bio, None, sort_key(name), 1)

    def affiliation(self) -> Iterator[Row]:
        """Where authors work: mostly one organisation, some two, a few none."""
        ids = itertools.count(1)
        for author, affiliations in enumerate(self._affiliations, start=1):
            for position, (organization, role) in enumerate(affiliations):
                yield (next(ids), author, organization, role, position)

    def relay(self) -> Iterator[Row]:
        """Themed relays, started and (if quiet for half a year) ended with their posts."""
        rng, taken = _rng(self.seed, "relay"), set[str]()
        writer = Writer(rng)
        themes = itertools.cycle(words.THEMES)
        for index, (first, last) in enumerate(self._relay_spans(), start=1):
            title = _unique_name(f"{next(themes)}-stafetten", taken)
            ended = _at(last) < END - ENDED_AFTER
            intro = " ".join(writer.sentence() for _ in range(rng.randint(2, 4)))
            status = "ended" if ended else "active"
            ended_on = _local_date(last) if ended else None
            when = _at(first)
            yield (
                index, slugify(title), title, intro, status, _local_date(first), ended_on, 1,
                when, when,
            )  # fmt: skip

    def post(self) -> Iterator[Row]:
        """Published posts in publication order, legs numbered per relay."""
        rng = _rng(self.seed, "post")
        writer, taken = Writer(rng), set[str]()
        categories = _zipf_weights(len(words.CATEGORIES), 0.8)
        category_ids = list(range(1, len(words.CATEGORIES) + 1))
        legs = [0] * (self.size.relays + 1)
        for index, (minute, relay) in enumerate(self._posts_in_order(), start=1):
            legs[relay] += 1
            title, teaser, body = writer.title(), writer.teaser(), writer.body()
            if self.rare_word is None and body.rare_word is not None:
                self.rare_word = body.rare_word
            category = None
            if rng.random() >= 0.03:
                category = rng.choices(category_ids, cum_weights=categories)[0]
            slug = _unique(slugify(title) or "indlaeg", taken)
            when = _at(minute)
            yield (
                index, relay, slug, title, teaser, False, body.markdown, body.html,
                word_count(body.html), category, "published", when, None, legs[relay], 1, when,
                when,
            )  # fmt: skip

    def byline(self) -> Iterator[Row]:
        """One or two bylines per post, printing the author's first affiliation."""
        rng = _rng(self.seed, "byline")
        authors = _zipf_weights(self.size.authors, 0.7)
        author_ids = list(range(1, self.size.authors + 1))
        ids = itertools.count(1)
        for post in range(1, self.size.posts + 1):
            count = 2 if rng.random() < 0.15 and self.size.authors > 1 else 1
            chosen: list[int] = []
            while len(chosen) < count:
                author = rng.choices(author_ids, cum_weights=authors)[0]
                if author not in chosen:
                    chosen.append(author)
            for position, author in enumerate(chosen, start=1):
                organization, role = self._primary[author]
                if rng.random() < 0.1:
                    organization, role = None, None  # the post does not say
                yield (next(ids), post, position, author, role, organization)

    def _draw_affiliations(self) -> list[list[tuple[int, str]]]:
        """Per author, in id order: (organisation id, role), mostly one, some two or none."""
        rng = _rng(self.seed, "affiliation")
        organizations = _zipf_weights(self.size.organizations, 0.9)
        organization_ids = list(range(1, self.size.organizations + 1))
        drawn: list[list[tuple[int, str]]] = []
        for _ in range(self.size.authors):
            roll = rng.random()
            count = 0 if roll < 0.05 else 2 if roll > 0.85 else 1
            chosen: list[tuple[int, str]] = []
            for organization in rng.choices(organization_ids, cum_weights=organizations, k=count):
                if all(organization != existing for existing, _ in chosen):
                    chosen.append((organization, rng.choice(words.ROLES)))
            drawn.append(chosen)
        return drawn

    def _post_timeline(self) -> list[int]:
        """Every post as `minute << shift | relay id`, sorted: publication order."""
        rng = _rng(self.seed, "timeline")
        packed: list[int] = []
        for relay, count in enumerate(self._posts_per_relay(rng), start=1):
            start = rng.randrange(SPAN_MINUTES - 60 * 24 * 30)
            length = min(rng.randint(90, 2500) * 24 * 60, SPAN_MINUTES - start)
            packed.extend(
                (start + rng.randrange(length)) << self._shift | relay for _ in range(count)
            )
        packed.sort()
        return packed

    def _posts_per_relay(self, rng: random.Random) -> list[int]:
        """How many posts each relay gets: uneven, but at least ten where the size allows."""
        relays, posts = self.size.relays, self.size.posts
        floor = min(10, posts // relays)
        weights = [rng.lognormvariate(0, 0.9) for _ in range(relays)]
        spare, total = posts - floor * relays, sum(weights)
        counts = [floor + int(spare * weight / total) for weight in weights]
        for index in range(posts - sum(counts)):  # what rounding down left over
            counts[index % relays] += 1
        return counts

    def _posts_in_order(self) -> Iterator[tuple[int, int]]:
        mask = (1 << self._shift) - 1
        for packed in self._timeline:
            yield packed >> self._shift, packed & mask

    def _relay_spans(self) -> list[tuple[int, int]]:
        """(first, last) publication minute of each relay, by relay id."""
        spans: dict[int, tuple[int, int]] = {}
        for minute, relay in self._posts_in_order():
            first, _ = spans.get(relay, (minute, minute))
            spans[relay] = (first, minute)
        return [spans[relay] for relay in range(1, self.size.relays + 1)]


def _person(rng: random.Random) -> str:
    first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
    if rng.random() < 0.3:
        return f"{first} {rng.choice(words.MIDDLE_NAMES)} {last}"
    return f"{first} {last}"


def _organization_name(rng: random.Random) -> tuple[str, str]:
    """A name and its kind, in the styles Danish public bodies use."""
    town, theme = rng.choice(words.TOWNS), rng.choice(words.THEMES)
    kind = rng.choices(
        ["municipality", "region", "agency", "ministry", "association", "ngo", "research"],
        weights=[40, 3, 10, 3, 20, 14, 10],
    )[0]
    names = {
        "municipality": f"{town} Kommune",
        "region": f"Region {rng.choice(REGIONS)}",
        "agency": f"{theme}styrelsen",
        "ministry": f"{theme}ministeriet",
        "association": f"{theme}foreningen i {town}",
        "ngo": f"{theme}hjælpen {town}",
        "research": f"Center for {theme.lower()}forskning i {town}",
    }
    return names[kind], kind


def _unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name 2`, `name 3` … when another row has it."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name} {number}"
    taken.add(candidate)
    return candidate
