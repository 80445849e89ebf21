"""Numbers out of range and paths the CLI cannot write end in a sentence, never a traceback
(issue 15, point 7)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from cli_run import loyalty

from loyalty import demo
from loyalty.importing.run import run_import
from loyalty.store import Store

WAVE = "2024-H1"
HEAD = "Filiale;Periode;Aktive Kunden;Gehaltene Kunden;Promotoren;Passive;Kritiker\n"
BIG = (
    HEAD + f"B001;{WAVE};99999999999999999999999;10;1;1;1\n"
    f"B002;{WAVE};100;10;1;1;9223372036854775808\n"
    f"B003;{WAVE};100;10;1;1;1e30\n"
    f"B004;{WAVE};100;10;1;1;1\n"
).encode()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("limits") / "base.duckdb"
    store = Store(path)
    demo.seed_store(store, demo.generate(demo.DemoParams(n_branches=6, n_waves=1)))
    store.close()
    return path


@pytest.fixture
def store(base, tmp_path):
    path = tmp_path / "s.duckdb"
    path.write_bytes(base.read_bytes())
    s = Store(path)
    yield s
    s.close()


def test_counts_beyond_any_integer_are_problems_with_row_and_column(store):
    out = run_import(store, BIG, "k.csv", "loyalty", WAVE, actor="crm", lang="de")
    assert not out.stored
    problems = out.report.validation.problems.filter(pl.col("kind") == "too_large")
    assert problems.select("row", "column", "value").rows() == [
        (2, "Aktive Kunden", "99999999999999999999999"),
        (3, "Kritiker", "9223372036854775808"),
        (4, "Kritiker", "1e30"),
    ]
    text = out.report.render_text("de")
    assert (
        "Zeile 2, Spalte „Aktive Kunden“: „99999999999999999999999“ ist zu groß; erwartet: "
        "höchstens 10¹⁵." in text
    )
    assert "is too large; expected: at most 10¹⁵." in out.report.render_text("en")


def test_infinite_amounts_and_huge_headcounts_are_problems(store):
    fin = (
        "Filiale;Periode;Umsatz;Rohertrag;Betriebsergebnis\n"
        f"B001;{WAVE};inf;1;1\nB002;{WAVE};NaN;1;1\nB003;{WAVE};-1e16;1;1\n"
    ).encode()
    mapping = {
        "branch_id": "Filiale",
        "wave": "Periode",
        "revenue": "Umsatz",
        "gross_margin": "Rohertrag",
        "operating_profit": "Betriebsergebnis",
    }
    out = run_import(store, fin, "f.csv", "finance", WAVE, mapping=mapping, actor="c")
    assert not out.stored
    rows = out.report.validation.problems.filter(pl.col("column") == "Umsatz")["row"].to_list()
    assert sorted(rows) == [2, 3, 4]
    branches = b"Filiale;Name;Mitarbeiter\nB001;Nord;10000000\n"
    out = run_import(
        store,
        branches,
        "b.csv",
        "branches",
        None,
        mapping={"branch_id": "Filiale", "name": "Name", "headcount": "Mitarbeiter"},
        actor="admin",
        lang="en",
    )
    assert not out.stored
    assert "“10000000” is too large; expected: at most 10⁶." in out.report.render_text("en")


def test_problems_csv_into_a_missing_folder_is_created(base, tmp_path):
    db = tmp_path / "c.duckdb"
    db.write_bytes(base.read_bytes())
    (tmp_path / "big.csv").write_bytes(BIG)
    target = tmp_path / "not" / "yet" / "problems.csv"
    out = loyalty("import", str(tmp_path / "big.csv"), "--kind", "loyalty", "--wave", WAVE,
                  "--db", str(db), "--problems-csv", str(target), "--lang", "en")  # fmt: skip
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr
    assert pl.read_csv(target).height == 3


def test_problems_csv_where_no_file_can_be_is_a_usage_error(base, tmp_path):
    db = tmp_path / "c.duckdb"
    db.write_bytes(base.read_bytes())
    good = tmp_path / "ok.csv"
    good.write_bytes((HEAD + f"B001;{WAVE};100;10;1;1;1\n").encode())
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    out = loyalty("import", str(good), "--kind", "loyalty", "--wave", WAVE, "--db", str(db),
                  "--problems-csv", str(blocker / "p.csv"), "--lang", "de")  # fmt: skip
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert f"{blocker} ist eine Datei, kein Ordner" in out.stderr
    store = Store(db)
    try:  # refused before importing: nothing stored
        assert store.sql("SELECT count(*) AS n FROM imports WHERE kind = 'loyalty'")["n"][0] == 1
    finally:
        store.close()
    out = loyalty("report", "--out", str(blocker / "r.pdf"), "--db", str(db), "--lang", "en")
    assert out.returncode == 2 and "is a file, not a folder" in out.stderr
    out = loyalty("demo", "--db", str(tmp_path / "d.duckdb"), "--samples", str(blocker))
    assert out.returncode == 2 and "Traceback" not in out.stderr
