"""The Data page's guards from issue 15: what a new version would stop showing is said
before confirming (point 1); identifying texts in mapped columns are refused (point 5)."""

from __future__ import annotations

import polars as pl
import pytest

from loyalty import demo
from loyalty.store import open_store


@pytest.fixture(scope="module")
def samples(tmp_path_factory, demo_data):
    folder = tmp_path_factory.mktemp("guard_samples")
    survey, finance, loyalty, _ = demo.write_samples(demo_data, folder)
    return {"survey": survey, "finance": finance, "loyalty": loyalty}


def _check(app, lang, kind, name, data, wave="2025-H2"):
    at = app("pages/data.py", lang=lang).run()
    if kind != "engagement":
        at.radio(key="data_kind").set_value(kind).run()
    at.file_uploader(key="data_upload").set_value((name, data, "text/csv"))
    at.run()
    at.selectbox(key="data_wave_choice").select(wave).run()
    at.button(key="data_check").click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "de",
            "Die Datei hat keine Abwanderungsgründe; die Abwanderungsgründe von 120 Filialen "
            "der Welle 2025-H2 bleiben aus Version 1 erhalten.",
        ),
        (
            "en",
            "The file has no churn reasons; the churn reasons of 120 branches of wave 2025-H2 "
            "stay from version 1.",
        ),
    ],
)
def test_the_check_says_that_churn_reasons_stay(app, own_db, samples, lang, expected):
    data = samples["loyalty"].read_bytes()
    at = _check(app, lang, "loyalty", samples["loyalty"].name, data)
    assert expected in [w.value for w in at.warning]
    store = open_store(own_db)
    before = store.sql("SELECT sum(customers) AS n FROM active_churn WHERE wave = '2025-H2'")
    at.button(key="data_confirm").click().run()
    assert not at.exception
    after = store.sql("SELECT sum(customers) AS n FROM active_churn WHERE wave = '2025-H2'")
    assert after["n"][0] == before["n"][0] > 0


def test_a_correction_of_a_few_branches_is_stored_only_once_its_loss_is_agreed(
    app, own_db, samples
):
    """A file of three branches replaces the wave's 120: the check names the 117 no longer
    shown, and the confirm button waits for a tick that says so."""
    frame = pl.read_csv(samples["loyalty"].read_bytes().decode("cp1252").encode(), separator=";")
    three = frame.head(3).write_csv(separator=";").encode()
    at = _check(app, "de", "loyalty", "korrektur.csv", three)
    assert any("117 Filialen mit Kundenbindungszahlen" in w.value for w in at.warning)
    assert at.button(key="data_confirm").disabled
    tick = next(c for c in at.checkbox if c.key.startswith("data_hides_ok_"))
    assert tick.label.startswith("Ja, die neue Version ersetzt die aktive ganz")
    tick.check().run()
    assert not at.button(key="data_confirm").disabled
    # the preview's numbers in the page's format (a Styler's display values: 4.525, not 4525)
    preview = next(d for d in at.dataframe if "active_customers" in d.value.columns)
    assert preview.proto.arrow_data.styler.display_values
    at.button(key="data_confirm").click().run()
    assert not at.exception
    store = open_store(own_db)
    shown = store.sql("SELECT count(*) AS n FROM active_loyalty WHERE wave = '2025-H2'")["n"][0]
    assert shown == 3
    # a file of every branch asks nothing more
    at = _check(app, "en", "loyalty", samples["loyalty"].name, samples["loyalty"].read_bytes())
    assert not [c for c in at.checkbox if c.key.startswith("data_hides_ok_")]
    assert not at.button(key="data_confirm").disabled


