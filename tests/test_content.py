"""Post bodies render to HTML that cannot run script in a reader's browser, and whose size
is bounded before it is rendered."""

from __future__ import annotations

import pytest

from graph.content import (
    TEXT_BYTES_PER_CHAR,
    HTMLTooLarge,
    html_bytes,
    max_html_bytes,
    render_markdown,
    word_count,
)

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "[klik](javascript:alert(1))",
    '<a href="javascript:alert(1)">klik</a>',
    '<a href="JaVaScRiPt:alert(1)">klik</a>',
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<body onload=alert(1)>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_vectors_do_not_survive(payload: str) -> None:
    html = render_markdown(f"Hej\n\n{payload}\n").lower()
    assert "<script" not in html
    # As visible text "javascript:" is harmless; in an attribute it would run.
    assert '="javascript:' not in html and "url(javascript:" not in html
    assert "onerror" not in html and "onload" not in html
    assert "<iframe" not in html and 'href="data:' not in html and "style=" not in html


def test_markdown_renders_with_danish_letters() -> None:
    assert render_markdown("**Træd** ind i _minefeltet_, [læs](https://denoffentlige.dk)") == (
        "<p><strong>Træd</strong> ind i <em>minefeltet</em>, "
        '<a href="https://denoffentlige.dk" rel="noopener noreferrer">læs</a></p>\n'
    )


def test_a_reference_link_bomb_is_refused_before_it_is_rendered() -> None:
    # 100 KB of Markdown: one 20 KB link target used 20,000 times renders to 400 MB.
    target = "https://example.dk/" + "a" * 20_000
    body = f"[x]: {target}\n\n" + "[x] " * 20_000
    with pytest.raises(HTMLTooLarge) as refused:
        render_markdown(body, max_html_bytes(100_000))
    assert "more than 400" in str(refused.value)  # what the tokens write, not rendered


def test_html_is_bounded_as_json_and_as_a_feed_escapes_it() -> None:
    assert html_bytes('"æ"') == len('\\"æ\\"'.encode())  # JSON: quotes escaped, wider
    assert html_bytes("<p>a & b</p>") == len("&lt;p&gt;a &amp; b&lt;/p&gt;")  # XML: wider
    assert max_html_bytes(100_000) == TEXT_BYTES_PER_CHAR * 100_000


def test_html_within_the_bound_renders_and_one_byte_more_is_refused() -> None:
    html = render_markdown("æ" * 100)
    limit = html_bytes(html)
    assert render_markdown("æ" * 100, limit) == html
    with pytest.raises(HTMLTooLarge, match=f"renders to {limit + 2} bytes"):
        render_markdown("æ" * 101, limit)


# A Danish post with 21 words a reader sees: a heading (3), a sentence whose lone dash is no
# word (11), and a list (3 + 4); the link's address is markup, not text.
DANISH_21_WORDS = """# Velfærd i kommunerne

Når **borgerne** møder kommunen, handler det om tillid \N{EN DASH} og om tid.

- Ældreplejen får 2026-budgettet
- Skolerne får [nye lærere](https://example.org/laerere)
"""


def test_word_count_counts_the_words_a_reader_sees() -> None:
    assert word_count(render_markdown(DANISH_21_WORDS)) == 21


def test_word_count_of_an_empty_post_is_zero() -> None:
    assert word_count(render_markdown("")) == 0
    assert word_count(render_markdown("<b></b> \N{EN DASH} \N{HORIZONTAL ELLIPSIS}")) == 0
