"""Rules of a loyalty file and its frames (loyalty/importing/rules/loyalty.py)."""

from __future__ import annotations

from validating import LOYALTY_MAP, lines, loyalty_frame, run


def test_loyalty_with_wide_churn_columns():
    result = run(loyalty_frame(), "loyalty", mapping=LOYALTY_MAP)
    assert result.ok, result.problems
    assert result.frames["loyalty"]["active_customers"].to_list() == [1000, 2000, 3000]
    churn = result.frames["churn"].sort("branch_id", "reason")
    assert churn.rows() == [
        ("B01", "2025-H2", "price", 5),
        ("B01", "2025-H2", "staff_trust", 8),
        ("B02", "2025-H2", "staff_trust", 9),
        ("B03", "2025-H2", "price", 7),
        ("B03", "2025-H2", "staff_trust", 10),
    ]


def test_loyalty_rules_negative_retained_above_active_fraction_duplicate():
    raw = loyalty_frame(
        Filiale=["B01", "B02", "B01"],
        **{"Gehaltene Kunden": ["900", "2.500", "2.700"], "Promotoren": ["-3", "40", "50,5"]},
    )
    result = run(raw, "loyalty", mapping=LOYALTY_MAP)
    assert lines(result) == [
        "Zeile 4, Spalte „Promotoren“: „50,5“ (erwartet: eine ganze Zahl)",
        "Zeile 2, Spalte „Promotoren“: -3 (erwartet: ≥ 0)",
        "Zeile 3, Spalte „Gehaltene Kunden“: 2500 (erwartet: höchstens 2000, die Zahl der "
        "aktiven Kunden)",
        "Zeile 4, Spalte „Filiale“: „B01“ steht schon in Zeile 2.",
    ]
