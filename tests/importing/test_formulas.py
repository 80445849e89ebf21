"""Excel formula cells without a stored result (a file written by a program that does not
compute formulas) read as empty: the column is named and refused where it is used
(issue 15, point 4)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from loyalty import demo
from loyalty.importing.read import read_file
from loyalty.importing.run import run_import
from loyalty.store import Store

ROOT = Path(__file__).resolve().parents[2]


def finance_xlsx(branches: list[str], wave: str, *, cached: bool, start_col: int = 0) -> bytes:
    """A finance sheet whose operating profit (and an unused 'Marge %' column) are formulas;
    ``cached=False`` strips the stored results as generators without a formula engine do."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    sheet = book.add_worksheet("Ergebnisse")
    c = start_col
    header = ["Filiale", "Periode", "Umsatz", "Rohertrag", "Betriebsergebnis", "Marge %"]
    sheet.write_row(1, c, header)  # the table starts in row 2 (a title row above is empty)
    for i, branch in enumerate(branches):
        row = i + 2
        sheet.write_row(row, c, [branch, wave, 1000 + i, 400 + i])
        col = xlsxwriter.utility.xl_col_to_name
        sheet.write_formula(row, c + 4, f"={col(c + 3)}{row + 1}*0.25", None, (400 + i) * 0.25)
        sheet.write_formula(row, c + 5, f"={col(c + 3)}{row + 1}/{col(c + 2)}{row + 1}", None, 0.4)
    book.close()
    data = buf.getvalue()
    if cached:
        return data
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                part = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1", part)
            dst.writestr(info, part)
    return out.getvalue()


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    root = tmp_path_factory.mktemp("formulas")
    data = demo.generate(demo.DemoParams(n_branches=6, n_waves=1))
    base = root / "base.duckdb"
    store = Store(base)
    demo.seed_store(store, data)
    store.close()
    return {"base": base, "branches": data.branches["branch_id"].to_list(), "wave": "2024-H1"}


MAPPING = {
    "branch_id": "Filiale",
    "wave": "Periode",
    "revenue": "Umsatz",
    "gross_margin": "Rohertrag",
    "operating_profit": "Betriebsergebnis",
}


@pytest.mark.parametrize("start_col", [0, 2])
def test_the_reader_names_formula_columns_without_results(chain, start_col):
    args = (chain["branches"], chain["wave"])
    raw = read_file(finance_xlsx(*args, cached=False, start_col=start_col), "f.xlsx")
    assert raw.formula_columns == (("Betriebsergebnis", 6), ("Marge %", 6))
    assert raw.frame["Betriebsergebnis"].null_count() == 6  # what was read silently before
    cached = read_file(finance_xlsx(*args, cached=True, start_col=start_col), "f.xlsx")
    assert cached.formula_columns == ()


def placeholder_xlsx(branches: list[str], wave: str) -> bytes:
    """As a script or pandas' ``to_excel`` writes formulas: XlsxWriter without the results,
    so it stores 0 for each and asks Excel to compute them on opening (fullCalcOnLoad)."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    sheet = book.add_worksheet("Ergebnisse")
    sheet.write_row(0, 0, ["Filiale", "Periode", "Umsatz", "Rohertrag", "Betriebsergebnis"])
    for i, branch in enumerate(branches):
        sheet.write_row(i + 1, 0, [branch, wave, 1000 + i, 400 + i])
        sheet.write_formula(i + 1, 4, f"=D{i + 2}*0.25")
    book.close()
    return buf.getvalue()


def test_formulas_computed_only_on_opening_count_as_without_results(chain, tmp_path):
    data = placeholder_xlsx(chain["branches"], chain["wave"])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:  # what the file holds: 0 as each result
        assert b'fullCalcOnLoad="1"' in zf.read("xl/workbook.xml")
        assert b"<v>0</v>" in zf.read("xl/worksheets/sheet1.xml")
    assert read_file(data, "f.xlsx").formula_columns == (("Betriebsergebnis", 6),)
    db = tmp_path / "p.duckdb"
    db.write_bytes(chain["base"].read_bytes())
    store = Store(db)
    try:
        out = run_import(
            store, data, "f.xlsx", "finance", chain["wave"], mapping=MAPPING, actor="c"
        )
        assert not out.stored  # not operating profits of 0 for every branch
        assert "Column “Betriebsergebnis” holds formulas without a stored result in 6 cells" in (
            out.report.render_text("en")
        )
    finally:
        store.close()
    # results the writing program gave (here, as in finance_xlsx) are kept: a real 0 among them
    # too; so is a column of 0 in a workbook Excel saved (no fullCalcOnLoad)
    given = read_file(finance_xlsx(chain["branches"], chain["wave"], cached=True), "f.xlsx")
    assert given.formula_columns == ()
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info).replace(b' fullCalcOnLoad="1"', b""))
    assert read_file(out.getvalue(), "f.xlsx").formula_columns == ()


def test_a_used_formula_column_is_refused_an_unused_one_named(chain, tmp_path):
    db = tmp_path / "f.duckdb"
    db.write_bytes(chain["base"].read_bytes())
    data = finance_xlsx(chain["branches"], chain["wave"], cached=False)
    store = Store(db)
    try:
        before = store.sql("SELECT count(*) AS n FROM imports")["n"][0]
        out = run_import(
            store, data, "f.xlsx", "finance", chain["wave"], mapping=MAPPING, actor="c"
        )
        assert not out.stored
        text = out.report.render_text("de")
        assert (
            "Spalte „Betriebsergebnis“ enthält in 6 Zellen Formeln ohne gespeichertes Ergebnis"
            in text
        )
        assert "Die nicht verwendete Spalte „Marge %“ enthält in 6 Zellen Formeln" in text
        assert store.sql("SELECT count(*) AS n FROM imports")["n"][0] == before
        # with the results stored (saved by Excel) the same file imports
        good = finance_xlsx(chain["branches"], chain["wave"], cached=True)
        out = run_import(
            store, good, "f.xlsx", "finance", chain["wave"], mapping=MAPPING, actor="c"
        )
        assert out.stored, out.report.render_text("en")
    finally:
        store.close()


def test_the_cli_refuses_the_formula_column(chain, tmp_path):
    db = tmp_path / "cli.duckdb"
    db.write_bytes(chain["base"].read_bytes())
    path = tmp_path / "finanzen.xlsx"
    path.write_bytes(finance_xlsx(chain["branches"], chain["wave"], cached=False))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTY_")}
    maps = [a for f, c in MAPPING.items() for a in ("--map", f"{f}={c}")]
    out = subprocess.run(
        [sys.executable, "-m", "loyalty", "import", str(path), "--kind", "finance",
         "--wave", chain["wave"], *maps, "--db", str(db), "--lang", "en"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    assert out.returncode == 1, out.stdout + out.stderr
    assert (
        "Column “Betriebsergebnis” holds formulas without a stored result in 6 cells" in out.stdout
    )
