"""A parsed search query in each backend's own language: a tsquery, or an FTS5 MATCH text.

Both are built from the same stems, so both backends match the same posts:

    ledelse "tillid og reform" -corona kommune or region tillids*

    tsquery  'ledels' & ('tillid' <2> 'reform') & ('kommun' | 'region') & 'tillid':*
             & !'corona'
    FTS5     "ledels" AND "tillid reform" AND ("kommun" OR "region") AND "tillid" *
             NOT "corona"

The tsquery is written as a literal into the SQL text rather than sent as a parameter:
PostgreSQL then plans each search for its own words (a common word walks the newest-first
index, a rare one the GIN index), where a prepared statement's generic plan would guess.
Stems are letters and digits only (see `graph.search.syntax`), so the literal needs no more
quoting than its quotes.
"""

from __future__ import annotations

import re

from graph.search.syntax import Query, Term

_STEM_RE = re.compile(r"[^\W_]+")


def _stem(stem: str) -> str:
    # Never reached with anything else; a guard because this text becomes SQL.
    if not _STEM_RE.fullmatch(stem):
        raise ValueError(f"not a stem: {stem!r}")
    return stem


def ts_term(term: Term) -> str:
    """One term (a word, a phrase, a prefix) as tsquery text."""
    parts = []
    for index, lexeme in enumerate(term.lexemes):
        if index:
            parts.append("<->" if lexeme.gap == 1 else f"<{lexeme.gap}>")
        parts.append(f"'{_stem(lexeme.stem)}'")
    if term.prefix:
        parts[-1] += ":*"
    text = " ".join(parts)
    return f"({text})" if len(term.lexemes) > 1 else text


def _ts_clause(clause: tuple[Term, ...]) -> str:
    text = " | ".join(ts_term(term) for term in clause)
    return f"({text})" if len(clause) > 1 else text


def tsquery(query: Query, positive_only: bool = False) -> str:
    """The query as tsquery text; `positive_only` leaves out the exclusions."""
    parts = [_ts_clause(clause) for clause in query.clauses]
    if not positive_only:
        parts += [f"!{ts_term(term)}" for term in query.excluded]
    return " & ".join(parts)


def ts_literal(text: str) -> str:
    """tsquery text as an SQL literal."""
    return "'" + text.replace("'", "''") + "'::tsquery"


def _fts_term(term: Term) -> str:
    text = '"' + " ".join(_stem(stem) for stem in term.stems) + '"'
    return f"{text} *" if term.prefix else text


def _fts_clause(clause: tuple[Term, ...]) -> str:
    text = " OR ".join(_fts_term(term) for term in clause)
    return f"({text})" if len(clause) > 1 else text


def fts5(query: Query, positive_only: bool = False, column: str | None = None) -> str:
    """The query as an FTS5 MATCH text, over every column or only `column`."""
    text = " AND ".join(_fts_clause(clause) for clause in query.clauses)
    if column is not None:
        text = f"{{{column}}} : ({text})"
    if not positive_only:
        text = f"({text})" + "".join(f" NOT {_fts_term(term)}" for term in query.excluded)
    return text


def fts5_term(term: Term, column: str | None = None) -> str:
    """One term (the phrase boost) as an FTS5 MATCH text."""
    text = _fts_term(term)
    return text if column is None else f"{{{column}}} : ({text})"
