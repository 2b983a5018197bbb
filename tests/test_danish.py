"""Tests for the Danish slug, sort-key and stemming helpers."""

import re

import pytest

from graph.danish import is_valid_slug, slugify, sort_key, stems

# Spelled out so the content dash is not mistaken for a hyphen (ruff RUF001).
EN_DASH = "\u2013"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Træd ind i minefeltet", "traed-ind-i-minefeltet"),
        ("Mødrehjælpen", "moedrehjaelpen"),
        (
            f"SFI {EN_DASH} Det Nationale Forskningscenter for Velfærd",
            "sfi-det-nationale-forskningscenter-for-velfaerd",
        ),
        ("Gør vi det, vi siger, vi gør?", "goer-vi-det-vi-siger-vi-goer"),
        ("Søren Thorup", "soeren-thorup"),
        ("ÆBLE ØL ÅEN", "aeble-oel-aaen"),
    ],
)
def test_slugify_spells_out_danish_letters(text: str, expected: str) -> None:
    assert slugify(text) == expected


def test_slugify_folds_other_accents_to_ascii() -> None:
    assert slugify("Café Müller") == "cafe-muller"


def test_slugify_trims_punctuation_at_both_ends() -> None:
    assert slugify(f" {EN_DASH} “Hvad nu?” {EN_DASH} ") == "hvad-nu"


def test_slugify_returns_empty_string_when_nothing_is_usable() -> None:
    assert slugify(f"{EN_DASH} ?! {EN_DASH}") == ""


def test_slugify_cuts_long_text_between_words() -> None:
    assert slugify("Tillid bor i New Public Management", max_length=20) == "tillid-bor-i-new"


def test_slugify_keeps_a_word_that_ends_exactly_at_the_limit() -> None:
    assert slugify("Tillid bor i New Public Management", max_length=16) == "tillid-bor-i-new"


def test_slugify_cuts_a_single_overlong_word_when_it_must() -> None:
    assert slugify("Implementeringssekretariat", max_length=10) == "implemente"


def test_slugify_output_is_a_valid_slug() -> None:
    assert is_valid_slug(
        slugify(f"Brug borgerne. For bedre løsninger {EN_DASH} og et styrket lokaldemokrati")
    )


@pytest.mark.parametrize("slug", ["soeren-thorup", "2015", "a", "x" * 200])
def test_is_valid_slug_accepts_well_formed_slugs(slug: str) -> None:
    assert is_valid_slug(slug)


@pytest.mark.parametrize(
    "slug",
    ["", "Soeren", "søren", "soeren--thorup", "-soeren", "soeren-", "soeren thorup", "a\n"],
)
def test_is_valid_slug_rejects_malformed_slugs(slug: str) -> None:
    assert not is_valid_slug(slug)


def test_is_valid_slug_rejects_slugs_over_200_characters() -> None:
    assert not is_valid_slug("x" * 201)


def test_sort_key_puts_danish_letters_after_z() -> None:
    names = ["Åse", "Øster", "Ærø", "Zacho", "Aagaard"]
    assert sorted(names, key=sort_key) == ["Aagaard", "Zacho", "Ærø", "Øster", "Åse"]


def test_sort_key_does_not_read_aa_as_aa_ring() -> None:
    assert sorted(["Gram", "Graatang"], key=sort_key) == ["Graatang", "Gram"]


def test_sort_key_ignores_case() -> None:
    assert sort_key("SØREN THORUP") == sort_key("søren thorup")


def test_sort_key_sorts_accented_e_as_e() -> None:
    assert sort_key("Émile") == sort_key("emile")


def test_sort_key_sorts_u_umlaut_as_y() -> None:
    assert sort_key("Müller") == sort_key("Myller")


def test_sort_key_puts_digits_before_letters() -> None:
    assert sorted(["Aarhus", "3F"], key=sort_key) == ["3F", "Aarhus"]


def test_sort_key_orders_name_by_name() -> None:
    assert sorted(["Anna", "Ann Berg"], key=sort_key) == ["Ann Berg", "Anna"]


def test_sort_key_treats_punctuation_runs_as_one_separator() -> None:
    assert sort_key(f"  Møller {EN_DASH} Hansen, ") == sort_key("møller hansen")


def test_sort_key_is_ascii_digits_in_two_digit_codes() -> None:
    key = sort_key("Lederskabs-stafetten: Ø og å!")
    assert re.fullmatch(r"(?:[0-9]{2})+", key)


def test_sort_key_is_at_most_200_characters() -> None:
    assert len(sort_key("Implementeringssekretariat " * 20)) == 200


def test_sort_key_of_nothing_usable_is_empty() -> None:
    assert sort_key(f" {EN_DASH} ") == ""


def test_stems_match_across_inflections() -> None:
    assert stems("børnesager") == stems("børnesag")


def test_stems_strip_the_definite_article() -> None:
    assert stems("tillidsreformen") == stems("tillidsreform")


def test_stems_keep_danish_letters() -> None:
    [stem] = stems("Mødrehjælpen")
    assert "ø" in stem
    assert "æ" in stem


def test_stems_drop_stop_words() -> None:
    assert stems("og i det") == []


def test_stems_split_on_punctuation_and_keep_digits() -> None:
    assert stems("Lederskabs-stafetten, 2015!") == [
        *stems("lederskabs"),
        *stems("stafetten"),
        "2015",
    ]


def test_stems_drop_stop_words_spelled_with_danish_letters() -> None:
    assert stems("Sådan har det også været, når vi skulle være der") == []
