"""Body passages of a hit: cut around matched words."""

from __future__ import annotations

from graph.search.highlight import fragments, matcher
from graph.search.syntax import parse


def test_body_passages_never_repeat_a_word() -> None:
    text = " ".join(f"ord{n} tillid" if n % 5 == 0 else f"ord{n}" for n in range(60))
    passages = fragments(text, matcher(parse("tillid")))
    assert len(passages) == 3
    shown = [word for passage in passages for word in passage.strip("…").split()]
    numbered = [word for word in shown if word.startswith("ord")]
    assert len(numbered) == len(set(numbered))
