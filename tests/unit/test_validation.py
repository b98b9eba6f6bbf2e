"""The shared validators: ids, numbers, pages, control characters and slugs, with hostile input."""

from __future__ import annotations

import pytest

from lms_reflex.services.validation import (
    MAX_ID,
    MAX_PAGE,
    first_free_slug,
    has_control_chars,
    is_whole_number,
    make_slug,
    parse_id,
    parse_number,
    parse_page,
    valid_id,
)

HOSTILE_TEXT = [
    "",
    " 1",
    "1 ",
    "+1",
    "-1",
    "1e3",
    "1_000",
    "0x10",
    "1.0",
    "١٢",  # Arabic-Indic digits: str.isdigit() and int() accept them
    "²",  # superscript two: isdigit() is True but int() raises
    "①",
    "\uff11\uff12",  # full-width digits
    "9" * 19,
    "12\n",
]


@pytest.mark.parametrize("raw", HOSTILE_TEXT)
def test_hostile_text_is_no_id_and_no_number(raw: str) -> None:
    assert parse_id(raw) == 0
    assert parse_number(raw) is None
    assert parse_page(raw) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("7", 7), ("0007", 7), (7, 7), (str(MAX_ID), MAX_ID), (MAX_ID, MAX_ID)],
)
def test_plain_positive_numbers_are_ids(raw: object, expected: int) -> None:
    assert parse_id(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [None, True, False, 0, "0", -5, 2.0, float("nan"), [1], {"id": 1}, b"1", MAX_ID + 1,
     str(MAX_ID + 1), "9" * 18],
)  # fmt: skip
def test_other_values_are_no_id(raw: object) -> None:
    """Past MAX_ID a PostgreSQL INTEGER column raises instead of missing, so it is no id."""
    assert parse_id(raw) == 0


def test_numbers_past_an_id_still_parse() -> None:
    assert parse_number("9" * 18) == int("9" * 18)


@pytest.mark.parametrize(
    ("raw", "ok"),
    [(1, True), (MAX_ID, True), (0, False), (-1, False), (MAX_ID + 1, False), (2**200, False),
     (True, False), ("1", False), (1.0, False), (None, False)],
)  # fmt: skip
def test_services_look_up_only_real_positive_ints(raw: object, ok: bool) -> None:
    assert valid_id(raw) is ok


def test_whole_numbers_are_real_ints_of_any_sign() -> None:
    assert is_whole_number(0) and is_whole_number(-3)
    assert not any(is_whole_number(v) for v in (True, 1.0, "1", None))


def test_parse_number_keeps_zero_and_honours_the_digit_cap() -> None:
    assert parse_number("0") == 0
    assert parse_number("12345", max_digits=4) is None
    assert parse_number(None) is None
    assert parse_number(-1) is None


@pytest.mark.parametrize(("raw", "page"), [("3", 3), (3, 3), ("0", 1), ("5000", MAX_PAGE)])
def test_pages_are_clamped(raw: object, page: int) -> None:
    assert parse_page(raw) == page


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\r", "\x7f"])
def test_control_characters_are_found(char: str) -> None:
    assert has_control_chars(f"a{char}b")
    assert has_control_chars(f"a{char}b", multiline=True)


def test_tab_and_newline_are_allowed_only_in_multiline_text() -> None:
    assert has_control_chars("a\tb") and has_control_chars("a\nb")
    assert not has_control_chars("a\tb\nc", multiline=True)
    assert not has_control_chars("Zoë 名前 ✓")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Intro to Python!", "intro-to-python"),
        ("  Crème brûlée 101 ", "creme-brulee-101"),
        ("日本語", "course"),
        ("---", "course"),
        ("<script>alert(1)</script>", "script-alert-1-script"),
    ],
)
def test_slugs_are_ascii_lower_case_and_dashed(text: str, slug: str) -> None:
    assert make_slug(text, fallback="course", max_len=40) == slug


def test_a_cut_slug_does_not_end_in_a_dash() -> None:
    assert make_slug("a" * 9 + " b", fallback="x", max_len=10) == "aaaaaaaaa"


def test_a_taken_slug_gets_the_next_free_number() -> None:
    assert first_free_slug("python", set()) == "python"
    assert first_free_slug("python", {"python"}) == "python-2"
    assert first_free_slug("python", {"python", "python-2", "python-3"}) == "python-4"
