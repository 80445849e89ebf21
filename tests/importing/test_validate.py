"""Validation rules, one by one, on plain frames (no file reading, no store)."""

from __future__ import annotations

import time

import numpy as np
import polars as pl
import pytest

from loyalty.importing.instrument import Dimension, Instrument, Item, parse_yaml
from loyalty.importing.report import ImportReport
from loyalty.importing.validate import problem_line, validate, wave_period

INSTRUMENT = parse_yaml(
    """
dimensions:
  - id: mood
    name: {de: Stimmung, en: Mood}
    items:
      - {id: A1, text: {de: "Ich gehe gern zur Arbeit.", en: "I enjoy going to work."}}
      - {id: A2, text: {de: "Ich bin oft müde.", en: "I am often tired."}, reverse: true}
  - id: lead
    name: {de: Führung, en: Leadership}
    items:
      - {id: B1, text: {de: "Meine Führungskraft hört zu.", en: "My manager listens."}}
"""
)
BRANCHES = ["B01", "B02", "B03"]
ENG_MAP = {
    "respondent_id": "ID",
    "branch_id": "Filiale",
    "wave": None,
    "tenure_band": None,
    "role": None,
}


def frame(columns: dict[str, list]) -> pl.DataFrame:
    return pl.DataFrame(
        {k: [None if v is None else str(v) for v in vals] for k, vals in columns.items()},
        schema={k: pl.String for k in columns},
    )


def survey(n: int = 6, **override) -> pl.DataFrame:
    cols = {
        "ID": [str(i + 1) for i in range(n)],
        "Filiale": [BRANCHES[i % 2] for i in range(n)],
        "A1": ["4"] * n,
        "A2": ["2"] * n,
        "B1": ["5"] * n,
    }
    cols.update(override)
    return frame(cols)


def run(raw, kind="engagement", wave="2025-H2", mapping=None, **kw):
    kw.setdefault("min_group_size", 3)
    kw.setdefault("known_waves", ["2025-H1", "2025-H2"])
    return validate(
        raw,
        kw.pop("rows", None),
        kind,
        wave,
        ENG_MAP if mapping is None else mapping,
        kw.pop("instrument", INSTRUMENT),
        kw.pop("known", BRANCHES),
        **kw,
    )


def lines(result, lang="de", kind=None):
    return [
        problem_line(r["kind"], r, lang)
        for r in result.problems.iter_rows(named=True)
        if kind is None or r["kind"] == kind
    ]


def test_a_clean_survey_gives_canonical_frames():
    result = run(survey())
    assert result.ok, result.problems
    assert result.waves == ["2025-H2"]
    assert result.frames["responses"].columns == [
        "response_id",
        "wave",
        "branch_id",
        "tenure_band",
        "role",
    ]
    assert result.frames["responses"]["branch_id"].to_list() == ["B01", "B02"] * 3
    scores = result.frames["scores"]
    assert scores.height == 18
    assert scores.schema["score"] == pl.Int16
    assert scores.filter(pl.col("item_id") == "B1")["score"].unique().to_list() == [5]
    assert result.item_columns == {"A1": "A1", "A2": "A2", "B1": "B1"}
    assert (result.rows_read, result.rows_valid, result.rows_skipped) == (6, 6, 0)


def test_items_found_by_wording_in_header_or_question_text_nothing_guessed():
    raw = (
        survey()
        .rename({"A1": "Q1", "B1": "Meine Führungskraft hört zu!"})
        .with_columns(pl.lit("x").alias("Q9_A1"))
    )
    result = run(raw, question_texts={"Q1": "Ich gehe gern zur Arbeit."})
    assert result.item_columns == {"A1": "Q1", "A2": "A2", "B1": "Meine Führungskraft hört zu!"}
    assert result.ignored_columns == ["Q9_A1"]


