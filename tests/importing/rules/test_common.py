"""Rules every kind shares: waves, branch ids, numbers (loyalty/importing/rules/common.py)."""

from __future__ import annotations

import polars as pl
from validating import ENG_MAP, frame, lines, run, survey

from loyalty.importing.rules import common
from loyalty.importing.rules.base import Context
from loyalty.importing.validate import wave_period


def test_missing_wave_file_level_and_per_row():
    result = run(survey(), wave=None)
    assert lines(result) == [
        "Geben Sie die Welle an (z. B. --wave 2025-H2) oder ordnen Sie eine Spalte mit der "
        "Welle zu."
    ]
    raw = survey().with_columns(
        pl.Series("Welle", ["2025-H2", None, "2025-h2", "", "2025-H2", "2025-H2"])
    )
    result = run(raw, wave=None, mapping={**ENG_MAP, "wave": "Welle"})
    assert lines(result) == [
        "Zeile 3: Spalte „Welle“ ist leer, und beim Import wurde keine Welle angegeben.",
        "Zeile 5: Spalte „Welle“ ist leer, und beim Import wurde keine Welle angegeben.",
    ]
    filled = run(raw, wave="2025-H2", mapping={**ENG_MAP, "wave": "Welle"})
    assert filled.ok  # empty cells take the given wave; "2025-h2" is the same wave


def test_wave_mismatch_and_unrecognised_labels():
    raw = survey().with_columns(pl.Series("Welle", ["2025-H2", "2025-H1", "Frühjahr"] * 2))
    result = run(raw, wave="2025-H2", mapping={**ENG_MAP, "wave": "Welle"})
    assert lines(result) == [
        "Zeile 4, Spalte „Welle“: „Frühjahr“ – erwartet: 2025-H2, 2025-Q1, 2025-03, 2025",
        "Zeile 7, Spalte „Welle“: „Frühjahr“ – erwartet: 2025-H2, 2025-Q1, 2025-03, 2025",
        "Zeile 3: Welle „2025-H1“ in Spalte „Welle“, importiert wird 2025-H2",
        "Zeile 6: Welle „2025-H1“ in Spalte „Welle“, importiert wird 2025-H2",
    ]
    # a refused file creates no wave: no "will be created" beside its mistakes
    refused = run(survey(A1=["9"] * 6), wave="2031-H1")
    assert not refused.ok and "new_wave" not in [w.kind for w in refused.warnings]
    assert "new_wave" in [w.kind for w in run(survey(), wave="2031-H1").warnings]
    assert run(survey(), wave="Sommer").problems["kind"].to_list() == ["bad_wave_label"]
    assert lines(run(survey(), wave="Sommer")) == [
        "Angegebene Welle „Sommer“ – erwartet: 2025-H2, 2025-Q1, 2025-03, 2025"
    ]
    # an existing wave may have any label
    assert run(survey(), wave="Sommer", known_waves=["Sommer"]).ok


def test_wave_labels():
    assert wave_period("2025-h2")[0] == "2025-H2"
    assert wave_period("2025-Q3")[1:] == (wave_period("2025-07")[1], wave_period("2025-09")[2])
    assert str(wave_period("2024-02")[2]) == "2024-02-29"
    assert wave_period("2025")[0] == "2025"
    assert wave_period("H2 2025") is None


def test_unknown_branches_reject_skip_add():
    raw = survey(Filiale=["B01", "X9", "B02", "X9", "B01", "Y1"])
    rejected = run(raw)
    assert lines(rejected) == [
        "Zeile 3, Spalte „Filiale“: „X9“ – nächstliegende Filialen: B01, B02, B03",
        "Zeile 5, Spalte „Filiale“: „X9“ – nächstliegende Filialen: B01, B02, B03",
        "Zeile 7, Spalte „Filiale“: „Y1“ – nächstliegende Filialen: B01, B02, B03",
    ]
    assert rejected.unknown_branches == ["X9", "Y1"]
    skipped = run(raw, unknown_branches="skip")
    assert skipped.ok
    assert (skipped.rows_valid, skipped.rows_skipped) == (3, 3)
    assert skipped.warnings[0].message("de") == (
        "Zeilen unbekannter Filialen werden übersprungen (3): X9, Y1"
    )
    added = run(raw, unknown_branches="add")
    assert added.ok
    assert added.frames["new_branches"]["branch_id"].to_list() == ["X9", "Y1"]
    assert added.frames["responses"].height == 6


def test_non_numeric_value_where_a_number_is_expected():
    raw = frame(
        {
            "Filiale": ["B01", "B02"],
            "Aktive": ["1.200", "viele"],
            "Gehalten": ["900", "800"],
            "P": ["10", "10"],
            "Pa": ["5", "5"],
            "D": ["1", "1"],
        }
    )
    mapping = {
        "branch_id": "Filiale",
        "active_customers": "Aktive",
        "retained_customers": "Gehalten",
        "promoters": "P",
        "passives": "Pa",
        "detractors": "D",
    }
    result = run(raw, "loyalty", mapping=mapping)
    # "1.200" is German: the expected number is written as the file writes its numbers
    assert lines(result) == [
        "Zeile 3, Spalte „Aktive“: „viele“ (erwartet: eine Zahl, in dieser Datei geschrieben "
        "wie 1.234,56)"
    ]
    assert lines(result, "en") == [
        "Row 3, column “Aktive”: “viele” (expected: a number, written in this file like 1.234,56)"
    ]
    assert result.problems.row(0) == ("not_a_number", 3, "Aktive", "viele", "1.234,56")


def test_a_rule_alone_returns_its_frame_problems_notes_and_decisions():
    work = pl.DataFrame(
        {
            "branch_id": ["B01", "Filiale Zwei", "B01", None],
            "wave": ["2025-H2"] * 4,
            "__row": [2, 3, 4, 5],
        }
    )
    ctx = Context(
        kind="finance",
        resolved={"branch_id": "Filiale", "wave": None},
        known_branches=pl.Series(["B01", "B02"]),
        branch_names={"B02": "Filiale zwei"},
    )
    checked = common.branch_ids(work, ctx)
    assert checked.work["branch_id"].to_list() == ["B01", "B02", "B01", None]
    assert [p.rows() for p in checked.problems] == [[("missing_value", 5, "Filiale", None, None)]]
    assert [(n.kind, n.params["count"]) for n in checked.notes] == [("branches_by_name", 1)]
    assert checked.decided == {"unknown": ()}
    (duplicate,) = common.duplicate_branches(checked.work, ctx).problems
    assert duplicate.rows() == [("duplicate_branch", 4, "Filiale", "B01", "2")]
