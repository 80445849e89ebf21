"""Rules of an engagement survey: scores, empty and duplicate responses, the warnings about
the data, its frames (loyalty/importing/rules/engagement.py)."""

from __future__ import annotations

import time

import numpy as np
import polars as pl
import pytest
from validating import BRANCHES, ENG_MAP, INSTRUMENT, lines, run, survey

from loyalty.importing.instrument import Dimension, Instrument, Item, parse_yaml
from loyalty.importing.rules.engagement import counted_by_branch
from loyalty.importing.validate import validate, wave_period


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
        "Zeile 2, Spalte „A1“: „3,5“ (erwartet: eine ganze Zahl 1–5)",
        "Zeile 5, Spalte „A1“: „vielleicht“ (erwartet: Zahl 1–5 oder Antworttext der Skala)",
    ]
    assert result.problems["kind"].to_list() == ["between_scale_points", "unknown_label"]
    ok = run(survey(A1=["1", "stimme voll zu", "weiß nicht", "2", "5 - trifft voll zu", ""]))
    assert ok.ok
    a1 = ok.frames["scores"].filter(pl.col("item_id") == "A1")
    assert a1["score"].to_list() == [1, 5, 2, 5]  # non-answers and empty cells: no score row
    assert a1["response_id"].to_list() == [1, 2, 4, 5]


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


def test_a_response_that_skipped_a_whole_dimension_is_stored_with_a_warning():
    """It counts in no engagement figure (the index and the dimension means with their n
    would give its answers otherwise): the report says so, in the user's language, and a
    branch it leaves below the minimum is named with the responses that count. A dimension
    nobody in the wave answered was not asked: no warning."""
    raw = survey(A1=["4", "", "4", "4", "4", ""], A2=["2", None, "2", "2", "2", "3"])
    result = run(raw)  # B02's three rows, one of them without "mood": two count
    assert result.ok and (result.rows_valid, result.rows_skipped) == (6, 0)
    assert [w.message("de") for w in result.warnings] == [
        "Filialen mit weniger als 3 Antworten (1; ihre Engagementwerte werden nicht "
        "angezeigt): B02 (2)",
        "1 Antwort hat alle Fragen mindestens einer Dimension des Index übersprungen: Sie "
        "wird gespeichert, zählt aber in keinem Engagement-Wert (sonst ließen sich einzelne "
        "Antworten ausrechnen), z. B. Zeile 3",
    ]
    two = run(survey(B1=["5", "", "5", "", "5", "5"]))
    assert [w.kind for w in two.warnings] == ["small_branches", "skipped_dimensions"]
    assert (
        two.warnings[1]
        .message("de")
        .startswith(
            "2 Antworten haben alle Fragen mindestens einer Dimension des Index übersprungen: Sie "
            "werden gespeichert, zählen aber"
        )
    )
    assert two.warnings[1].message("en") == (
        "2 responses skipped every question of at least one dimension of the index: stored, "
        "but counted in no engagement figure (otherwise single answers could be worked out), "
        "e.g. rows 3, 5"
    )
    assert run(survey(B1=[""] * 6)).warnings == []
    # answered by one in six: not asked (fewer than half), left out of the wave's figures,
    # and nobody who skipped it is left out
    one = run(survey(B1=["", "", "5", "", "", ""]))
    assert [w.kind for w in one.warnings] == ["dimension_left_out"]
    assert one.warnings[0].message("de") == (
        "Weniger als 50 % der Antworten haben diese Dimensionen des Index beantwortet: Führung. "
        "Sie bleiben in den Engagement-Werten ihrer Welle außen vor (Index und Werte ohne sie)."
    )
    assert (
        one.warnings[0]
        .message("en")
        .startswith(
            "Fewer than 50% of the responses answered these dimensions of the index: Leadership."
        )
    )
    assert [w.kind for w in run(survey(B1=["", "", "5", "5", "", "5"])).warnings] == [
        "small_branches",
        "skipped_dimensions",
    ]  # three in six answered it: asked, the other three count nowhere
    # each answered one dimension of three: none reaches half, nobody counts, the wave gets
    # no engagement figures (said so, every row named as counting nowhere)
    three = parse_yaml(
        """
dimensions:
  - {id: mood, name: {de: Stimmung, en: Mood}, items: [{id: A1, text: {de: a, en: a}}]}
  - {id: lead, name: {de: Führung, en: Leadership}, items: [{id: B1, text: {de: b, en: b}}]}
  - {id: care, name: {de: Fürsorge, en: Care}, items: [{id: C1, text: {de: c, en: c}}]}
"""
    )
    spread = survey(A1=["4", "", "", "4", "", ""], B1=["", "5", "", "", "5", ""]).drop("A2")
    spread = spread.with_columns(pl.Series("C1", ["", "", "3", "", "", "3"]))
    none = run(spread, instrument=three, min_group_size=1)
    kinds = ["small_branches", "no_dimension_asked", "skipped_dimensions"]
    assert [w.kind for w in none.warnings] == kinds
    assert none.warnings[1].message("en") == (
        "No dimension of the index was answered by at least 50% of the responses: wave "
        "2025-H2 gets no engagement figures."
    )
    assert none.warnings[1].message("de") == (
        "Keine Dimension des Index haben mindestens 50 % der Antworten beantwortet: Welle "
        "2025-H2 bekommt keine Engagement-Werte."
    )
    assert none.warnings[2].params["count"] == 6


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
        "Welle 2025-H2 ist neu und wird angelegt (01.07.2025 bis 31.12.2025).",
        "Filialen mit weniger als 5 Antworten (1; ihre Engagementwerte werden nicht angezeigt): "
        "B02 (2)",
        "Filialen mit mehr Antworten als Mitarbeitenden (1): B01 (6/5)",
        "Welle 2025-H2: Rücklaufquote 32 % – deutlich niedriger als 80 % in Welle 2025-H1.",
    ]
    assert [w.message("en") for w in result.warnings][3] == (
        "Wave 2025-H2: response rate 32% – much lower than 80% in wave 2025-H1."
    )


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


