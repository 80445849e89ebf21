"""The columns step: fields and items found for the file's columns, mapping problems,
ignored and dropped columns (loyalty/importing/rules/columns.py)."""

from __future__ import annotations

import polars as pl
from validating import ENG_MAP, lines, run, survey


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


def test_mapping_problems():
    result = run(survey(), mapping={"branch_id": "Markt", "respondent_id": None})
    found = lines(result)
    assert found[0] == "Spalte „Markt“ (für „Filialnummer“) gibt es in dieser Datei nicht."
    assert found[1].startswith("Keiner Spalte ist die Filiale zugeordnet.")
    assert len(found) == 2
    assert run(survey(), instrument=None).problems["kind"].to_list() == ["no_instrument"]


def test_a_mapping_key_that_is_no_field_is_reported():
    result = run(survey(), mapping={**ENG_MAP, "brnach_id": "Filiale", "A1": "A1"})
    assert lines(result) == [
        "„brnach_id“ (Spalte „Filiale“) ist weder ein Feld dieser Datenart (respondent_id, "
        "branch_id, wave, tenure_band, role) noch eine Frage-ID des Fragebogens."
    ]


def test_unused_and_identifying_columns_are_listed_not_stored():
    raw = survey().with_columns(
        pl.lit("anna@example.com").alias("E-Mail"), pl.lit("3,5").alias("Dauer")
    )
    result = run(raw, identifying=[("E-Mail", "email"), ("ID", "response_id")])
    assert result.ok
    assert result.ignored_columns == ["Dauer"]
    # the respondent id is used for the duplicate check only, never stored
    assert result.dropped_columns == [("E-Mail", "email"), ("ID", "response_id")]
    assert result.warnings[0].message("de") == (
        "Spalten mit personenbezogenen Angaben werden nicht gespeichert: „E-Mail“ "
        "(E-Mail-Adresse), „ID“ (Kennung der Antwort im Umfragewerkzeug)"
    )
    assert "anna@example.com" not in str(result.frames)
