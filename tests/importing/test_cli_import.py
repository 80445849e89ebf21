"""`loyalty import` and `loyalty instrument` as a user runs them: exit codes and printed text."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from cli_run import loyalty

from loyalty import demo
from loyalty.importing.instrument import parse_yaml, to_yaml
from loyalty.store import Store

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def counts(db: Path) -> dict[str, int]:
    store = Store(db)
    try:
        return {
            t: store.sql(f"SELECT count(*) AS n FROM {t}")["n"][0]
            for t in (
                "imports",
                "responses",
                "response_scores",
                "financials",
                "mappings",
                "wave_items",
                "items",
                "audit_log",
            )
        }
    finally:
        store.close()


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    data = demo.generate(demo.DemoParams(n_branches=30, n_waves=2))
    base = root / "base.duckdb"
    store = Store(base)
    demo.seed_store(store, data)
    store.close()
    return {"data": data, "base": base, "samples": demo.write_samples(data, root / "samples")}


@pytest.fixture
def db(chain, tmp_path) -> Path:
    path = tmp_path / "s.duckdb"
    path.write_bytes(chain["base"].read_bytes())
    return path


def test_import_stores_and_prints_the_suggested_mapping(chain, db):
    survey = chain["samples"][0]
    out = loyalty(
        "import",
        str(survey),
        "--kind",
        "engagement",
        "--wave",
        "2024-H2",
        "--db",
        str(db),
        "--lang",
        "de",
        "--actor",
        "hr",
    )
    assert out.returncode == 0, out.stderr + out.stdout
    text = out.stdout
    assert text.startswith(
        "Ohne --mapping wird die vorgeschlagene Zuordnung verwendet (ändern mit --map "
        "FELD=SPALTE, speichern mit --save-mapping NAME).\n"
        "Import mitarbeiterbefragung_2024-H2.csv (Mitarbeiterbefragung)\n"
        "Datei: CSV,"
    )
    assert "  Filialnummer          ← „Filiale“\n" in text
    assert (
        "Fragen (12): MOT1, MOT2, MOT3, COM1, COM2, COM3, LEA1, LEA2, LEA3, KUN1, KUN2, KUN3"
        in (text)
    )
    assert (
        "Nicht verwendete Spalten (weder zugeordnet noch Frage des Fragebogens): "
        "„Bearbeitungszeit (Min.)“" in text
    )
    assert "Gespeichert: Mitarbeiterbefragung 2024-H2, Version 2 (" in text
    assert "(Import" not in text  # versions are named by kind, wave and number, not import ids
    assert "[ 60%] Daten werden gespeichert" in out.stderr


def test_dry_run_and_english(chain, db):
    before = counts(db)
    out = loyalty(
        "import",
        str(chain["samples"][1]),
        "--kind",
        "finance",
        "--db",
        str(db),
        "--lang",
        "en",
        "--dry-run",
    )
    assert out.returncode == 0, out.stderr
    assert "Dry run: the file is fine; nothing was stored." in out.stdout
    assert "File: XLSX" in out.stdout and "sheet “Ergebnisse”" in out.stdout
    assert counts(db) == before


def test_a_rejected_import_exits_1_and_changes_nothing(chain, db, tmp_path):
    survey = pl.read_csv(chain["samples"][0], separator=";", encoding="cp1252", infer_schema=False)
    bad = survey.with_columns(pl.lit("8").alias("MOT2"))
    path = tmp_path / "umfrage.csv"
    path.write_bytes(bad.write_csv(separator=";").encode("cp1252"))
    before = counts(db)
    problems = tmp_path / "probleme.csv"
    out = loyalty(
        "import",
        str(path),
        "--kind",
        "engagement",
        "--wave",
        "2024-H2",
        "--db",
        str(db),
        "--lang",
        "de",
        "--problems-csv",
        str(problems),
    )
    assert out.returncode == 1, out.stderr
    n = bad.height
    assert f"Probleme: {n} – nichts wurde gespeichert" in out.stdout.replace(".", "")
    assert f"  Antworten außerhalb der Skala des Fragebogens ({n:,})".replace(",", ".") in (
        out.stdout
    )
    assert "    Zeile 2, Spalte „MOT2“: 8 (erwartet: 1–5)\n" in out.stdout
    assert f"    … und {n - 20} weitere (vollständige Liste als CSV: --problems-csv DATEI)" in (
        out.stdout
    )
    assert out.stdout.rstrip().endswith(
        "Der Import wurde abgelehnt; der Datenspeicher ist unverändert.\n"
        f"Alle Probleme als CSV: {problems}"
    )
    listed = pl.read_csv(problems, separator=";")  # the Data page's German CSV
    assert listed.height == n
    assert listed.columns == ["Art", "Zeile", "Spalte", "Wert", "Erwartet", "Meldung"]
    assert counts(db) == before


def test_usage_errors_exit_2(chain, db):
    survey = str(chain["samples"][0])
    assert loyalty("import", survey, "--db", str(db)).returncode == 2  # --kind missing
    assert loyalty("import", survey, "--kind", "people", "--db", str(db)).returncode == 2
    out = loyalty(
        "import", survey, "--kind", "engagement", "--unknown-branches", "maybe", "--db", str(db)
    )
    assert out.returncode == 2 and "invalid choice" in out.stderr
    out = loyalty("import", "/nowhere/x.csv", "--kind", "finance", "--db", str(db), "--lang", "de")
    assert out.returncode == 2
    assert "Die Datei /nowhere/x.csv gibt es nicht." in out.stderr
    assert loyalty("instrument", "--db", str(db)).returncode == 2


def test_map_overrides_and_saved_mappings(db):
    qualtrics = FIXTURES / "qualtrics.csv"
    if not qualtrics.exists():
        pytest.fail(f"the committed fixture {qualtrics} is missing")
    out = loyalty(
        "import",
        str(qualtrics),
        "--kind",
        "engagement",
        "--db",
        str(db),
        "--lang",
        "de",
        "--map",
        "branch_id=Q1",
        "--map",
        "wave=Q3",
        "--save-mapping",
        "Qualtrics",
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "  Filialnummer ← „Q1“" in out.stdout
    assert "Zuordnung „Qualtrics“ gespeichert." in out.stdout
    again = loyalty(
        "import",
        str(qualtrics),
        "--kind",
        "engagement",
        "--db",
        str(db),
        "--lang",
        "en",
        "--mapping",
        "Qualtrics",
    )
    assert again.returncode == 0, again.stdout
    assert "Version 2" in again.stdout.replace("version 2", "Version 2")
    missing = loyalty(
        "import",
        str(qualtrics),
        "--kind",
        "engagement",
        "--db",
        str(db),
        "--lang",
        "en",
        "--mapping",
        "Nope",
    )
    assert missing.returncode == 1
    assert "There is no saved mapping “Nope” for this kind of data." in missing.stdout
    bad = loyalty(
        "import", str(qualtrics), "--kind", "engagement", "--db", str(db), "--map", "branch_id"
    )
    assert bad.returncode == 2


def test_instrument_set_show_and_refusal(chain, db, tmp_path):
    show = loyalty("instrument", "show", "--wave", "2024-H2", "--db", str(db))
    assert show.returncode == 0, show.stderr
    instrument = parse_yaml(show.stdout)
    assert len(instrument.items) == 12
    path = tmp_path / "fragebogen.yaml"
    path.write_text(to_yaml(instrument.subset(["MOT1", "MOT2", "KUN1"])), encoding="utf-8")
    out = loyalty(
        "instrument", "set", "--wave", "2025-H1", str(path), "--db", str(db), "--lang", "de"
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == ("Fragebogen für Welle 2025-H1 gespeichert: 3 Fragen in 2 Dimensionen.\n")
    assert (
        len(
            parse_yaml(
                loyalty("instrument", "show", "--wave", "2025-H1", "--db", str(db)).stdout
            ).items
        )
        == 3
    )
    changed = to_yaml(instrument).replace("Ich gehe gern zur Arbeit.", "Ich arbeite gern.")
    path.write_text(changed, encoding="utf-8")
    before = counts(db)
    out = loyalty(
        "instrument", "set", "--wave", "2025-H2", str(path), "--db", str(db), "--lang", "en"
    )
    assert out.returncode == 1
    assert out.stderr.startswith("Item MOT1 is already stored with another definition")
    assert counts(db) == before
    none = loyalty("instrument", "show", "--wave", "1999-H1", "--db", str(db), "--lang", "en")
    assert none.returncode == 1 and "Wave 1999-H1 has no questionnaire." in none.stderr


def test_import_with_an_instrument_file(chain, db, tmp_path):
    survey = pl.read_csv(
        chain["samples"][0], separator=";", encoding="cp1252", infer_schema=False
    ).with_columns(pl.lit("2025-H1").alias("Welle"))
    path = tmp_path / "neu.csv"
    path.write_bytes(survey.write_csv(separator=";").encode("cp1252"))
    out = loyalty(
        "import",
        str(path),
        "--kind",
        "engagement",
        "--db",
        str(db),
        "--lang",
        "de",
        "--instrument",
        str(ROOT / "docs" / "data-model.md"),
    )
    assert out.returncode == 1  # not a questionnaire file
    assert "Fragebogendateien müssen auf .yaml, .yml oder .csv enden" in out.stderr
    yaml_path = tmp_path / "i.yaml"
    show = loyalty("instrument", "show", "--wave", "2024-H2", "--db", str(db))
    yaml_path.write_text(show.stdout, encoding="utf-8")
    out = loyalty(
        "import",
        str(path),
        "--kind",
        "engagement",
        "--db",
        str(db),
        "--lang",
        "de",
        "--instrument",
        str(yaml_path),
    )
    assert out.returncode == 0, out.stdout
    assert "Welle 2025-H1 ist neu und wird angelegt (01.01.2025 bis 30.06.2025)." in out.stdout
