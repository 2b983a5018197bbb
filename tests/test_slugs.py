"""New posts get a site-wide unique slug from their title."""

from __future__ import annotations

from graph.slugs import unique_post_slug


async def test_a_free_slug_is_the_title_transliterated(database: str) -> None:
    assert await unique_post_slug("Træd ud af minefeltet") == "traed-ud-af-minefeltet"


async def test_a_taken_slug_gets_the_next_number(database: str) -> None:
    # The demo relay already has "traed-ind-i-minefeltet-offentlige-ledere".
    assert await unique_post_slug("Træd ind i minefeltet, offentlige ledere") == (
        "traed-ind-i-minefeltet-offentlige-ledere-2"
    )


async def test_a_title_without_letters_still_gets_a_slug(database: str) -> None:
    assert await unique_post_slug("?!") == "indlaeg"
