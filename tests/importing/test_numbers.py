"""Numbers as typed in German and English files: examples, detection and round-trip properties."""

from __future__ import annotations

import time
from decimal import Decimal

import polars as pl
import pytest
from babel.numbers import format_decimal, get_decimal_symbol, get_minus_sign_symbol
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty.importing.numbers import detect_decimal, parse_number, parse_numbers

NBSP, NNBSP, THIN = "\u00a0", "\u202f", "\u2009"


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("1.234,56", ",", 1234.56),
        ("1.234,56", None, 1234.56),
        ("12,5 %", None, 12.5),
        ("12,5%", ",", 12.5),
        ("1 234,5", ",", 1234.5),
        (f"1{NBSP}234,5", ",", 1234.5),
        (f"1{NNBSP}234,5", ",", 1234.5),
        (f"1{THIN}234,5", None, 1234.5),
        ("1,234.56", ".", 1234.56),
        ("1,234.56", None, 1234.56),
        ("-3", None, -3.0),
        ("\u22123", None, -3.0),
        ("\u2013 3", None, -3.0),
        ("(3)", None, -3.0),
        ("(1.234,56)", ",", -1234.56),
        ("1.234,56-", ",", -1234.56),
        ("+4", None, 4.0),
        ("3e2", None, 300.0),
        ("1,5E+03", ",", 1500.0),
        ("2.5e-1", ".", 0.25),
        ("1.234,56 €", ",", 1234.56),
        ("€ 12", None, 12.0),
        ("EUR 1.000", ",", 1000.0),
        ("1'234.5", ".", 1234.5),
        ("1\u2019234.5", None, 1234.5),
        ("12.345.678", None, 12345678.0),
        ("12,345,678", None, 12345678.0),
        (",5", ",", 0.5),
        (".5", ".", 0.5),
        ("0", None, 0.0),
        ("  42  ", None, 42.0),
        # the ambiguous single separator followed by three digits
        ("1.234", None, 1234.0),
        ("1,234", None, 1234.0),
        ("1.234", ".", 1.234),
        ("1,234", ",", 1.234),
        ("0,123", None, 0.123),
        ("0.123", None, 0.123),
        # not numbers
        ("1.5", ",", None),  # '.' groups thousands in a ',' column: 1.5 is not valid
        ("3,5", ".", None),
        ("1.23,4", ",", None),
        ("12 34", ",", None),
        ("abc", None, None),
        ("inf", None, None),
        ("nan", None, None),
        ("1e400", None, None),
        ("--3", None, None),
        ("3 Stück", None, None),
        ("", None, None),
        ("   ", None, None),
        (None, None, None),
    ],
)
def test_parse_number_examples(text, decimal, expected) -> None:
    assert parse_number(text, decimal) == expected


def test_parse_numbers_returns_values_and_a_failure_mask() -> None:
    series = pl.Series("Umsatz", ["1.234,5", "x", None, "", "  ", "7", "1.5"])
    values, failed = parse_numbers(series, ",")
    assert values.name == "Umsatz" and values.dtype == pl.Float64
    assert values.to_list() == [1234.5, None, None, None, None, 7.0, None]
    assert failed.dtype == pl.Boolean
    assert failed.to_list() == [False, True, False, False, False, False, True]


def test_parse_numbers_detects_the_column_decimal() -> None:
    values, failed = parse_numbers(pl.Series(["1.234", "12,5", "3"]))
    assert values.to_list() == [1234.0, 12.5, 3.0] and not failed.any()
    values, failed = parse_numbers(pl.Series(["1,234", "0.5", "3"]))
    assert values.to_list() == [1234.0, 0.5, 3.0] and not failed.any()


def test_parse_numbers_rejects_an_unknown_decimal_mark() -> None:
    with pytest.raises(ValueError):
        parse_numbers(pl.Series(["1"]), ";")


def test_parse_numbers_accepts_non_string_series() -> None:
    values, failed = parse_numbers(pl.Series([1, 2, None]), ".")
    assert values.to_list() == [1.0, 2.0, None] and not failed.any()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1.234,56", "12,5"], ","),
        (["1,234.56", "12.5"], "."),
        (["1.234.567"], ","),  # repeated '.' groups thousands
        (["1,234,567"], "."),
        (["12,5", "1,234"], ","),  # one clear vote beats an ambiguous value
        (["0.5", "1.234"], "."),
        (["1.234", "5.678"], ","),  # only ambiguous: three-digit groups are thousands
        (["1,234", "5,678"], "."),
        (["3", "4", None], ","),  # nothing to go by: the German default
        (["12,5 %", "7 %"], ","),
        (["Umsatz, netto", "gut. sehr"], ","),  # text does not vote
        (["1,5", "2,5", "3.5"], ","),  # the majority wins
    ],
)
def test_detect_decimal(values, expected) -> None:
    assert detect_decimal(pl.Series(values, dtype=pl.String)) == expected


