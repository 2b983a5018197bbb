"""Body passages of a hit: cut around matched words."""

from __future__ import annotations

from graph.search.highlight import MAX_FRAGMENT_CHARS, fragments, matcher
from graph.search.syntax import parse


def test_body_passages_never_repeat_a_word() -> None:
    text = " ".join(f"ord{n} tillid" if n % 5 == 0 else f"ord{n}" for n in range(60))
    passages = fragments(text, matcher(parse("tillid")))
    assert len(passages) == 3
    shown = [word for passage in passages for word in passage.strip("…").split()]
    numbered = [word for word in shown if word.startswith("ord")]
    assert len(numbered) == len(set(numbered))


def test_a_passage_is_cut_however_long_the_text_between_its_words() -> None:
    # No words to count in a run of punctuation: the passage is still at most 400 characters.
    text = "start " + "!" * 50_000 + " tillid " + "?" * 50_000 + " slut"
    (passage,) = fragments(text, matcher(parse("tillid")))
    assert "<mark>tillid</mark>" in passage
    shown = passage.replace("<mark>", "").replace("</mark>", "").strip("…")
    assert len(shown) <= MAX_FRAGMENT_CHARS