def test_explicit_item_mapping_wins():
    raw = survey().rename({"A1": "Frage 1"})
    result = run(raw, mapping={**ENG_MAP, "A1": "Frage 1"})
    assert result.item_columns["A1"] == "Frage 1"


def test_missing_items_are_a_warning_none_at_all_a_problem():
    result = run(survey().drop("B1"))
    assert result.ok
    assert [w.message("de") for w in result.warnings] == [
        "Fragen des Fragebogens, die in der Datei fehlen: B1"
    ]
    result = run(survey().drop("A1", "A2", "B1"))
    assert lines(result) == [
        "Keine Spalte heißt wie eine Frage-ID (A1, A2, B1) oder trägt deren Wortlaut."
    ]


def test_score_outside_the_scale_with_row_numbers_as_the_user_sees_them():
    raw = survey(A1=["4", "4", "7", "4", "0", "4"])
    result = run(raw, rows=[3, 4, 5, 6, 7, 9])  # e.g. two header lines, one skipped row
    assert lines(result) == [
        "Zeile 5, Spalte „A1“: 7 (erwartet: 1–5)",
        "Zeile 7, Spalte „A1“: 0 (erwartet: 1–5)",
    ]
    assert lines(result, "en") == [
        "Row 5, column “A1”: 7 (expected: 1–5)",
        "Row 7, column “A1”: 0 (expected: 1–5)",
    ]
    assert result.frames == {}  # nothing to store


def test_fractions_and_words():
    raw = survey(
        A1=["3,5", "stimme voll zu", "weiß nicht", "vielleicht", "5 - trifft voll zu", ""],
    )
    result = run(raw)
    assert lines(result) == [
        "Zeile 2, Spalte „A1“: „3,5“",
        "Zeile 5, Spalte „A1“: „vielleicht“ (erwartet: Zahl 1–5 oder Antworttext der Skala)",
    ]
    assert result.problems["kind"].to_list() == ["not_an_integer", "unknown_label"]
    ok = run(survey(A1=["1", "stimme voll zu", "weiß nicht", "2", "5 - trifft voll zu", ""]))
    assert ok.ok
    a1 = ok.frames["scores"].filter(pl.col("item_id") == "A1")
    assert a1["score"].to_list() == [1, 5, 2, 5]  # non-answers and empty cells: no score row
    assert a1["response_id"].to_list() == [1, 2, 4, 5]


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
    assert lines(result) == ["Zeile 3, Spalte „Aktive“: „viele“"]
    assert result.problems.row(0) == ("not_a_number", 3, "Aktive", "viele", None)


LOYALTY_MAP = {
    "branch_id": "Filiale",
    "wave": "Periode",
    "active_customers": "Aktive Kunden",
    "retained_customers": "Gehaltene Kunden",
    "promoters": "Promotoren",
    "passives": "Passive",
    "detractors": "Kritiker",
    "churn_price": "Preis",
    "churn_staff_trust": "Vertrauen",
}


def loyalty_frame(**override) -> pl.DataFrame:
    cols = {
        "Filiale": ["B01", "B02", "B03"],
        "Periode": ["2025-H2"] * 3,
        "Aktive Kunden": ["1.000", "2.000", "3.000"],
        "Gehaltene Kunden": ["900", "1.800", "2.700"],
        "Promotoren": ["30", "40", "50"],
        "Passive": ["20", "20", "20"],
        "Kritiker": ["10", "10", "10"],
        "Preis": ["5", "", "7"],
        "Vertrauen": ["8", "9", "10"],
    }
    cols.update(override)
    return frame(cols)


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
        "Zeile 4, Spalte „Promotoren“: „50,5“",
        "Zeile 2, Spalte „Promotoren“: -3 (erwartet: ≥ 0)",
        "Zeile 3, Spalte „Gehaltene Kunden“: 2500 (erwartet: höchstens 2000, die Zahl der "
        "aktiven Kunden)",
        "Zeile 4, Spalte „Filiale“: „B01“ steht schon in Zeile 2.",
    ]


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


