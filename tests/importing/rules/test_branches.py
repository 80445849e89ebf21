"""Rules of a branch list (loyalty/importing/rules/branches.py)."""

from __future__ import annotations

import polars as pl
from validating import frame, lines, run


def test_branch_list_rules():
    raw = frame(
        {
            "Nr": ["B01", "B09", "B09", ""],
            "Name": ["Köln Zentrum", "Neu", "Neu", "x"],
            "MA": ["12", "-1", "3", "4"],
        }
    )
    mapping = {"branch_id": "Nr", "name": "Name", "headcount": "MA"}
    result = run(raw, "branches", wave=None, mapping=mapping)
    assert lines(result) == [
        "Zeile 5: Spalte „Nr“ ist leer.",
        "Zeile 3, Spalte „MA“: -1 (erwartet: ≥ 0)",
        "Zeile 4, Spalte „Nr“: „B09“ steht schon in Zeile 3.",
    ]
    ok = run(
        raw.head(2).with_columns(pl.lit("7").alias("MA")), "branches", wave=None, mapping=mapping
    )
    assert ok.frames["branches"].rows() == [("B01", "Köln Zentrum", 7), ("B09", "Neu", 7)]