def test_a_dimension_left_out_of_one_wave_of_several_is_named_with_its_wave():
    raw = survey(B1=["5", "", "5", "5", "", "5"]).with_columns(
        pl.Series("Welle", ["2025-H1"] * 3 + ["2025-H2"] * 3)
    )
    raw = raw.with_columns(pl.Series("B1", ["5", "5", "5", "", "", "5"]))
    result = run(raw, wave=None, mapping={**ENG_MAP, "wave": "Welle"}, min_group_size=1)
    (left,) = [w for w in result.warnings if w.kind == "dimension_left_out"]
    assert "Führung (2025-H2). Sie bleiben" in left.message("de")


def test_a_wave_that_asks_no_dimension_is_named_apart_from_one_that_leaves_one_out():
    three = parse_yaml(
        """
dimensions:
  - {id: mood, name: {de: Stimmung, en: Mood}, items: [{id: A1, text: {de: a, en: a}}]}
  - {id: lead, name: {de: Führung, en: Leadership}, items: [{id: B1, text: {de: b, en: b}}]}
  - {id: care, name: {de: Fürsorge, en: Care}, items: [{id: C1, text: {de: c, en: c}}]}
"""
    )
    # 2025-H1: everybody answers mood and care, one in three leadership; 2025-H2: each row
    # one dimension of three
    raw = (
        survey(A1=["4", "4", "4", "4", "", ""], B1=["5", "", "", "", "5", ""])
        .drop("A2")
        .with_columns(
            pl.Series("C1", ["3", "3", "3", "", "", "3"]),
            pl.Series("Welle", ["2025-H1"] * 3 + ["2025-H2"] * 3),
        )
    )
    result = run(
        raw, wave=None, mapping={**ENG_MAP, "wave": "Welle"}, instrument=three, min_group_size=1
    )
    notes = {w.kind: w.message("de") for w in result.warnings}
    assert "Führung (2025-H1). Sie bleiben" in notes["dimension_left_out"]
    assert "2025-H2" not in notes["dimension_left_out"]
    assert notes["no_dimension_asked"].endswith("Welle 2025-H2 bekommt keine Engagement-Werte.")


