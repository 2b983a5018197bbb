"""The search box's syntax: what each kind of input means, and that none is an error."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from graph.search import compile
from graph.search.syntax import Lexeme, Term, parse


def _word(stem: str, prefix: bool = False) -> Term:
    return Term((Lexeme(stem),), prefix)


def test_plain_words_are_all_required_and_make_the_phrase_boost() -> None:
    query = parse("ledelse kommune")
    assert query.clauses == ((_word("led"),), (_word("kommun"),))
    assert query.phrase == Term((Lexeme("led"), Lexeme("kommun")))


def test_a_quoted_phrase_keeps_the_place_of_its_stop_words() -> None:
    (clause,) = parse('"tillid og reform"').clauses
    assert clause == (Term((Lexeme("tillid"), Lexeme("reform", gap=2))),)
    assert compile.tsquery(parse('"tillid og reform"')) == "('tillid' <2> 'reform')"
    assert compile.fts5(parse('"tillid og reform"')) == '("tillid reform")'


def test_an_unclosed_quote_runs_to_the_end() -> None:
    assert parse('ledelse "tillid reform').clauses[1] == (
        Term((Lexeme("tillid"), Lexeme("reform"))),
    )


def test_minus_excludes_and_or_joins_its_neighbours() -> None:
    query = parse("ledelse kommune or region -corona")
    assert query.clauses == ((_word("led"),), (_word("kommun"), _word("region")))
    assert query.excluded == (_word("corona"),)
    assert query.phrase is None
    assert compile.tsquery(query) == "'led' & ('kommun' | 'region') & !'corona'"
    assert compile.fts5(query) == '("led" AND ("kommun" OR "region")) NOT "corona"'


def test_a_trailing_star_is_a_prefix_and_a_stop_word_prefix_is_kept() -> None:
    assert parse("tillids*").clauses == ((_word("tillid", prefix=True),),)
    assert parse("for*").clauses == ((_word("for", prefix=True),),)
    assert compile.tsquery(parse("tillids*")) == "'tillid':*"
    assert compile.fts5(parse("tillids*")) == '("tillid" *)'


def test_a_one_letter_prefix_is_a_word() -> None:
    assert parse("x*").clauses == ((_word("x"),),)


def test_stop_words_only_or_exclusions_only_match_nothing() -> None:
    assert parse("og i at").matches_nothing
    assert parse("-ledelse").matches_nothing
    assert parse('"" * - or').matches_nothing


def test_danish_letters_and_compound_words_stem_as_stored() -> None:
    assert parse("Børnesager").clauses == ((_word("børnesag"),),)
    # A hyphenated word is its parts side by side, as PostgreSQL's parser stores it.
    assert parse("covid-19").clauses == ((Term((Lexeme("covid"), Lexeme("19"))),),)


def test_operator_characters_are_word_breaks() -> None:
    query = parse("tillidsreformen & | ! <-> :* (x) {y} ^z NEAR(a")
    stems = {term.stems for clause in query.clauses for term in clause}
    assert ("tillidsreform",) in stems
    assert all(re.fullmatch(r"[^\W_]+", stem) for words in stems for stem in words)


@given(st.text(max_size=200))
def test_no_input_breaks_the_parser_or_the_compilers(text: str) -> None:
    query = parse(text)
    if query.matches_nothing:
        return
    # Both compiled forms use only stems, operators and quotes: nothing to inject.
    assert re.fullmatch(r"[\w'&|!()<>:* -]+", compile.tsquery(query))
    assert re.fullmatch(
        r'[\w"(){}: *]+',
        compile.fts5(query).replace("AND", "").replace("OR", "").replace("NOT", ""),
    )
