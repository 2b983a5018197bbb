"""What a reader types into the search box, as a query both backends can run.

Web-search style, and never an error: `"exact phrase"`, `-exclude`, `a or b`, and a trailing
`*` for a prefix (`tillids*` finds *tillidsreformen*). Words are Danish Snowball stems, the
ones PostgreSQL's `danish` configuration and SQLite's search table hold; stop words are left
out (in a phrase they keep their place, as PostgreSQL counts them). Anything else odd (a lone
quote, `-` or `*`, operator characters) is read as a word break.

    ledelse "tillid og reform" -corona kommune or region tillids*

    Query(clauses=[[ledels], [tillid <2> reform], [kommun, region], [tillid*]],
          excluded=[corona])

`or` binds the words on either side of it, as in web search engines: `a b or c` is
a AND (b OR c).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from graph.danish import DANISH_STOP_WORDS, stem_word

# A prefix shorter than this would match most of the vocabulary: it is read as a word.
MIN_PREFIX = 2
OR_WORDS = frozenset({"or", "OR", "Or", "oR", "|"})

_WORD_RE = re.compile(r"[^\W_]+")
# A quoted phrase (the closing quote may be missing), or a run of anything but space.
_TOKEN_RE = re.compile(r'(-?)"([^"]*)"?(\*?)|(\S+)')


@dataclass(frozen=True, slots=True)
class Lexeme:
    """One stem of a term; `gap` is how many words after the previous stem it stands."""

    stem: str
    gap: int = 1


@dataclass(frozen=True, slots=True)
class Term:
    """A word or a phrase (its stems in order); `prefix` marks the last stem as a prefix."""

    lexemes: tuple[Lexeme, ...]
    prefix: bool = False

    @property
    def stems(self) -> tuple[str, ...]:
        return tuple(lexeme.stem for lexeme in self.lexemes)


# One required part of a query: any of its terms may match.
Clause = tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class Query:
    """Every clause must match and no excluded term may."""

    clauses: tuple[Clause, ...]
    excluded: tuple[Term, ...] = ()
    # The plain words as one phrase, when the query is only plain words: ranks a post that
    # holds them side by side above one where they are scattered.
    phrase: Term | None = None

    @property
    def matches_nothing(self) -> bool:
        """A query without a required word (stop words only, only exclusions) finds nothing."""
        return not self.clauses

    def positive_terms(self) -> list[Term]:
        """Every term that can make a post match, for highlighting."""
        return [term for clause in self.clauses for term in clause]


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    phrase: bool = False
    excluded: bool = False
    prefix: bool = False


def parse(text: str) -> Query:
    """The query a search text means; odd input gives a query, never an error."""
    text = unicodedata.normalize("NFC", text.replace("\x00", " "))
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    joining = False  # the previous token was `or`, after a required term
    for token in _tokens(text):
        if not token.phrase and token.text in OR_WORDS:
            joining = bool(clauses)
            continue
        term = _term(token)
        if term is None:
            continue
        if token.excluded:
            excluded.append(term)
            joining = False
        elif joining:
            clauses[-1].append(term)
            joining = False
        else:
            clauses.append([term])
    return Query(
        tuple(tuple(dict.fromkeys(clause)) for clause in clauses),
        tuple(dict.fromkeys(excluded)),
        _phrase(text, clauses),
    )


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        minus, quoted, star, bare = match.groups()
        if bare is None:
            tokens.append(_Token(quoted, phrase=True, excluded=bool(minus), prefix=bool(star)))
            continue
        excluded = bare.startswith("-") and len(bare) > 1
        word = bare[1:] if excluded else bare
        prefix = word.endswith("*")
        tokens.append(_Token(word.rstrip("*"), excluded=excluded, prefix=prefix))
    return tokens


def _term(token: _Token) -> Term | None:
    """The token's stems; None when it holds no word that search keeps."""
    words = _WORD_RE.findall(token.text.lower())
    prefix = token.prefix and bool(words) and len(words[-1]) >= MIN_PREFIX
    lexemes: list[Lexeme] = []
    gap = 1
    for index, word in enumerate(words):
        last = index == len(words) - 1
        if prefix and last:
            # A stop word typed so far (`for*`) still starts longer words (`forvaltning`).
            stem = word if word in DANISH_STOP_WORDS else stem_word(word)
        elif word in DANISH_STOP_WORDS:
            gap += 1 if lexemes else 0
            continue
        else:
            stem = stem_word(word)
        lexemes.append(Lexeme(stem, gap))
        gap = 1
    if not lexemes:
        return None
    return Term(tuple(lexemes), prefix=prefix)


def _phrase(text: str, clauses: list[list[Term]]) -> Term | None:
    """All the query's words side by side, if it is two or more plain words and nothing else."""
    plain = all(
        len(clause) == 1 and len(clause[0].lexemes) == 1 and not clause[0].prefix
        for clause in clauses
    )
    if len(clauses) < 2 or not plain or any(char in text for char in '"-*|'):
        return None
    if any(word in OR_WORDS for word in text.split()):
        return None
    term = _term(_Token(text))
    return term if term is not None and len(term.lexemes) == len(clauses) else None
