from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from loyalty import cli, exports
from loyalty.i18n import t
from loyalty.importing.run import run_import
from loyalty.store import Store

ROOT = Path(__file__).resolve().parents[1]


def test_demo_seeds_an_empty_store_and_writes_samples(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LOYALTY_LANG", "en")
    db = tmp_path / "x.duckdb"
    args = ["demo", "--db", str(db), "--branches", "30", "--waves", "2", "--last-wave", "2024-H2"]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "30 branches, 2 waves (2024-H1 … 2024-H2)" in out
    assert "sample file: " in out
    assert (tmp_path / "samples" / "mitarbeiterbefragung_2024-H2.csv").exists()
    store = Store(db)
    assert store.sql("SELECT count(*) AS n FROM branches")["n"][0] == 30
    store.close()


def test_demo_speaks_the_command_lines_language(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LOYALTY_LANG", "de")
    db = tmp_path / "x.duckdb"
    args = ["demo", "--db", str(db), "--branches", "2", "--waves", "1", "--respondents", "1200"]
    assert cli.main([*args, "--no-samples"]) == 0
    out = capsys.readouterr().out
    assert "2 Filialen, 1 Welle (" in out and "Befragungsantworten (" in out
    assert "1.2" in out.split("Welle")[1]  # the count of responses with "." for thousands
    assert cli.main(["demo", "--db", str(db), "--if-empty"]) == 0
    assert "enthält schon Daten, nichts zu tun." in capsys.readouterr().out


def test_demo_refuses_to_overwrite_unless_forced(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LOYALTY_LANG", "en")
    db = tmp_path / "x.duckdb"
    assert cli.main(["demo", "--db", str(db), "--branches", "12", "--no-samples"]) == 0
    assert cli.main(["demo", "--db", str(db), "--no-samples"]) == 1
    assert "--force" in capsys.readouterr().err
    assert cli.main(["demo", "--db", str(db), "--if-empty", "--no-samples"]) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert cli.main(["demo", "--db", str(db), "--force", "--branches", "20", "--no-samples"]) == 0
    store = Store(db)
    assert store.sql("SELECT count(*) AS n FROM branches")["n"][0] == 20
    store.close()


def test_usage_errors_exit_with_2(tmp_path):
    with pytest.raises(SystemExit) as exc:
        cli.main(["demo", "--branches", "0", "--db", str(tmp_path / "y.duckdb")])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:  # one branch: nothing to compare (it crashed)
        cli.main(["demo", "--branches", "1", "--db", str(tmp_path / "y.duckdb")])
    assert exc.value.code == 2


def test_python_dash_m_and_the_installed_script_run(tmp_path):
    db = tmp_path / "z.duckdb"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "loyalty",
            "demo",
            "--db",
            str(db),
            "--branches",
            "8",
            "--no-samples",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={**os.environ, "LOYALTY_LANG": "en"},
    )
    assert "8 branches" in out.stdout
    script = Path(sys.executable).parent / "loyalty"  # installed by `pip install -e .`
    help_text = subprocess.run(
        [str(script), "demo", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "--db" in help_text


def test_a_reader_that_stops_early_ends_the_listing_quietly(demo_db, tmp_path):
    """`loyalty versions | head -1`: the pipe closes before the listing is written; the
    command stops without a traceback (exit code 1, as Python's own convention for EPIPE)."""
    import shutil

    db = tmp_path / "pipe.duckdb"
    shutil.copy(demo_db, db)
    proc = subprocess.Popen(
        [sys.executable, "-m", "loyalty", "versions", "--db", str(db)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    proc.stdout.close()  # the reader is gone before the first line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_why_an_output_cannot_be_written_is_said_in_the_command_lines_language(
    demo_db, tmp_path, capsys
):
    """The reason inside the sentence is translated too (it was English in German text)."""
    import errno

    folder = tmp_path / "deck.pptx"
    folder.mkdir()  # a folder where the file should go
    argv = ["report", "--out", str(folder), "--db", str(demo_db)]
    assert cli.main([*argv, "--lang", "de"]) == 2
    err = capsys.readouterr().err
    assert "kann nicht geschrieben werden: das ist ein Ordner" in err and "is a folder" not in err
    assert cli.main([*argv, "--lang", "en"]) == 2
    assert "cannot be written: it is a folder" in capsys.readouterr().err
    full = OSError(errno.ENOSPC, "No space left on device")
    assert cli._write_failed(folder, full, "de").endswith(": der Datenträger ist voll")
    other = OSError(errno.EIO, "Input/output error")
    assert cli._write_failed(folder, other, "de").endswith(": Input/output error")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_import_problems_csv_is_the_data_pages_download(demo_db, tmp_path, capsys, lang):
    """`--problems-csv` writes what the Data page's "problems as CSV" button gives: German
    ";" and English ",", UTF-8 with a byte-order mark, headers in the language."""
    db = tmp_path / "problems.duckdb"
    shutil.copy(demo_db, db)
    wave = "2025-H2"
    bad = tmp_path / "kunden.csv"
    bad.write_text(
        "Filiale;Periode;Aktive Kunden;Gehaltene Kunden;Promotoren;Passive;Kritiker\n"
        f"B001;{wave};100;10;1;1;1\n"
        f"B999;{wave};100;10;1;1;1\n"
        f"B002;{wave};100;-5;1;1;1\n",
        encoding="utf-8",
    )
    target = tmp_path / "problems.csv"
    argv = ["import", str(bad), "--kind", "loyalty", "--wave", wave, "--dry-run"]
    code = cli.main([*argv, "--db", str(db), "--problems-csv", str(target), "--lang", lang])
    assert code == 1
    capsys.readouterr()
    store = Store(db)
    try:  # the page's download of the same check
        outcome = run_import(
            store, bad, bad.name, "loyalty", wave, actor="cli", dry_run=True, lang=lang
        )
    finally:
        store.close()
    page = exports.table_csv(outcome.report.problems_frame(lang), lang, label=False)
    written = target.read_bytes()
    assert written == page
    assert written.startswith(b"\xef\xbb\xbf")
    text = written.decode("utf-8-sig")
    separator = ";" if lang == "de" else ","
    header = [t(f"import.csv.{c}", lang) for c in ("kind", "row", "column", "value")]
    assert text.splitlines()[0].startswith(separator.join(header))
    back = pl.read_csv(io.StringIO(text), separator=separator)
    assert back.height >= 2