def test_duplicate_respondent_names_the_first_row():
    raw = survey(ID=["17", "18", "17", "19", "18", ""])
    result = run(raw)
    assert lines(result) == [
        "Zeile 4, Spalte „ID“: „17“ steht schon in Zeile 2.",
        "Zeile 6, Spalte „ID“: „18“ steht schon in Zeile 3.",
    ]
    assert lines(result, "en")[0] == "Row 4, column “ID”: “17” already appears in row 2."


def test_same_respondent_id_in_two_waves_is_fine():
    raw = survey(ID=["1", "1", "2", "2", "3", "3"]).with_columns(
        pl.Series("Welle", ["2025-H1", "2025-H2"] * 3)
    )
    result = run(raw, wave=None, mapping={**ENG_MAP, "wave": "Welle"})
    assert result.ok
    assert result.waves == ["2025-H1", "2025-H2"]


def test_without_respondent_id_identical_rows_are_only_a_warning():
    raw = survey(A1=["4", "4", "4", "3", "4", "4"])
    result = run(raw.drop("ID"), mapping={**ENG_MAP, "respondent_id": None})
    assert result.ok
    assert [w.message("de") for w in result.warnings] == [
        "Zeilen, die einer früheren Zeile vollständig gleichen (3; ohne Antwort-ID ist nicht "
        "prüfbar, ob sie doppelt sind; sie werden importiert), z. B. Zeilen 4, 6, 7"
    ]


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
        "„Frühjahr“ – erwartet: 2025-H2, 2025-Q1, 2025-03, 2025",
        "„Frühjahr“ – erwartet: 2025-H2, 2025-Q1, 2025-03, 2025",
        "Zeile 3: Welle „2025-H1“ in Spalte „Welle“, importiert wird 2025-H2",
        "Zeile 6: Welle „2025-H1“ in Spalte „Welle“, importiert wird 2025-H2",
    ]
    assert run(survey(), wave="Sommer").problems["kind"].to_list() == ["bad_wave_label"]
    # an existing wave may have any label
    assert run(survey(), wave="Sommer", known_waves=["Sommer"]).ok


def test_wave_labels():
    assert wave_period("2025-h2")[0] == "2025-H2"
    assert wave_period("2025-Q3")[1:] == (wave_period("2025-07")[1], wave_period("2025-09")[2])
    assert str(wave_period("2024-02")[2]) == "2024-02-29"
    assert wave_period("2025")[0] == "2025"
    assert wave_period("H2 2025") is None


def test_mapping_problems():
    result = run(survey(), mapping={"branch_id": "Markt", "respondent_id": None})
    found = lines(result)
    assert found[0] == "Spalte „Markt“ (für „Filialnummer“) gibt es in dieser Datei nicht."
    assert found[1].startswith("Keiner Spalte ist die Filiale zugeordnet.")
    assert len(found) == 2
    assert run(survey(), instrument=None).problems["kind"].to_list() == ["no_instrument"]


def test_unused_and_identifying_columns_are_listed_not_stored():
    raw = survey().with_columns(
        pl.lit("anna@example.com").alias("E-Mail"), pl.lit("3,5").alias("Dauer")
    )
    result = run(raw, identifying=[("E-Mail", "privacy.email"), ("ID", "privacy.response_id")])
    assert result.ok
    assert result.ignored_columns == ["Dauer"]
    # the respondent id is used for the duplicate check only, never stored
    assert result.dropped_columns == [("E-Mail", "privacy.email"), ("ID", "privacy.response_id")]
    assert result.warnings[0].message("de") == (
        "Spalten mit personenbezogenen Angaben werden nicht gespeichert: „E-Mail“ "
        "(E-Mail-Adresse), „ID“ (Kennung der Antwort im Umfragewerkzeug)"
    )
    assert "anna@example.com" not in str(result.frames)


