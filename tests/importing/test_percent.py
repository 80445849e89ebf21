"""Excel's percent format (issue 15, point 12): fastexcel/calamine renders only a cell's stored
value (0.125), so a cell formatted as percent is read as Excel shows it ("12.5%"), from the
format in xl/styles.xml; 12.5 typed without a format stays 12.5. No import field is a
percentage (rates are computed from counts and amounts), so a percentage where a count or an
amount belongs is refused with row and column, never stored as 0.125."""

from __future__ import annotations

import io

import pytest
import xlsxwriter

from loyalty import cli, demo
from loyalty.importing.read import read_file
from loyalty.importing.run import run_import
from loyalty.store import Store


def sheet(rows: list[list], formats: dict[tuple[int, int], str]) -> bytes:
    """A workbook whose cells (row, col) in ``formats`` carry that number format."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    ws = book.add_worksheet()
    cache: dict[str, object] = {}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            code = formats.get((r, c))
            fmt = cache.setdefault(code, book.add_format({"num_format": code})) if code else None
            ws.write(r, c, value, fmt)
    book.close()
    return buf.getvalue()


def test_a_percent_formatted_cell_reads_as_excel_shows_it():
    data = sheet(
        [["Filiale", "Quote", "Wert"], ["B1", 0.125, 12.5], ["B2", 12.5, 0.07], ["B3", -0.5, 1]],
        {(1, 1): "0.0%", (2, 2): "0%", (3, 1): '0.00" Pkt."%', (3, 2): "#,##0"},
    )
    raw = read_file(data, "q.xlsx")
    assert raw.frame.rows() == [("B1", "12.5%", "12.5"), ("B2", "12.5", "7%"), ("B3", "-50%", "1")]


def test_a_custom_format_with_a_quoted_percent_sign_is_not_a_percentage():
    data = sheet([["Filiale", "Wert"], ["B1", 0.5]], {(1, 1): '0.0" %"'})
    assert read_file(data, "q.xlsx").frame["Wert"].to_list() == ["0.5"]


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    root = tmp_path_factory.mktemp("percent")
    data = demo.generate(demo.DemoParams(n_branches=6, n_waves=1))
    base = root / "base.duckdb"
    store = Store(base)
    demo.seed_store(store, data)
    wave = store.sql("SELECT wave FROM waves")["wave"][0]
    store.close()
    return {"base": base, "branches": data.branches["branch_id"].to_list(), "wave": wave}


def finance(chain, percent_row: int | None) -> bytes:
    rows = [["Filiale", "Periode", "Umsatz", "Rohertrag", "Betriebsergebnis"]]
    for i, b in enumerate(chain["branches"]):
        rows.append([b, chain["wave"], 100000 + i, 0.125 if i == percent_row else 40000, 9000])
    formats = {} if percent_row is None else {(percent_row + 1, 3): "0.0%"}
    return sheet(rows, formats)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("de", "Zeile 3, Spalte „Rohertrag“: „12.5%“ ist ein Prozentwert"),
        ("en", "Row 3, column “Rohertrag”: “12.5%” is a percentage"),
    ],
)
def test_a_percentage_where_an_amount_belongs_is_refused(chain, tmp_path, lang, expected):
    db = tmp_path / "f.duckdb"
    db.write_bytes(chain["base"].read_bytes())
    store = Store(db)
    try:
        before = store.sql("SELECT count(*) AS n FROM imports")["n"][0]
        out = run_import(
            store, finance(chain, 1), "f.xlsx", "finance", chain["wave"], actor="t", lang=lang
        )
        assert not out.stored
        assert expected in out.report.render_text(lang)
        assert store.sql("SELECT count(*) AS n FROM imports")["n"][0] == before
        out = run_import(store, finance(chain, None), "f.xlsx", "finance", chain["wave"], actor="t")
        assert out.stored, out.report.render_text("en")
    finally:
        store.close()


def test_the_cli_refuses_it_too(chain, tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    db.write_bytes(chain["base"].read_bytes())
    path = tmp_path / "finanzen.xlsx"
    path.write_bytes(finance(chain, 0))
    args = ["import", str(path), "--kind", "finance", "--wave", chain["wave"], "--db", str(db)]
    assert cli.main([*args, "--lang", "en"]) == 1
    assert "Row 2, column “Rohertrag”: “12.5%” is a percentage" in capsys.readouterr().out
    assert cli.main([*args, "--lang", "de"]) == 1
    assert "Zeile 2, Spalte „Rohertrag“: „12.5%“ ist ein Prozentwert" in capsys.readouterr().out
