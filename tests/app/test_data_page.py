"""The Data page: upload → detected format → mapping → validation report → preview → confirm,
and the versions tab; the dashboards read the new version at once."""

from __future__ import annotations

import polars as pl
import pytest

from loyalty import analysis, demo
from loyalty.store import open_store


@pytest.fixture(scope="module")
def survey_csv(tmp_path_factory, demo_data) -> bytes:
    """The demo's German survey export (cp1252, ';'), every answer of branch B042 set to 5."""
    folder = tmp_path_factory.mktemp("samples")
    path = next(p for p in demo.write_samples(demo_data, folder) if "befragung" in p.name)
    text = path.read_bytes().decode("cp1252")
    lines = text.splitlines()
    header = lines[0].split(";")
    items = [i for i, h in enumerate(header) if h[:3] in ("MOT", "COM", "LEA", "KUN")]
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(";")
        if cells[1] == "B042":
            for i in items:
                cells[i] = "5" if header[i] not in ("COM3", "LEA3") else "1"
        out.append(";".join(cells))
    return ("\r\n".join(out) + "\r\n").encode("cp1252")


def _upload(at, name: str, data: bytes, mime: str = "text/csv"):
    at.file_uploader(key="data_upload").set_value((name, data, mime))
    return at.run()


def test_upload_check_and_confirm_a_german_survey(app, own_db, survey_csv):
    at = app("pages/data.py", lang="de").run()
    assert not at.exception
    assert "Laden Sie eine Datei hoch" in at.info[0].value
    at = _upload(at, "mitarbeiterbefragung.csv", survey_csv)
    assert not at.exception
    detected = "\n".join(m.value for m in at.markdown)
    assert "Erkannt: **CSV**, Kodierung cp1252, Trennzeichen ;" in detected
    # where to look for broken umlauts: the column names (a survey's preview is counts)
    assert any("Prüfen Sie die Umlaute in den Spaltennamen der Zuordnung" in c.value
               for c in at.caption)  # fmt: skip
    assert at.selectbox(key="data_map_engagement_branch_id_Vorschlag").value == "Filiale"
    at.selectbox(key="data_wave_choice").select("2025-H2").run()
    at.button(key="data_check").click().run()
    assert not at.exception
    assert "1.728 Zeilen gelesen, 1.728 gültig, 0 Probleme." in "\n".join(
        m.value for m in at.markdown
    )
    assert any("Antwort-ID" in i.value for i in at.info)  # dropped for privacy, said so
    assert at.success[0].value.startswith("Die Prüfung ist bestanden")
    old = analysis.branch_table(open_store(own_db), "2025-H2").filter(pl.col("branch_id") == "B042")
    at.button(key="data_confirm").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Gespeichert: Welle 2025-H2, Version 2, 1.728 Zeilen")
    # the dashboards read the new active version
    at.switch_page("pages/branch.py")
    at.query_params["branch"] = "B042"
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Engagement-Index (1–5)"] == "5,00"
    assert old["engagement"][0] < 4.5


def test_the_file_is_read_once_and_confirm_stores_what_the_check_found(
    app, own_db, survey_csv, monkeypatch
):
    """The upload is read once (the preview); "Check" checks that table, and the wait after
    "Import" is the storing. A change of the store in between (here another import) makes the
    confirm check the file again and show that check, stored only when confirmed again."""
    from loyalty.importing import read, run

    reads: list[str] = []
    checks: list[str] = []
    real_read, real_check = read.read_file, run._check

    def reading(source, filename, **kwargs):
        reads.append(filename)
        return real_read(source, filename, **kwargs)

    def checking(*args, **kwargs):
        checks.append(args[2])
        return real_check(*args, **kwargs)

    monkeypatch.setattr(read, "read_file", reading)
    monkeypatch.setattr(run, "read_file", reading)
    monkeypatch.setattr(run, "_check", checking)
    at = app("pages/data.py", lang="en").run()
    at = _upload(at, "survey.csv", survey_csv)
    at.selectbox(key="data_wave_choice").select("2025-H2").run()
    assert reads == ["survey.csv"] and checks == []
    at.button(key="data_check").click().run()
    assert reads == ["survey.csv"] and checks == ["engagement"]
    at.button(key="data_confirm").click().run()
    assert not at.exception and reads == ["survey.csv"] and len(checks) == 1
    assert at.success[0].value.startswith("Stored: wave 2025-H2, version 2, 1,728 rows")
    at.button(key="data_check").click().run()
    run.run_import(open_store(own_db), survey_csv, "other.csv", "engagement", "2025-H2", actor="x")
    assert reads == ["survey.csv", "other.csv"] and len(checks) == 3
    at.button(key="data_confirm").click().run()
    assert not at.exception and reads == ["survey.csv", "other.csv"] and len(checks) == 4
    assert at.warning[0].value.startswith("The stored data changed since your check")
    assert not [s for s in at.success if s.value.startswith("Stored:")]
    at.button(key="data_confirm").click().run()
    assert not at.exception and len(checks) == 4
    assert at.success[0].value.startswith("Stored: wave 2025-H2, version 4, 1,728 rows")


