"""Tests for the relay listing-page parser, on the real seed page and small made-up pages."""

import datetime
from pathlib import Path

import pytest

import graph.demo
from graph.demo.listing import Listing, ListingError, parse_listing

SEED_PAGE = Path(graph.demo.__file__).parent / "data" / "lederskabs-stafetten.txt"

NBSP = "\u00a0"
# Spelled out so the content dash is not mistaken for a hyphen (ruff RUF001).
EN_DASH = "\u2013"

SMALL_PAGE = f"""Testafetten

Testafetten

Første afsnit af intro.{NBSP}
Samme afsnit.

{NBSP}

Andet afsnit.

Blogs

 •{NBSP}Velfærd {EN_DASH} før og nu
  13.05.15 Ledelse

  En teaser med ”citat” og en{NBSP}no-break space.

 • Politi med blød hat
  14.05.13 Velfærd

  Første linje
  og anden linje.

TILMELD NYHEDSBREV"""


@pytest.fixture(scope="module")
def seed() -> Listing:
    return parse_listing(SEED_PAGE.read_text(encoding="utf-8"))


def _error(page: str) -> ListingError:
    with pytest.raises(ListingError) as caught:
        parse_listing(page)
    return caught.value


def test_seed_page_has_25_entries(seed: Listing) -> None:
    assert seed.title == "Lederskabs-stafetten"
    assert len(seed.entries) == 25


def test_seed_page_starts_with_the_newest_entry(seed: Listing) -> None:
    first = seed.entries[0]
    assert first.title == (
        "Esbjerg tog hårdt fat efter flere kritiske børnesager: Nyt paradigme sætter retningen"
    )
    assert first.published_on == datetime.date(2015, 5, 13)
    assert first.category == "Ledelse"
    assert first.line == 15


def test_seed_page_ends_with_the_oldest_entry(seed: Listing) -> None:
    last = seed.entries[-1]
    assert last.title == "Gør vi det, vi siger, vi gør?"
    assert last.published_on == datetime.date(2013, 4, 30)
    assert last.teaser.endswith("at udføre arbejdet på.")


def test_seed_page_categories(seed: Listing) -> None:
    categories = [entry.category for entry in seed.entries]
    assert set(categories) == {"Ledelse", "Politik", "Velfærd"}
    assert categories.count("Politik") == 2


def test_seed_page_intro_is_clean(seed: Listing) -> None:
    assert seed.intro.startswith("Lederskabs-stafetten skal mobilisere")
    assert NBSP not in seed.intro
    assert seed.intro.count("\n\n") == 1


def test_seed_page_keeps_curly_quotes_in_teasers(seed: Listing) -> None:
    [entry] = [e for e in seed.entries if e.title == "Moderniseringsbølger solgt som naturlove"]
    assert "”centralreguleret selvstyring”" in entry.teaser


def test_seed_page_keeps_en_dashes_in_titles(seed: Listing) -> None:
    titles = [entry.title for entry in seed.entries]
    assert f"Brug borgerne. For bedre løsninger {EN_DASH} og et styrket lokaldemokrati" in titles


def test_small_page_intro_drops_title_repeat_and_blank_paragraphs() -> None:
    listing = parse_listing(SMALL_PAGE)
    assert listing.title == "Testafetten"
    assert listing.intro == "Første afsnit af intro. Samme afsnit.\n\nAndet afsnit."


def test_bullet_followed_by_no_break_space() -> None:
    entry = parse_listing(SMALL_PAGE).entries[0]
    assert entry.title == f"Velfærd {EN_DASH} før og nu"
    assert entry.line == 14


def test_teaser_whitespace_is_normalised_and_quotes_kept() -> None:
    entry = parse_listing(SMALL_PAGE).entries[0]
    assert entry.teaser == "En teaser med ”citat” og en no-break space."


def test_teaser_lines_are_joined() -> None:
    entry = parse_listing(SMALL_PAGE).entries[1]
    assert entry.teaser == "Første linje og anden linje."
    assert entry.category == "Velfærd"


def test_end_marker_is_optional() -> None:
    page = SMALL_PAGE.removesuffix("TILMELD NYHEDSBREV")
    assert parse_listing(page) == parse_listing(SMALL_PAGE)


def test_text_after_end_marker_is_ignored() -> None:
    page = SMALL_PAGE + "\n\nOm os\nKontakt"
    assert parse_listing(page) == parse_listing(SMALL_PAGE)


def test_end_marker_glued_to_last_teaser_line() -> None:
    page = SMALL_PAGE.replace("anden linje.\n\nTILMELD", "anden linje.TILMELD")
    assert parse_listing(page).entries[1].teaser == "Første linje og anden linje."


def _page(body: str) -> str:
    """Build a page whose "Blogs" heading is line 5, so that body starts on line 6."""
    return f"Testafetten\n\nIntro.\n\nBlogs\n{body}"


ENTRY = "• Titel\n13.05.15 Ledelse\nTeaser.\n"


@pytest.mark.parametrize(
    ("page", "line", "reason"),
    [
        pytest.param("", 1, "no title", id="empty-page"),
        pytest.param("\n\nBlogs\n" + ENTRY, 3, "no title", id="no-title"),
        pytest.param("Testafetten\n\nIntro.\n", 4, "no 'Blogs' heading", id="no-heading"),
        pytest.param(_page("\n\n"), 5, "no entries", id="no-entries"),
        pytest.param(_page("Løs tekst\n" + ENTRY), 6, "expected an entry bullet", id="stray-text"),
        pytest.param(_page(f"•{NBSP}\n13.05.15 Ledelse\nT.\n"), 6, "no title", id="empty-title"),
        pytest.param(_page("• Titel\n"), 6, "has no date line", id="no-date-line"),
        pytest.param(_page("• Titel\nTeaser.\n"), 7, "DD.MM.YY Category", id="no-date"),
        pytest.param(_page("• Titel\n13.5.15 Ledelse\nT.\n"), 7, "DD.MM.YY", id="bad-format"),
        pytest.param(_page("• Titel\n13.05.15\nT.\n"), 7, "no category", id="no-category"),
        pytest.param(_page("• Titel\n31.02.15 Ledelse\nT.\n"), 7, "31.02.15", id="bad-date"),
        pytest.param(_page("• Titel\n13.05.15 Ledelse\n\n"), 6, "no teaser", id="no-teaser"),
        pytest.param(_page(ENTRY + ENTRY), 9, "first on line 6", id="duplicate-title"),
        pytest.param(
            _page(ENTRY + "• Anden\n13.05.15 Ledelse\n" + ENTRY.replace("Titel", "Tredje")),
            9,
            "'Anden' has no teaser",
            id="error-in-middle-entry",
        ),
    ],
)
def test_malformed_page_names_the_line(page: str, line: int, reason: str) -> None:
    error = _error(page)
    assert error.line == line
    assert reason in error.reason
    assert str(error).startswith(f"line {line}: ")
