"""Pure helpers for Danish text: slugs, collation-proof sort keys and search stems."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import snowballstemmer  # type: ignore[import-untyped]

SLUG_MAX_LENGTH = 200
SORT_KEY_MAX_LENGTH = 200

_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NOT_SLUG_CHARS_RE = re.compile(r"[^a-z0-9]+")
_DANISH_TO_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})

# Codes are fixed-width so that comparing keys as strings compares them code by code,
# and ASCII digits order the same under every collation (barring ICU "numeric" ones).
_SORT_SEPARATOR = "00"
_SORT_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzæøå"
_SORT_CODES = {char: f"{index + 1:02d}" for index, char in enumerate(_SORT_ALPHABET)}
# Retskrivningsordbogen files foreign umlauts under the Danish letters they sound like.
_SORT_FOLDS = str.maketrans({"ä": "æ", "ö": "ø", "ü": "y"})

# Snowball's Danish stop words, the list PostgreSQL's "danish" text-search config uses.
# Kept as prose: 94 quoted strings would be far harder to check against the original list.
DANISH_STOP_WORDS = frozenset(
    """
    og i jeg det at en den til er som på de med han af for ikke der var mig sig men et
    har om vi min havde ham hun nu over da fra du ud sin dem os op man hans hvor eller
    hvad skal selv her alle vil blev kunne ind når være dog noget ville jo deres efter
    ned skulle denne end dette mit også under have dig anden hende mine alt meget sit
    sine vor mod disse hvis din nogle hos blive mange ad bliver hendes været thi jer sådan
    """.split()  # noqa: SIM905
)

_WORD_RE = re.compile(r"[^\W_]+")
# Snowball stemmers keep state between calls, so one shared instance is not thread-safe;
# that is fine because the whole service runs on a single asyncio thread.
_STEMMER: Any = snowballstemmer.stemmer("danish")


def slugify(text: str, max_length: int = 80) -> str:
    """Turn Danish text into a lowercase ASCII, hyphen-separated URL slug."""
    if max_length < 1:
        raise ValueError("max_length must be at least 1")
    slug = _NOT_SLUG_CHARS_RE.sub("-", _fold_to_ascii(text)).strip("-")
    return _truncate_slug(slug, max_length)


def _fold_to_ascii(text: str) -> str:
    """Lowercase text, spell æ/ø/å out and strip accents from other letters."""
    # æøå go first: NFKD would otherwise reduce "å" to a bare "a".
    lowered = unicodedata.normalize("NFC", text).casefold().translate(_DANISH_TO_ASCII)
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    # A second pass catches letters such as "ǿ" that only reveal an "ø" once decomposed.
    return stripped.translate(_DANISH_TO_ASCII)


def _truncate_slug(slug: str, max_length: int) -> str:
    """Shorten a slug to max_length, cutting between words when it can."""
    if len(slug) <= max_length:
        return slug
    cut = slug.rfind("-", 0, max_length + 1)
    if cut > 0:
        return slug[:cut]
    # A single word longer than the limit leaves no choice but to cut it.
    return slug[:max_length].rstrip("-")


def is_valid_slug(slug: str) -> bool:
    """Tell whether slug is lowercase ASCII words joined by single hyphens."""
    return len(slug) <= SLUG_MAX_LENGTH and _SLUG_RE.fullmatch(slug) is not None


def sort_key(name: str) -> str:
    """Return an all-digit key that orders names the Danish way under any collation."""
    codes: list[str] = []
    for char in unicodedata.normalize("NFC", name).casefold().translate(_SORT_FOLDS):
        codes.extend(_sort_codes(char))
    key = "".join(_collapse_separators(codes))
    return key[:SORT_KEY_MAX_LENGTH]


def _sort_codes(char: str) -> list[str]:
    """Encode one character as zero or more two-digit sort codes."""
    # "aa" is deliberately left as a+a: in names like "Graatang" it is not an "å".
    if char in _SORT_CODES:
        return [_SORT_CODES[char]]
    if unicodedata.combining(char):
        return []
    decomposed = unicodedata.normalize("NFKD", char)
    if decomposed == char:
        return [_SORT_SEPARATOR]
    return [code for part in decomposed for code in _sort_codes(part)]


def _collapse_separators(codes: list[str]) -> list[str]:
    """Merge runs of separators and drop them at either end."""
    collapsed: list[str] = []
    for code in codes:
        if code == _SORT_SEPARATOR and (not collapsed or collapsed[-1] == _SORT_SEPARATOR):
            continue
        collapsed.append(code)
    if collapsed and collapsed[-1] == _SORT_SEPARATOR:
        collapsed.pop()
    return collapsed


def stems(text: str) -> list[str]:
    """Split Danish text into stemmed search terms, leaving out stop words."""
    words = _WORD_RE.findall(unicodedata.normalize("NFC", text).lower())
    return [stem_word(word) for word in words if word not in DANISH_STOP_WORDS]


def stem_word(word: str) -> str:
    """Stem one lowercase Danish word."""
    stemmed: str = _STEMMER.stemWord(word)
    return stemmed