def test_a_bad_file_is_rejected_with_row_column_value_and_nothing_stored(app, own_db):
    bad = "Filiale;Welle;MOT1;MOT2\nB001;2025-H2;4;9\nB999;2025-H2;3;3\n".encode("cp1252")
    store = open_store(own_db)  # the same connection the app uses in this process
    imports_before = store.sql("SELECT count(*) AS n FROM imports")["n"][0]
    at = app("pages/data.py", lang="en").run()
    at = _upload(at, "bad.csv", bad)
    at.selectbox(key="data_wave_choice").select("2025-H2").run()
    at.button(key="data_check").click().run()
    assert not at.exception
    assert at.error[0].value == "The file cannot be stored like this. Nothing was stored."
    lines = "\n".join(m.value for m in at.markdown)
    assert "Row 2" in lines and "MOT2" in lines and "9" in lines
    assert "Row 3" in lines and "B999" in lines
    assert not [b for b in at.button if b.key == "data_confirm"]
    assert "data_problems_csv" in [b.key for b in at.get("download_button")]
    assert store.sql("SELECT count(*) AS n FROM imports")["n"][0] == imports_before


def test_an_unreadable_file_says_why(app, own_db):
    at = app("pages/data.py", lang="en").run()
    at = _upload(at, "survey.xlsx", b"Filiale;Welle\nB001;2025-H2\n")
    assert not at.exception
    assert at.error and "xlsx" in at.error[0].value.lower()


def test_versions_tab_makes_an_earlier_version_active(app, own_db, survey_csv):
    store = open_store(own_db)
    from loyalty.importing import run

    out = run.run_import(
        store, survey_csv, "s.csv", "engagement", "2025-H2", actor="test", lang="en"
    )
    assert out.stored
    old_id = store.sql(
        "SELECT import_id FROM imports WHERE kind = 'engagement' AND wave = '2025-H2' "
        "AND version = 1"
    )["import_id"][0]
    at = app("pages/data.py", lang="en").run()
    listed = next(d.value for d in at.dataframe if "Version" in d.value.columns)
    branch_list = listed[listed["Kind"] == "branch list"]
    assert branch_list["Wave"].tolist() == ["–"]  # the branch list has no wave: a dash
    assert listed["Wave"].notna().all()
    # only inactive versions are offered: the old one, not the active new one
    assert at.selectbox(key="version_pick").options == [
        o for o in at.selectbox(key="version_pick").options if "active" not in o
    ]
    at.selectbox(key="version_pick").select(old_id).run()
    at.button(key="version_activate").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Now active: employee survey 2025-H2, version 1 – ")
    active = store.sql(
        "SELECT import_id FROM imports WHERE kind = 'engagement' AND wave = '2025-H2' AND active"
    )["import_id"].to_list()
    assert active == [old_id]
    # the page was refreshed: the lists now offer the new version, no longer the old one,
    # and nothing is picked
    offered = at.selectbox(key="version_pick").options
    assert len(offered) == 1 and offered[0].startswith("employee survey 2025-H2, version 2 – ")
    assert at.selectbox(key="version_pick").value is None
    assert (
        at.selectbox(key="version_delete_pick").options == at.selectbox(key="version_pick").options
    )
    listed = next(d.value for d in at.dataframe if "Version" in d.value.columns)
    assert "active" in set(listed["Status"])


def test_a_delete_tick_belongs_to_the_version_it_was_given_for(app, own_db, survey_csv):
    """Ticked for one version, then another picked: the other starts unticked (a stale list
    once moved the choice to the first version while the tick stayed, and that one was
    deleted)."""
    from loyalty.importing import run

    store = open_store(own_db)
    for _ in range(2):  # versions 2 and 3 of the wave: versions 1 and 2 inactive
        out = run.run_import(store, survey_csv, "s.csv", "engagement", "2025-H2", actor="t")
        assert out.stored, out.report.render_text("en")
    inactive = store.sql(
        "SELECT import_id FROM imports WHERE kind = 'engagement' AND NOT active "
        "AND deleted_at IS NULL ORDER BY import_id"
    )["import_id"].to_list()
    store.close()
    at = app("pages/data.py", lang="en").run()
    # nothing is picked by default: no tick and no button until a version is chosen
    assert at.selectbox(key="version_delete_pick").value is None
    assert "version_delete" not in [b.key for b in at.button]
    first = inactive[0]
    at.selectbox(key="version_delete_pick").select(first).run()
    assert len(inactive) >= 2
    at.checkbox(key=f"version_delete_sure_{first}").check().run()
    assert not at.button(key="version_delete").disabled
    other = next(i for i in inactive if i != first)
    at.selectbox(key="version_delete_pick").select(other).run()
    assert not at.checkbox(key=f"version_delete_sure_{other}").value
    assert at.button(key="version_delete").disabled
    at.checkbox(key=f"version_delete_sure_{other}").check().run()
    at.button(key="version_delete").click().run()
    assert not at.exception
    assert "records removed from the store (for a survey, each answer to each question)" in (
        at.success[0].value
    )
    store = open_store(own_db)
    deleted = store.sql("SELECT import_id FROM imports WHERE deleted_at IS NOT NULL")
    assert deleted["import_id"].to_list() == [other]  # the one picked, no other


