"""A finance file: decimal marks, amounts that may be negative
(loyalty/importing/rules/finance.py)."""

from __future__ import annotations

import polars as pl
from validating import frame, lines, run


def test_finance_decimal_comma_negative_revenue_negative_profit_allowed():
    raw = frame(
        {
            "Filiale": ["B01", "B02", "B03"],
            "Umsatz (EUR)": ["1.234.567,89", "-5,00", "98.000,10"],
            "Rohertrag": ["400.000,00", "1,00", "30.000,00"],
            "Betriebsergebnis": ["-12.345,67", "0,00", "4.000,00"],
        }
    )
    mapping = {
        "branch_id": "Filiale",
        "revenue": "Umsatz (EUR)",
        "gross_margin": "Rohertrag",
        "operating_profit": "Betriebsergebnis",
    }
    result = run(raw, "finance", mapping=mapping)
    assert lines(result) == ["Zeile 3, Spalte „Umsatz (EUR)“: -5,00 (erwartet: ≥ 0)"]
    assert result.decimal == ","
    ok = run(
        raw.with_columns(pl.col("Umsatz (EUR)").str.replace("-", "")), "finance", mapping=mapping
    )
    assert ok.ok
    assert ok.frames["financials"]["revenue"].to_list() == [1234567.89, 5.0, 98000.10]
    assert ok.frames["financials"]["operating_profit"][0] == -12345.67


def test_finance_with_english_decimal_point():
    raw = frame(
        {
            "Filiale": ["B01", "B02"],
            "Revenue": ["1,234,567.89", "2,000.5"],
            "GM": ["1.5", "2"],
            "OP": ["3", "4"],
        }
    )
    mapping = {
        "branch_id": "Filiale",
        "revenue": "Revenue",
        "gross_margin": "GM",
        "operating_profit": "OP",
    }
    result = run(raw, "finance", mapping=mapping)
    assert result.ok
    assert result.frames["financials"]["revenue"].to_list() == [1234567.89, 2000.5]
