"""Synthetic Danish prose: titles, teasers and Markdown bodies with their HTML beside them.

Rendering a million bodies with `graph.content.render_markdown` would take longer than the
rest of the generation together, so the HTML is written alongside the Markdown from the same
blocks, in exactly the form `render_markdown` gives (a test holds the two together).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from functools import cache

from benchmarks import words
from graph.danish import slugify

LINK_BASE = "https://www.denoffentlige.dk/"
ZIPF_EXPONENT = 1.05
RARE_WORD_SHARE = 0.3


@dataclass(frozen=True)
class Body:
    """A post body as Markdown, its HTML, and the rare word in it (if any)."""

    markdown: str
    html: str
    rare_word: str | None


@cache
def _cumulative_weights() -> tuple[float, ...]:
    return tuple(
        itertools.accumulate(
            1.0 / rank**ZIPF_EXPONENT for rank in range(1, len(words.vocabulary()) + 1)
        )
    )


class Writer:
    """Writes text from one seeded random stream: the same seed gives the same text."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.vocabulary = words.vocabulary()
        self.weights = _cumulative_weights()

    def words(self, count: int) -> list[str]:
        """`count` words drawn by rank (Zipf)."""
        return self.rng.choices(self.vocabulary, cum_weights=self.weights, k=count)

    def phrase(self, low: int, high: int) -> str:
        """A capitalised run of words without a full stop (titles, headings, list items)."""
        text = " ".join(self.words(self.rng.randint(low, high)))
        return text[0].upper() + text[1:]

    def sentence(self, low: int = 6, high: int = 16) -> str:
        """One sentence, capitalised and ending in a full stop, sometimes with a comma."""
        chosen = self.words(self.rng.randint(low, high))
        if len(chosen) > 8 and self.rng.random() < 0.4:
            chosen[len(chosen) // 2] += ","
        text = " ".join(chosen)
        return text[0].upper() + text[1:] + "."

    def title(self) -> str:
        """A headline, sometimes in the `Subject: claim` form the demo relay uses."""
        if self.rng.random() < 0.3:
            return f"{self.phrase(1, 3)}: {self.phrase(3, 7)}"
        return self.phrase(4, 9)

    def teaser(self) -> str:
        """One or two sentences of plain text."""
        return " ".join(self.sentence(10, 22) for _ in range(self.rng.randint(1, 2)))

    def rare_word(self) -> str:
        """A three-part compound: most occur in one post or none."""
        stems = words.COMPOUND_STEMS
        first, second = self.rng.choice(stems), self.rng.choice(stems)
        return words.rare_compound(first, second, self.rng.choice(words.COMPOUND_HEADS))

    def body(self) -> Body:
        """Three to six paragraphs, perhaps a heading, a list, bold words and a link."""
        blocks = [self._paragraph() for _ in range(self.rng.randint(3, 6))]
        rare = self.rare_word() if self.rng.random() < RARE_WORD_SHARE else None
        if rare is not None:
            blocks[-1] = _append(blocks[-1], f"Det gælder også {rare}.")
        if self.rng.random() < 0.3:
            heading = self.phrase(3, 6)
            blocks.insert(2, (f"## {heading}", f"<h2>{heading}</h2>"))
        if self.rng.random() < 0.2:
            blocks.insert(len(blocks) - 1, self._list())
        markdown = "\n\n".join(block[0] for block in blocks) + "\n"
        html = "\n".join(block[1] for block in blocks) + "\n"
        return Body(markdown, html, rare)

    def _paragraph(self) -> tuple[str, str]:
        sentences = [self.sentence() for _ in range(self.rng.randint(2, 5))]
        markdown, html = " ".join(sentences), " ".join(sentences)
        roll = self.rng.random()
        if roll < 0.15:
            emphasis = " ".join(self.words(2))
            markdown += f" Det handler om **{emphasis}**."
            html += f" Det handler om <strong>{emphasis}</strong>."
        elif roll < 0.25:
            label = " ".join(self.words(3))
            url = LINK_BASE + (slugify(label) or "stafet")
            markdown += f" Læs mere om [{label}]({url})."
            html += f' Læs mere om <a href="{url}" rel="noopener noreferrer">{label}</a>.'
        return markdown, f"<p>{html}</p>"

    def _list(self) -> tuple[str, str]:
        items = [self.phrase(3, 8) for _ in range(self.rng.randint(3, 5))]
        markdown = "\n".join(f"- {item}" for item in items)
        html = "<ul>\n" + "".join(f"<li>{item}</li>\n" for item in items) + "</ul>"
        return markdown, html


def _append(block: tuple[str, str], sentence: str) -> tuple[str, str]:
    """A paragraph with one more sentence (a list or heading stays as it is)."""
    markdown, html = block
    if not html.startswith("<p>"):
        return block
    return f"{markdown} {sentence}", f"{html[: -len('</p>')]} {sentence}</p>"
