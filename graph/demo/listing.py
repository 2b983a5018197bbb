"""Parser for the scraped text of a relay's listing page (title, intro and blog entries)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

BLOGS_HEADING = "Blogs"
END_MARKER = "TILMELD NYHEDSBREV"
BULLET = "•"

_DATE_LINE_RE = re.compile(r"([0-9]{2})\.([0-9]{2})\.([0-9]{2})(?: (.*))?")
_QUOTE_LIMIT = 60


@dataclass(frozen=True)
class ListingEntry:
    """One blog post as the listing page presents it."""

    title: str
    published_on: datetime.date
    category: str
    teaser: str
    line: int


@dataclass(frozen=True)
class Listing:
    """A whole relay listing page."""

    title: str
    intro: str
    entries: tuple[ListingEntry, ...]


class ListingError(ValueError):
    """A listing page that cannot be parsed, with the 1-based line at fault."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


class _Line(NamedTuple):
    """A page line: its 1-based number and its whitespace-normalised text."""

    number: int
    text: str


def parse_listing(text: str) -> Listing:
    """Parse a listing page, raising ListingError on the first problem found."""
    lines = _page_lines(text)
    title_at = _find_title(lines)
    blogs_at = _find_heading(lines, title_at)
    title = lines[title_at].text
    intro = _intro(lines[title_at + 1 : blogs_at], title)
    entries = _entries(lines[blogs_at], lines[blogs_at + 1 :])
    return Listing(title=title, intro=intro, entries=entries)


def _normalise(text: str) -> str:
    """Collapse all whitespace, no-break spaces included, into single spaces."""
    # str.split() treats U+00A0 as whitespace; curly quotes and dashes are left alone.
    return " ".join(text.split())


def _page_lines(text: str) -> list[_Line]:
    """Number and normalise the page's lines, stopping at the newsletter footer."""
    lines: list[_Line] = []
    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        line = _normalise(raw)
        if line.endswith(END_MARKER):
            # The scrape sometimes glues the footer onto the last line of content.
            lines.append(_Line(number, _normalise(line.removesuffix(END_MARKER))))
            break
        lines.append(_Line(number, line))
    return lines


def _find_title(lines: Sequence[_Line]) -> int:
    """Return the index of the title: the first non-empty line."""
    for index, line in enumerate(lines):
        if line.text == BLOGS_HEADING:
            raise ListingError(line.number, "page has no title before the 'Blogs' heading")
        if line.text:
            return index
    raise ListingError(_last_number(lines), "page has no title")


def _find_heading(lines: Sequence[_Line], title_at: int) -> int:
    """Return the index of the 'Blogs' heading that starts the entries."""
    for index in range(title_at + 1, len(lines)):
        if lines[index].text == BLOGS_HEADING:
            return index
    raise ListingError(_last_number(lines), "page has no 'Blogs' heading")


def _last_number(lines: Sequence[_Line]) -> int:
    """Return the number of the page's last line, or 1 for an empty page."""
    return lines[-1].number if lines else 1


def _intro(lines: Sequence[_Line], title: str) -> str:
    """Join the intro's paragraphs, skipping the page's repeats of the title."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if not line.text:
            paragraphs.append([])
        elif line.text != title or any(paragraphs):
            paragraphs[-1].append(line.text)
    return "\n\n".join(" ".join(paragraph) for paragraph in paragraphs if paragraph)


def _entries(heading: _Line, lines: Sequence[_Line]) -> tuple[ListingEntry, ...]:
    """Parse every entry under the heading and refuse duplicate titles."""
    entries = tuple(_parse_entry(block) for block in _entry_blocks(heading, lines))
    first_seen: dict[str, int] = {}
    for entry in entries:
        if entry.title in first_seen:
            reason = (
                f"duplicate title {_quote(entry.title)} (first on line {first_seen[entry.title]})"
            )
            raise ListingError(entry.line, reason)
        first_seen[entry.title] = entry.line
    return entries


def _entry_blocks(heading: _Line, lines: Sequence[_Line]) -> list[list[_Line]]:
    """Split the lines after the heading into blocks that each start with a bullet."""
    blocks: list[list[_Line]] = []
    for line in lines:
        if line.text.startswith(BULLET):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
        elif line.text:
            raise ListingError(line.number, f"expected an entry bullet, got {_quote(line.text)}")
    if not blocks:
        raise ListingError(heading.number, "no entries after the 'Blogs' heading")
    return blocks


def _parse_entry(block: Sequence[_Line]) -> ListingEntry:
    """Parse one bullet block: title, date/category line, then teaser lines."""
    bullet, body = block[0], [line for line in block[1:] if line.text]
    title = bullet.text.removeprefix(BULLET).strip()
    if not title:
        raise ListingError(bullet.number, "entry bullet has no title")
    if not body:
        raise ListingError(bullet.number, f"entry {_quote(title)} has no date line")
    published_on, category = _parse_date_line(body[0])
    if len(body) < 2:
        raise ListingError(bullet.number, f"entry {_quote(title)} has no teaser")
    teaser = " ".join(line.text for line in body[1:])
    return ListingEntry(title, published_on, category, teaser, bullet.number)


def _parse_date_line(line: _Line) -> tuple[datetime.date, str]:
    """Parse a 'DD.MM.YY Category' line into its date and category."""
    match = _DATE_LINE_RE.fullmatch(line.text)
    if match is None:
        reason = f"expected a 'DD.MM.YY Category' line, got {_quote(line.text)}"
        raise ListingError(line.number, reason)
    day, month, year, category = match.groups()
    if not category:
        raise ListingError(line.number, "date line has no category")
    try:
        # The site only ever shows two-digit years, all of them in this century.
        published_on = datetime.date(2000 + int(year), int(month), int(day))
    except ValueError:
        raise ListingError(line.number, f"not a real date: {day}.{month}.{year}") from None
    return published_on, category


def _quote(text: str) -> str:
    """Quote text for an error message, shortening it if it is long."""
    if len(text) > _QUOTE_LIMIT:
        text = text[: _QUOTE_LIMIT - 1] + "…"
    return f"'{text}'"