def test_empty_responses_are_skipped_with_a_warning():
    raw = survey(
        A1=["4", "", "4", "4", "4", ""],
        A2=["2", None, "2", "2", "2", ""],
        B1=["5", "", "5", "5", "5", "weiß nicht"],
    )
    result = run(raw)
    assert result.ok
    assert (result.rows_valid, result.rows_skipped) == (4, 2)
    assert result.warnings[0].message("de") == (
        "Zeilen ohne eine einzige Antwort werden übersprungen (2), z. B. Zeilen 3, 7"
    )


def test_small_branches_response_rate_drop_and_more_responses_than_staff():
    raw = survey(8, Filiale=["B01"] * 6 + ["B02"] * 2)
    heads = pl.DataFrame({"branch_id": BRANCHES, "headcount": [5, 10, 10]})
    history = pl.DataFrame(
        {
            "wave": ["2025-H1"],
            "start_date": [wave_period("2025-H1")[1]],
            "responses": [20],
        }
    )
    result = run(raw, headcounts=heads, wave_history=history, min_group_size=5, known_waves=[])
    assert [w.message("de") for w in result.warnings] == [
        "Welle 2025-H2 ist neu und wird angelegt (2025-07-01 bis 2025-12-31).",
        "Filialen mit weniger als 5 Antworten (1; ihre Engagementwerte werden nicht angezeigt): "
        "B02 (2)",
        "Filialen mit mehr Antworten als Mitarbeitenden (1): B01 (6/5)",
        "Welle 2025-H2: Rücklaufquote 32 % – deutlich niedriger als 80 % in Welle 2025-H1.",
    ]
    assert [w.message("en") for w in result.warnings][3] == (
        "Wave 2025-H2: response rate 32% – much lower than 80% in wave 2025-H1."
    )


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


def test_report_shows_twenty_per_kind_and_counts_the_rest():
    n = 45
    raw = survey(n, A1=["9"] * 25 + ["4"] * 20, B1=["x"] * 2 + ["5"] * 43)
    result = run(raw)
    counts = dict(result.problem_counts().iter_rows())
    assert counts == {"out_of_range": 25, "unknown_label": 2}
    report = ImportReport(filename="f.csv", kind="engagement", wave="2025-H2", validation=result)
    text = report.render_text("de")
    assert "  Antworten außerhalb der Skala des Fragebogens (25)" in text
    assert text.count("(erwartet: 1–5)\n") == 20
    assert "    … und 5 weitere (vollständige Liste als CSV: --problems-csv DATEI)" in text
    assert "Probleme: 27 – nichts wurde gespeichert." in text
    assert text.endswith("Der Import wurde abgelehnt; der Datenspeicher ist unverändert.")
    full = report.problems_frame("de")
    assert full.height == 27
    assert full.columns == ["Art", "Zeile", "Spalte", "Wert", "Erwartet", "Meldung"]
    assert full.row(0) == (
        "Antworten außerhalb der Skala des Fragebogens",
        2,
        "A1",
        "9",
        "1–5",
        "Zeile 2, Spalte „A1“: 9 (erwartet: 1–5)",
    )
    en = report.problems_frame("en")
    assert en.columns == ["kind", "row", "column", "value", "expected", "message"]
    assert en["message"][26] == (
        "Row 3, column “B1”: “x” (expected: number 1–5 or a label of the scale)"
    )


def test_bad_options_are_a_programming_error():
    with pytest.raises(ValueError):
        run(survey(), unknown_branches="maybe")
    with pytest.raises(ValueError):
        run(survey(), rows=[1, 2])


def test_no_rows_and_unknown_kind():
    assert run(survey().head(0)).problems["kind"].to_list() == ["no_rows"]
    assert run(survey(), "people").problems["kind"].to_list() == ["unknown_kind"]