def test_hr_defines_the_questionnaire_of_a_new_wave_on_the_page(app, own_db):
    from loyalty.importing import instrument

    at = app("pages/data.py", lang="en").run()
    at.selectbox(key="instrument_wave").select("new wave …").run()
    at.text_input(key="instrument_new_wave").input("2026-H1").run()
    assert not at.exception
    at.button(key="instr_save").click().run()
    assert not at.exception
    assert at.success[0].value == "Questionnaire for 2026-H1 saved (12 items)."
    saved = instrument.instrument_for_wave(open_store(own_db), "2026-H1")
    latest = instrument.instrument_for_wave(open_store(own_db), "2025-H2")
    assert saved.items_frame().equals(latest.items_frame())  # the same items keep their ids


def test_a_questionnaire_table_with_an_unknown_dimension_is_refused():
    from loyalty.importing import instrument

    dims = pl.DataFrame({"dimension_id": ["mot"], "name_de": ["Motivation"], "name_en": ["M"]})
    items = pl.DataFrame(
        {
            "item_id": ["MOT1", "XYZ1"],
            "dimension_id": ["mot", "nope"],
            "text_de": ["Ich arbeite gern hier.", "Unklar"],
            "text_en": ["I like working here.", "Unclear"],
            "scale_min": [1, 1],
            "scale_max": [5, 5],
            "reverse": [False, False],
            "in_index": [True, True],
        }
    )
    with pytest.raises(instrument.InstrumentError) as caught:
        instrument.from_tables(dims, items)
    assert caught.value.messages("en") == ["Item XYZ1: the dimension “nope” is not defined."]
    ok = instrument.from_tables(dims, items.head(1))
    assert [i.item_id for i in ok.items] == ["MOT1"]


def test_a_full_disk_at_confirm_says_so_and_stores_nothing(app, own_db, survey_csv, monkeypatch):
    """The confirmed import fails where a full disk makes it fail (DuckDB's write error inside
    the transaction, after every row was written): the page says what happened and what to do,
    in the user's language, and the store is as before and still takes imports."""
    import duckdb

    from loyalty.importing import run

    store = open_store(own_db)  # the same connection the app uses in this process
    before = store.sql("SELECT * FROM imports ORDER BY import_id").rows()
    responses = store.sql("SELECT count(*) AS n FROM responses")["n"][0]
    real_store = run.store_validated

    def full_disk(cur, *args, **kwargs):
        real_store(cur, *args, **kwargs)
        raise duckdb.IOException(
            f'IO Error: Could not write file "{own_db}.wal": No space left on device'
        )

    monkeypatch.setattr(run, "store_validated", full_disk)
    at = app("pages/data.py", lang="de").run()
    at = _upload(at, "mitarbeiterbefragung.csv", survey_csv)
    at.selectbox(key="data_wave_choice").select("2025-H2").run()
    at.button(key="data_check").click().run()
    at.button(key="data_confirm").click().run()
    assert not at.exception
    # the file is not to blame: the page says the disk is full, not "the file cannot be stored"
    said = at.error[0].value
    assert said.startswith("Loyalty kann nicht in den Datenspeicher")
    assert f"Der Datenträger mit dem Datenverzeichnis {own_db.parent} ist voll" in said
    assert "Schaffen Sie Platz auf diesem Datenträger" in said
    assert "No space left" not in said  # DuckDB's own words stay out of the page
    assert not any("So kann die Datei nicht" in e.value for e in at.error)
    problem_groups = [e for e in at.expander if e.label.startswith("Der Datenspeicher")]
    assert not problem_groups  # no problem group: the rows were all valid
    # the check before (still on the page) passed; nothing says "stored"
    assert [s.value[:26] for s in at.success] == ["Die Prüfung ist bestanden."]
    assert store.sql("SELECT * FROM imports ORDER BY import_id").rows() == before
    assert store.sql("SELECT count(*) AS n FROM responses")["n"][0] == responses
    # space again: the same import goes through
    monkeypatch.setattr(run, "store_validated", real_store)
    out = run.run_import(store, survey_csv, "s.csv", "engagement", "2025-H2", actor="t")
    assert out.stored and out.version == 2
