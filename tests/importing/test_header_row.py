"""The header row (issue 15, point 12): a title or notes above the table (CSV and Excel) are
skipped — the header row is found by itself and named in the check report — and the user can
choose another row (``header_row``, ``loyalty import --header-row N``)."""

from __future__ import annotations

import io

import pytest
import xlsxwriter

from loyalty import cli, demo
from loyalty.importing.read import ReadError, find_header, read_file
from loyalty.importing.run import run_import
from loyalty.store import Store

TITLED_CSV = (
    "Mitarbeiterbefragung Herbst\n"
    "Stand: 01.10.2025;Quelle: HR\n"
    "Filiale;Welle;MOT1;MOT2\n"
    "B001;2025-H2;4;5\n"
    "B002;2025-H2;3;3\n"
).encode("cp1252")


def titled_xlsx(rows: list[list], title_rows: int = 3) -> bytes:
    """A sheet with a merged title in row 1, a note in row 2, the table from row 1 + title_rows."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf)
    ws = book.add_worksheet()
    ws.merge_range(0, 0, 0, max(len(rows[0]) - 1, 1), "Finanzen je Filiale", None)
    ws.write(1, 0, "Hinweis: Zahlen vorläufig")
    for r, row in enumerate(rows):
        ws.write_row(title_rows + r, 0, row)
    book.close()
    return buf.getvalue()


def test_find_header_takes_the_first_row_that_fills_the_table():
    rows = [["Titel", None, None, None], [None] * 4, ["a", "b", "c", None], ["1", "2", "3", "4"]]
    assert find_header(rows) == 2
    assert find_header([["a", "b"], ["1", "2"]]) == 0
    assert find_header([["only"], ["one"]]) == 0


def test_a_title_and_notes_above_a_csv_table_are_skipped_and_said():
    raw = read_file(TITLED_CSV, "umfrage.csv")
    assert raw.frame.columns == ["Filiale", "Welle", "MOT1", "MOT2"]
    assert raw.delimiter == ";" and raw.header_row == 3
    assert raw.row_numbers.to_list() == [4, 5]  # rows as the user sees them
    assert [n.key for n in raw.notes] == ["read.note_header_row"]
    note = next(n for n in raw.notes if n.key == "read.note_header_row")
    assert note.message("de").startswith("Kopfzeile: Zeile 3; 2 Zeilen darüber")
    assert note.message("en").startswith("Header row: row 3; 2 rows above it")


def test_a_plain_csv_keeps_row_1_without_a_note():
    raw = read_file(b"Filiale;MOT1\nB001;4\n", "a.csv")
    assert raw.header_row == 1 and not [n for n in raw.notes if "header" in n.key]


def test_the_user_chooses_the_header_row():
    raw = read_file(TITLED_CSV, "umfrage.csv", header_row=4)
    assert raw.header_row == 4 and raw.frame.columns == ["B001", "2025-H2", "4", "5"]
    assert raw.row_numbers.to_list() == [5]
    assert any(n.key == "read.note_header_row_chosen" for n in raw.notes)
    with pytest.raises(ReadError) as exc:
        read_file(TITLED_CSV, "umfrage.csv", header_row=9)
    assert exc.value.message("de") == (
        "Zeile 9 kann nicht die Kopfzeile sein: die Tabelle reicht von Zeile 1 bis 5. "
        "Erwartet: eine Zeilennummer von 1 bis 5."
    )


def test_an_excel_title_even_merged_is_skipped_and_the_row_can_be_chosen():
    data = titled_xlsx([["Filiale", "Periode", "Umsatz"], ["B001", "2025-H2", 1000]])
    raw = read_file(data, "f.xlsx")  # before: the merged title was refused as a header merge
    assert raw.header_row == 4 and raw.frame.columns == ["Filiale", "Periode", "Umsatz"]
    assert raw.row_numbers.to_list() == [5]
    chosen = read_file(data, "f.xlsx", header_row=4)
    assert chosen.frame.rows() == raw.frame.rows()
    with pytest.raises(ReadError) as exc:
        read_file(data, "f.xlsx", header_row=7)
    assert "Expected: a row number from 1 to 5." in exc.value.message("en")


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    root = tmp_path_factory.mktemp("header_row")
    data = demo.generate(demo.DemoParams(n_branches=6, n_waves=1))
    base = root / "base.duckdb"
    store = Store(base)
    demo.seed_store(store, data)
    wave = store.sql("SELECT wave FROM waves")["wave"][0]
    store.close()
    branches = data.branches["branch_id"].to_list()
    rows = [["Filiale", "Periode", "Umsatz", "Rohertrag", "Betriebsergebnis"]]
    rows += [[b, wave, 100000 + i, 40000, 9000] for i, b in enumerate(branches)]
    return {"base": base, "wave": wave, "xlsx": titled_xlsx(rows)}


def test_an_import_reads_past_the_title_and_the_report_names_the_header_row(chain, tmp_path):
    db = tmp_path / "f.duckdb"
    db.write_bytes(chain["base"].read_bytes())
    store = Store(db)
    try:
        out = run_import(store, chain["xlsx"], "f.xlsx", "finance", chain["wave"], actor="t")
        assert out.stored, out.report.render_text("en")
        text = out.report.render_text("de")
        assert "Kopfzeile in Zeile 4" in text and "Kopfzeile: Zeile 4; 3 Zeilen darüber" in text
        wrong = run_import(
            store, chain["xlsx"], "f.xlsx", "finance", chain["wave"], actor="t", header_row=5
        )
        assert not wrong.stored  # row 5 holds a branch's figures, not names
    finally:
        store.close()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("de", "Kopfzeile: Zeile 4 (so gewählt)"), ("en", "Header row: row 4 (as chosen)")],
)
def test_the_cli_takes_header_row(chain, tmp_path, capsys, lang, expected):
    db = tmp_path / "cli.duckdb"
    db.write_bytes(chain["base"].read_bytes())
    path = tmp_path / "finanzen.xlsx"
    path.write_bytes(chain["xlsx"])
    args = ["import", str(path), "--kind", "finance", "--wave", chain["wave"], "--db", str(db)]
    assert cli.main([*args, "--header-row", "4", "--dry-run", "--lang", lang]) == 0
    assert expected in capsys.readouterr().out
    assert cli.main([*args, "--header-row", "40", "--dry-run", "--lang", lang]) == 1
    out = capsys.readouterr().out
    assert ("Zeile 40 kann nicht" if lang == "de" else "Row 40 cannot be") in out


def test_a_sparse_surveymonkey_heading_row_is_the_header_not_a_title():
    """SurveyMonkey puts each matrix question over its first answer column only: row 1 fills
    a third of the table, yet it is the header (found by the layout, not skipped)."""
    meta = ["Respondent ID", "Collector ID", "Start Date"]
    subs = [f"Aussage {i}" for i in range(1, 7)]
    top = [*meta, "Filiale", "Wie sehr stimmen Sie zu?", *[""] * 5, "Welle"]
    second = ["", "", "", "Antwort", *subs, "Antwort"]
    data = ["1", "9", "2025-10-01", "B001", "4", "5", "3", "4", "2", "5", "2025-H2"]
    text = "\n".join(";".join(r) for r in (top, second, data, data)) + "\n"
    raw = read_file(text.encode(), "sm.csv")
    assert raw.layout == "surveymonkey" and raw.header_row == 1
    assert "Wie sehr stimmen Sie zu? - Aussage 6" in raw.frame.columns