@pytest.mark.parametrize("lang", ["de", "en"])
def test_an_email_in_the_job_area_is_refused_with_row_and_column(app, own_db, samples, lang):
    text = samples["survey"].read_bytes().decode("cp1252")
    frame = pl.read_csv(text.encode(), separator=";", infer_schema=False)
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 3)
        .then(pl.lit("anna.schmidt@example.de"))
        .otherwise(pl.col("Tätigkeitsbereich"))
        .alias("Tätigkeitsbereich")
    )
    data = frame.write_csv(separator=";").encode("cp1252")
    store = open_store(own_db)
    imports = store.sql("SELECT count(*) AS n FROM imports")["n"][0]
    at = _check(app, lang, "engagement", "befragung.csv", data)
    lines = "\n".join(m.value for m in at.markdown)
    expected = {
        "de": "Zeile 5, Spalte „Tätigkeitsbereich“: „anna.schmidt@example.de“ enthält eine "
        "E-Mail-Adresse",
        "en": "Row 5, column “Tätigkeitsbereich”: “anna.schmidt@example.de” holds an e-mail "
        "address",
    }[lang]
    assert expected in lines
    assert not [b for b in at.button if b.key == "data_confirm"]
    assert store.sql("SELECT count(*) AS n FROM imports")["n"][0] == imports


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("de", "endet nach 9 von 18 Feldern"), ("en", "ends after 9 of 18 fields")],
)
def test_a_file_cut_off_mid_row_is_refused(app, own_db, samples, lang, expected):
    body = samples["survey"].read_bytes().rstrip(b"\r\n")
    start = body.rindex(b"\n") + 1
    data = body[:start] + b";".join(body[start:].split(b";")[:9])
    at = app("pages/data.py", lang=lang).run()
    at.file_uploader(key="data_upload").set_value(("befragung.csv", data, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    assert any(expected in e.value for e in at.error), [e.value for e in at.error]
    assert not [b for b in at.button if b.key == "data_check"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("de", "Spalte „Betriebsergebnis“ enthält in 120 Zellen Formeln ohne gespeichertes"),
        ("en", "Column “Betriebsergebnis” holds formulas without a stored result in 120 cells"),
    ],
)
def test_excel_formulas_without_results_are_refused(app, own_db, demo_data, lang, expected):
    from importing.test_formulas import finance_xlsx

    data = finance_xlsx(demo_data.branches["branch_id"].to_list(), "2025-H2", cached=False)
    at = app("pages/data.py", lang=lang).run()
    at.radio(key="data_kind").set_value("finance").run()
    at.file_uploader(key="data_upload").set_value(("f.xlsx", data, "application/octet-stream"))
    at.run()
    at.selectbox(key="data_wave_choice").select("2025-H2").run()
    at.button(key="data_check").click().run()
    assert not at.exception, at.exception
    lines = "\n".join(m.value for m in at.markdown)
    assert expected in lines, lines
    assert not [b for b in at.button if b.key == "data_confirm"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("de", "Zeile 2, Spalte „Aktive Kunden“: „99999999999999999999999“ ist zu groß"),
        ("en", "Row 2, column “Aktive Kunden”: “99999999999999999999999” is too large"),
    ],
)
def test_a_count_beyond_any_integer_is_a_problem_not_a_traceback(app, own_db, lang, expected):
    data = (
        b"Filiale;Periode;Aktive Kunden;Gehaltene Kunden;Promotoren;Passive;Kritiker\n"
        b"B001;2025-H2;99999999999999999999999;10;1;1;1\nB002;2025-H2;100;10;1;1;1\n"
    )
    at = _check(app, lang, "loyalty", "k.csv", data)
    lines = "\n".join(m.value for m in at.markdown)
    assert expected in lines, lines


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("de", "120 Filialen sind mit Namen oder anders geschriebener Nummer angegeben"),
        ("en", "120 branches are given by name or by an id written otherwise and were matched"),
    ],
)
def test_branch_names_instead_of_ids_are_matched(app, own_db, demo_data, samples, lang, expected):
    names = dict(demo_data.branches.select("branch_id", "name").iter_rows())
    frame = pl.read_csv(samples["loyalty"].read_bytes(), separator=";", infer_schema=False)
    frame = frame.with_columns(pl.col("Filiale").replace_strict(names))
    at = _check(app, lang, "loyalty", "k.csv", frame.write_csv(separator=";").encode())
    assert any(expected in w.value for w in at.warning), [w.value for w in at.warning]
    assert [b for b in at.button if b.key == "data_confirm"]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_file_without_branch_column_goes_to_the_branch_chosen(app, own_db, samples, lang):
    frame = pl.read_csv(
        samples["survey"].read_bytes().decode("cp1252").encode(), separator=";", infer_schema=False
    )
    one = frame.filter(pl.col("Filiale") == "B042").drop("Filiale")
    at = app("pages/data.py", lang=lang).run()
    at.file_uploader(key="data_upload").set_value(
        ("link.csv", one.write_csv(separator=";").encode(), "text/csv")
    )
    at.run()
    at.selectbox(key="data_wave_choice").select("2025-H2").run()
    at.selectbox(key="data_one_branch_engagement").select("B042").run()
    at.button(key="data_check").click().run()
    assert not at.exception, at.exception
    # one branch's file replaces the wave's 120 branches: agreed before it is stored
    next(c for c in at.checkbox if c.key.startswith("data_hides_ok_")).check().run()
    at.button(key="data_confirm").click().run()
    assert not at.exception, at.exception
    store = open_store(own_db)
    stored = store.sql(
        "SELECT branch_id, count(*) AS n FROM active_responses WHERE wave = '2025-H2' "
        "AND import_id = (SELECT max(import_id) FROM imports) GROUP BY 1"
    )
    assert stored.rows() == [("B042", one.height)]


