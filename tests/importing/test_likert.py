"""Likert words → numbers: the fixture files, the label table, scales, speed."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
import pytest
from fixture_manifest import LIKERT_DE_EXPECTED, LIKERT_EN_EXPECTED

from loyalty.importing.likert import label_value, likert_to_numbers
from loyalty.importing.read import read_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.mark.parametrize(
    ("file", "expected"),
    [("likert_de.csv", LIKERT_DE_EXPECTED), ("likert_en.csv", LIKERT_EN_EXPECTED)],
)
def test_fixture_columns_map_exactly(file, expected) -> None:
    frame = read_file(FIXTURES / file, file).frame
    for column, (values, unknown) in expected.items():
        result, labels = likert_to_numbers(frame[column], 1, 5)
        assert result.to_list() == values, column
        assert labels == unknown, column
        assert result.dtype == pl.Int64 and result.name == column


@pytest.mark.parametrize(
    ("label", "value"),
    [
        ("Stimme überhaupt nicht zu", 1),
        ("stimme ueberhaupt nicht zu", 1),
        ("STIMME GAR NICHT ZU", 1),
        ("Stimme nicht zu", 2),
        ("Stimme eher nicht zu", 2),
        ("Teils/teils", 3),
        ("teils, teils", 3),
        ("Teils-teils", 3),
        ("Weder noch", 3),
        ("Stimme zu", 4),
        ("Stimme eher zu", 4),
        ("Stimme voll zu", 5),
        ("Stimme voll und ganz zu", 5),
        ("  Stimme   voll zu.  ", 5),
        ("trifft überhaupt nicht zu", 1),
        ("trifft gar nicht zu", 1),
        ("trifft eher nicht zu", 2),
        ("trifft teilweise zu", 3),
        ("trifft eher zu", 4),
        ("trifft voll zu", 5),
        ("trifft voll und ganz zu", 5),
        ("Strongly disagree", 1),
        ("Disagree", 2),
        ("Neither agree nor disagree", 3),
        ("Neutral", 3),
        ("Agree", 4),
        ("Strongly agree", 5),
        ("5 - Stimme voll zu", 5),
        ("1 = trifft gar nicht zu", 1),
        ("2: disagree", 2),
        ("3) teils/teils", 3),
        ("Stimme zu (4)", 4),
        ("4", 4),
        (" 4 ", 4),
        ("4.0", 4),
        ("4,0", 4),
        ("9", 9),  # numbers pass through; the validator checks the range
        ("weiß nicht", None),
        ("Keine Angabe", None),
        ("k. A.", None),
        ("n/a", None),
        ("Don't know", None),
        ("-", None),
        ("", None),
        ("Stimme halbwegs zu", "unknown"),
        ("3.5", "unknown"),
        ("vielleicht", "unknown"),
    ],
)
def test_label_values_on_a_five_point_scale(label, value) -> None:
    assert label_value(label, 1, 5) == value


def test_words_are_placed_from_the_scale_minimum() -> None:
    series = pl.Series(["Stimme überhaupt nicht zu", "Teils/teils", "Stimme voll zu"])
    assert likert_to_numbers(series, 0, 4)[0].to_list() == [0, 2, 4]


def test_seven_point_scale_has_its_own_words() -> None:
    series = pl.Series(
        [
            "Stimme überhaupt nicht zu",
            "Stimme nicht zu",
            "Stimme eher nicht zu",
            "Weder noch",
            "Stimme eher zu",
            "Stimme zu",
            "Stimme voll und ganz zu",
            "Somewhat disagree",
            "Agree",
        ]
    )
    values, unknown = likert_to_numbers(series, 1, 7)
    assert values.to_list() == [1, 2, 3, 4, 5, 6, 7, 3, 6] and unknown == []


def test_words_are_not_guessed_on_other_scale_lengths() -> None:
    series = pl.Series(["Stimme zu", "4", "1 - gar nicht"])
    values, unknown = likert_to_numbers(series, 1, 4)
    assert values.to_list() == [None, 4, 1]
    assert unknown == ["Stimme zu"]


def test_unknown_labels_are_listed_once_in_order_of_appearance() -> None:
    series = pl.Series(["x", "Stimme zu", "y", "x", None, "y"])
    values, unknown = likert_to_numbers(series, 1, 5)
    assert unknown == ["x", "y"]
    assert values.to_list() == [None, 4, None, None, None, None]


def _map_a_million_rows() -> float:
    labels = ["Stimme voll zu", "Stimme zu", "Teils/teils", "Stimme nicht zu", "keine Angabe"]
    series = pl.Series("MOT1", labels * 200_000)
    start = time.perf_counter()
    values, unknown = likert_to_numbers(series, 1, 5)
    elapsed = time.perf_counter() - start
    assert unknown == []
    assert values.value_counts(sort=True, name="n").sort("MOT1").rows() == [
        (None, 200_000),
        (2, 200_000),
        (3, 200_000),
        (4, 200_000),
        (5, 200_000),
    ]
    return elapsed


def test_a_million_rows_map_through_their_distinct_values() -> None:
    _map_a_million_rows()


@pytest.mark.perf
def test_a_million_rows_map_quickly_through_their_distinct_values() -> None:
    assert _map_a_million_rows() < 2.0
