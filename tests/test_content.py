"""Post bodies render to HTML that cannot run script in a reader's browser."""

from __future__ import annotations

import pytest

from graph.content import render_markdown

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
