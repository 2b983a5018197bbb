"""Highlights: the words a search matched, wrapped in `<mark>`, in HTML-escaped text.

A word is marked when its stem is one the query asks for (or starts with one of its
prefixes), so `børnesager` is marked for a search for `børnesag`. Only the page's posts are
highlighted, and a body is read up to MAX_BODY_CHARS: the work is bounded by the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from graph.danish import DANISH_STOP_WORDS, stem_word
from graph.search.syntax import Query

WINDOW = 12  # words on each side of a marked word in a body fragment
MAX_FRAGMENTS = 3
# A passage is at most this many characters of the body, however long the text between its
# words (a run of punctuation has no words to count), so every highlight has a size bound.
MAX_FRAGMENT_CHARS = 400
MAX_BODY_CHARS = 100_000
ELLIPSIS = "…"

_WORD_RE = re.compile(r"[^\W_]+")
_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")

Hit = Callable[[str], bool]


def matcher(query: Query) -> Hit:
    """Whether a lowercase word is one the query matched."""
    stems: set[str] = set()
    prefixes: set[str] = set()
    for term in query.positive_terms():
        for index, lexeme in enumerate(term.lexemes):
            last = index == len(term.lexemes) - 1
            (prefixes if term.prefix and last else stems).add(lexeme.stem)
    # Snowball only strips endings, so a word starts with its stem: most words are ruled
    # out without stemming them.
    starts = tuple(stems | prefixes)
    known: dict[str, bool] = {}

    def hit(word: str) -> bool:
        if not starts or not word.startswith(starts) or word in DANISH_STOP_WORDS:
            return False
        if word not in known:
            stem = stem_word(word)
            known[word] = stem in stems or any(stem.startswith(each) for each in prefixes)
        return known[word]

    return hit


def marked(text: str, hit: Hit) -> str:
    """The text, HTML-escaped, with each matched word in `<mark>`."""
    out: list[str] = []
    end = 0
    for match in _WORD_RE.finditer(text):
        if hit(match.group().lower()):
            out.append(html.escape(text[end : match.start()]))
            out.append(f"<mark>{html.escape(match.group())}</mark>")
            end = match.end()
    out.append(html.escape(text[end:]))
    return "".join(out)


def plain_text(markup: str) -> str:
    """A post's sanitised HTML as plain text: tags gone, entities read, spaces collapsed."""
    text = html.unescape(_TAG_RE.sub(" ", markup[:MAX_BODY_CHARS]))
    return _SPACE_RE.sub(" ", text).strip()


def fragments(text: str, hit: Hit) -> list[str]:
    """Up to MAX_FRAGMENTS passages around matched words, in text order, marked."""
    words = list(_WORD_RE.finditer(text))
    found: list[str] = []
    covered = -1  # the last word index a fragment already shows
    for index, word in enumerate(words):
        if len(found) == MAX_FRAGMENTS:
            break
        if index <= covered or not hit(word.group().lower()):
            continue
        # A passage starts after the one before it ends: no word is shown twice.
        first, last = max(covered + 1, index - WINDOW), min(len(words) - 1, index + WINDOW)
        start = words[first].start() if first else 0
        end = words[last].end() if last < len(words) - 1 else len(text)
        if end - start > MAX_FRAGMENT_CHARS:
            start = max(start, word.start() - MAX_FRAGMENT_CHARS // 2)
            end = min(end, start + MAX_FRAGMENT_CHARS)
        found.append(
            (ELLIPSIS if start else "")
            + marked(text[start:end], hit)
            + (ELLIPSIS if end < len(text) else "")
        )
        covered = last
    return found


@dataclass(frozen=True)
class Highlights:
    """One post's highlighted title and teaser (whole) and body fragments."""

    title: str
    teaser: str
    body: list[str]


def highlight(hit: Hit, title: str, teaser: str, markup: str) -> Highlights:
    """One post's highlights, `hit` being the query's `matcher`."""
    return Highlights(marked(title, hit), marked(teaser, hit), fragments(plain_text(markup), hit))