def _validate_a_large_survey() -> float:
    """Validates 300,000 respondents x 12 items, checks the result; returns the seconds."""
    n = 300_000
    rng = np.random.default_rng(1)
    items = [f"I{k:02d}" for k in range(12)]
    inst = parse_yaml(
        "dimensions:\n  - id: d\n    name: D\n    items:\n"
        + "".join(f"      - {{id: {i}, text: {i}}}\n" for i in items)
    )
    branches = [f"B{k:04d}" for k in range(3000)]
    raw = pl.DataFrame(
        {
            "ID": np.arange(n).astype(str),
            "Filiale": np.array(branches)[rng.integers(0, 3000, n)],
            **{i: rng.integers(1, 6, n).astype(str) for i in items},
        }
    )
    started = time.perf_counter()
    result = validate(
        raw,
        None,
        "engagement",
        "2025-H2",
        {"respondent_id": "ID", "branch_id": "Filiale"},
        inst,
        branches,
    )
    elapsed = time.perf_counter() - started
    assert result.ok
    assert result.frames["scores"].height == n * 12
    return elapsed


def test_a_large_survey_validates():
    _validate_a_large_survey()


@pytest.mark.perf
def test_a_large_survey_validates_quickly():
    elapsed = _validate_a_large_survey()
    assert elapsed < 10, elapsed  # about 1 s on the 2-core development machine


def test_matrix_questions_match_by_their_statement():
    raw = survey().rename(
        {
            "A1": "Wie sehr stimmen Sie zu? - Ich gehe gern zur Arbeit.",
            "B1": "How much do you agree? [My manager listens.]",
            "A2": "Q2_2",
        }
    )
    result = run(raw, question_texts={"Q2_2": "Wie sehr? - Ich bin oft müde."})
    assert result.item_columns == {
        "A1": "Wie sehr stimmen Sie zu? - Ich gehe gern zur Arbeit.",
        "A2": "Q2_2",
        "B1": "How much do you agree? [My manager listens.]",
    }


def test_response_rate_drop_between_waves_of_the_same_file():
    raw = survey(12).with_columns(pl.Series("Welle", ["2025-H1"] * 9 + ["2025-H2"] * 3))
    heads = pl.DataFrame({"branch_id": BRANCHES, "headcount": [5, 5, 10]})
    history = pl.DataFrame(  # the stored 2025-H2 is replaced by the file's, not compared
        {"wave": ["2025-H2"], "start_date": [wave_period("2025-H2")[1]], "responses": [1]}
    )
    result = run(
        raw,
        wave=None,
        mapping={**ENG_MAP, "wave": "Welle"},
        headcounts=heads,
        wave_history=history,
        min_group_size=1,
    )
    assert [w.message("en") for w in result.warnings] == [
        "Wave 2025-H2: response rate 15% – much lower than 45% in wave 2025-H1."
    ]


def test_a_mapping_key_that_is_no_field_is_reported():
    result = run(survey(), mapping={**ENG_MAP, "brnach_id": "Filiale", "A1": "A1"})
    assert lines(result) == [
        "„brnach_id“ (Spalte „Filiale“) ist weder ein Feld dieser Datenart (respondent_id, "
        "branch_id, wave, tenure_band, role) noch eine Frage-ID des Fragebogens."
    ]


def test_the_preview_of_a_survey_shows_counts_per_branch_never_answers():
    result = validate(
        pl.DataFrame(
            {"Filiale": ["B1", "B1", "B2"], "Welle": ["2025-H2"] * 3, "Q1": ["4", "5", "3"]}
        ),
        pl.Series([2, 3, 4]),
        "engagement",
        None,
        {"branch_id": "Filiale", "wave": "Welle"},
        Instrument(
            (Dimension("d", "D", "D"),),
            (Item("Q1", "d", "Frage", "Question", 1, 5, False, True),),
        ),
        ["B1", "B2"],
    )
    assert result.ok, result.problems
    preview = result.preview()
    assert preview.columns == ["wave", "branch_id", "responses"]
    assert preview.rows() == [("2025-H2", "B1", 2), ("2025-H2", "B2", 1)]