def test_a_file_without_any_item_of_the_index_gives_no_skipped_or_left_out_notes():
    """Only an item outside the index in the file: nobody can count towards the index, and
    the checks of which dimensions a wave asked have nothing to look at (they raised a
    ComputeError, "cannot return empty fold", before)."""
    outside = parse_yaml(
        """
dimensions:
  - {id: mood, name: {de: Stimmung, en: Mood}, items: [{id: A1, text: {de: a, en: a}}]}
  - id: extra
    name: {de: Zusatz, en: Extra}
    items: [{id: X1, text: {de: x, en: x}, in_index: false}]
"""
    )
    raw = survey(X1=["3", "4", "", "2", "5", "1"]).drop("A1", "A2", "B1")
    result = run(raw, instrument=outside)
    assert result.ok, result.problems
    kinds = [w.kind for w in result.warnings]
    assert "items_missing" in kinds
    assert not {"skipped_dimensions", "dimension_left_out", "no_dimension_asked"} & set(kinds)


def test_counted_by_branch_counts_nobody_without_an_item_of_the_index():
    """As the branch table: without an index item nobody counts (it has no rows)."""
    responses = pl.DataFrame(
        {"response_id": [1, 2, 3], "wave": ["2025-H2"] * 3, "branch_id": ["B01", "B01", "B02"]}
    )
    scores = pl.DataFrame({"response_id": [1, 2, 3], "item_id": ["X1"] * 3})
    counted = counted_by_branch(responses, scores, {}).sort("branch_id")
    assert counted.rows() == [("B01", 2, 0), ("B02", 1, 0)]
    # with the item in the index every respondent who answered it counts
    counted = counted_by_branch(responses, scores, {"X1": "extra"}).sort("branch_id")
    assert counted.rows() == [("B01", 2, 2), ("B02", 1, 1)]


def test_a_surveys_counts_are_those_of_its_stored_rows_counted_as_a_stored_version():
    """``ValidationResult.counted`` (the validation's own count, which the re-import check
    compares with the active version's) equals :func:`counted_by_branch` over the frames the
    survey stores, on random gaps: answers missing at random, whole dimensions skipped by some
    rows, a dimension fewer than half answered, rows without any answer (skipped)."""
    rng = np.random.default_rng(7)
    extra = Item("X1", "extra", "Extra", "Extra", 1, 5, in_index=False)
    instrument = Instrument(
        (*INSTRUMENT.dimensions, Dimension("extra", "Extra", "Extra")), (*INSTRUMENT.items, extra)
    )
    index = {i.item_id: i.dimension_id for i in instrument.items if i.in_index}
    mapping = ENG_MAP | {"wave": "Welle"}
    for _ in range(80):
        n = int(rng.integers(4, 40))
        kept = [c for c in ("A1", "A2", "B1", "X1") if rng.random() < 0.7] or ["X1"]
        gaps = {item: rng.random() * rng.choice([0.1, 0.4, 0.7]) for item in kept}
        cells = {
            item: [None if rng.random() < share else str(rng.integers(1, 6)) for _ in range(n)]
            for item, share in gaps.items()
        }
        raw = survey(n, Filiale=[BRANCHES[i % 3] for i in range(n)], **cells).select(
            "ID", "Filiale", *kept
        )  # some items of the questionnaire missing, perhaps every one of the index
        waves = ["2025-H1", "2025-H2"] if rng.random() < 0.5 else ["2025-H2"]
        raw = raw.with_columns(Welle=pl.Series([waves[i % len(waves)] for i in range(n)]))
        result = run(raw, wave=None, mapping=mapping, instrument=instrument, min_group_size=2)
        assert result.ok, result.problems
        frames = result.frames
        for wave in waves:
            mine = frames["responses"].filter(pl.col("wave") == wave)
            answers = frames["scores"].join(mine.select("response_id"), on="response_id")
            expected = counted_by_branch(mine, answers, index).select("branch_id", "counted")
            got = result.counted.filter(pl.col("wave") == wave).select("branch_id", "counted")
            assert got.sort("branch_id").rows() == expected.sort("branch_id").rows(), kept