def test_the_versions_tab_speaks_the_users_language(app, own_db, samples):
    at = app("pages/data.py", lang="de").run()
    assert not at.exception, at.exception
    listed = next(d.value for d in at.dataframe if "Version" in d.value.columns)
    assert set(listed["Art"]) == {
        "Filialliste",
        "Mitarbeiterbefragung",
        "Kundenbindung",
        "Finanzzahlen",
    }
    assert (listed.iloc[:, 6].dt.microsecond == 0).all()
    # an active version is not offered to be made active or deleted (each wave has one):
    # with none inactive, no list without choices (whose empty text would be Streamlit's
    # English) but a sentence that says why
    assert "version_pick" not in [s.key for s in at.selectbox]
    said = "Keine frühere Version, die Sie wieder aktiv machen oder löschen können."
    assert any(c.value.startswith(said) for c in at.caption)
    # the reader's notes in words, not Note(key=…)
    at.file_uploader(key="data_upload").set_value(
        ("befragung.csv", samples["survey"].read_bytes(), "text/csv")
    )
    at.run()
    captions = [c.value for c in at.caption]
    assert not [c for c in captions if "Note(" in c], captions


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "de",
            "1.728 Zeilen gelesen, 1 Problem mit den Spalten: Die Zeilen werden geprüft, "
            "sobald die Spalten passen.",
        ),
        ("en", "1,728 rows read, 1 problem with the columns: the rows are checked once the "
               "columns fit."),
    ],
)  # fmt: skip
def test_columns_that_do_not_fit_do_not_call_the_rows_invalid(app, own_db, samples, lang, expected):
    """Without a branch column the rows are never looked at: the summary says so instead of
    "0 valid", which would blame the rows."""
    frame = pl.read_csv(
        samples["survey"].read_bytes().decode("cp1252").encode(), separator=";", infer_schema=False
    )
    data = frame.drop("Filiale").write_csv(separator=";").encode()
    at = _check(app, lang, "engagement", "no_branch.csv", data)
    said = [m.value for m in at.markdown]
    assert expected in said, said
    assert not [m for m in said if "gültig" in m or " valid" in m]


def test_dropped_identifying_columns_are_said_once(app, own_db, samples):
    at = _check(app, "de", "engagement", "befragung.csv", samples["survey"].read_bytes())
    said = [e.value for e in (*at.warning, *at.info) if "Antwort-ID" in e.value]
    assert said == ["Vor dem Speichern entfernt (Datenschutz): Antwort-ID (Kennung der Antwort "
                    "im Umfragewerkzeug)"]  # fmt: skip


def test_the_mapping_help_speaks_of_survey_questions_only_for_a_survey(app, own_db, samples):
    survey = _check(app, "en", "engagement", "s.csv", samples["survey"].read_bytes())
    finance = _check(app, "en", "finance", "f.xlsx", samples["finance"].read_bytes())
    assert any("Survey questions are found" in c.value for c in survey.caption)
    assert not any("Survey questions" in c.value or "survey link" in c.value
                   for c in finance.caption)  # fmt: skip
    assert any(c.value.endswith("if the file has no branch column, choose the branch of all "
                                "rows below.") for c in finance.caption)  # fmt: skip
    branches = app("pages/data.py", lang="en").run()
    branches.radio(key="data_kind").set_value("branches").run()
    branches.file_uploader(key="data_upload").set_value(
        ("b.csv", b"Filiale;Name\nB001;Hamburg\n", "text/csv")
    )
    branches.run()
    assert any("an id the store does not know adds a new branch" in c.value
               for c in branches.caption)  # fmt: skip


def test_the_questionnaire_editors_head_their_columns_in_the_users_language(app, own_db):
    import json

    at = app("pages/data.py", lang="de").run()
    editors = {d.key: json.loads(d.proto.columns) for d in at.dataframe if d.key}
    items = editors[next(k for k in editors if k.startswith("instrument_items_"))]
    assert items["text_de"]["label"] == "Wortlaut deutsch"
    assert items["in_index"]["label"] == "Im Index" and items["reverse"]["label"] == "Umgepolt"
    dims = editors[next(k for k in editors if k.startswith("instrument_dims_"))]
    assert dims["dimension_id"]["label"] == "Dimension (Kennung)"