def _parse_a_million_values() -> float:
    series = pl.Series(["1.234,56", "12,5 %", "-3", "x", None] * 200_000)
    start = time.perf_counter()
    values, failed = parse_numbers(series)
    elapsed = time.perf_counter() - start
    assert values.len() == 1_000_000 and int(failed.sum()) == 200_000
    assert values[0] == 1234.56 and values[1] == 12.5
    return elapsed


def test_a_million_values_parse() -> None:
    _parse_a_million_values()


@pytest.mark.perf
def test_a_million_values_parse_in_well_under_a_second_per_column() -> None:
    assert _parse_a_million_values() < 3.0


# --- properties ----------------------------------------------------------------------------------

_amounts = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, allow_infinity=False
)


def _english(value: Decimal, places: int, grouped: bool) -> str:
    return f"{value:,.{places}f}" if grouped else f"{value:.{places}f}"


def _german(value: Decimal, places: int, grouped: bool, group: str = ".") -> str:
    english = _english(value, places, grouped)
    return english.replace(",", "\0").replace(".", ",").replace("\0", group)


@settings(max_examples=200, deadline=None)
@given(_amounts, st.integers(0, 6), st.booleans(), st.sampled_from([".", " ", NBSP, NNBSP]))
def test_german_formatting_round_trips(value, places, grouped, group) -> None:
    text = _german(value, places, grouped, group)
    assert parse_number(text, ",") == float(_english(value, places, False))


@settings(max_examples=200, deadline=None)
@given(_amounts, st.integers(0, 6), st.booleans(), st.sampled_from([",", " ", "'"]))
def test_english_formatting_round_trips(value, places, grouped, group) -> None:
    text = _english(value, places, grouped).replace(",", group)
    assert parse_number(text, ".") == float(_english(value, places, False))


@settings(max_examples=200, deadline=None)
@given(_amounts, st.sampled_from([1, 2, 4, 5, 6]), st.booleans(), st.booleans())
def test_unambiguous_values_round_trip_without_a_decimal_hint(value, places, grouped, german):
    text = _german(value, places, grouped) if german else _english(value, places, grouped)
    assert parse_number(text) == float(_english(value, places, False))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(_amounts, st.integers(0, 6), st.booleans()), min_size=1, max_size=20),
    st.tuples(_amounts, st.sampled_from([1, 2, 4, 5, 6]), st.booleans()),
    st.booleans(),
)
def test_a_column_with_one_clear_value_is_detected_and_parsed(values, clear, german) -> None:
    fmt = _german if german else _english
    items = [*values, clear]
    texts = [fmt(v, p, g) for v, p, g in items]
    series = pl.Series(texts)
    assert detect_decimal(series) == ("," if german else ".")
    parsed, failed = parse_numbers(series)
    assert not failed.any()
    assert parsed.to_list() == [float(_english(v, p, False)) for v, p, _ in items]


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=3),
    st.sampled_from(["de_DE", "de_AT", "de_CH", "en_US", "en_GB", "fr_FR", "sv_SE", "pl_PL"]),
    st.booleans(),
)
def test_babel_locale_formatting_round_trips(value, locale, unicode_minus) -> None:
    text = format_decimal(value, locale=locale)
    if unicode_minus:
        text = text.replace("-", get_minus_sign_symbol("sv_SE"))
    assert parse_number(text, get_decimal_symbol(locale)) == float(value)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=30))
def test_any_text_parses_without_error_and_the_mask_is_consistent(texts) -> None:
    series = pl.Series(texts, dtype=pl.String)
    for decimal in (",", ".", None):
        values, failed = parse_numbers(series, decimal)
        assert values.len() == failed.len() == series.len()
        blank = series.str.strip_chars().fill_null("") == ""
        assert (failed == (~blank & values.is_null())).all()


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_python_repr_of_any_float_parses_back(value) -> None:
    text = repr(value)
    assert parse_number(text, ".") == value


def test_columns_with_few_distinct_values_parse_like_any_other() -> None:
    values = ["1.234,5", "x", None, "", "7", "12,5 %", "  ", "1e400"]
    direct_values, direct_failed = parse_numbers(pl.Series(values), ",")
    mapped_values, mapped_failed = parse_numbers(pl.Series("s", values * 1000), ",")
    assert mapped_values.to_list() == direct_values.to_list() * 1000
    assert mapped_failed.to_list() == direct_failed.to_list() * 1000
    assert mapped_values.name == "s" and mapped_failed.name == "failed"
