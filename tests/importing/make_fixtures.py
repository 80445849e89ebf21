"""Write the fixture corpus into ``fixtures/`` (deterministic: same bytes on every run).

Run from the project root: ``.venv/bin/python tests/importing/make_fixtures.py``. The generated
files are committed; the tests read them and never call this script. ``--check`` regenerates
into a temporary folder and reports files whose bytes differ from the committed ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import struct
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import polars as pl
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixture_manifest as m  # noqa: E402

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
CREATED = dt.datetime(2025, 1, 1)


# --- helpers ------------------------------------------------------------------------------------


def csv_text(
    header: Sequence[str | None],
    rows: Iterable[Sequence[str | None]],
    delimiter: str = ";",
    line_end: str = "\n",
    quoting: int = csv.QUOTE_MINIMAL,
) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end, quoting=quoting)
    writer.writerow(["" if h is None else h for h in header])
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def workbook(path: Path) -> xlsxwriter.Workbook:
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": CREATED})
    return wb


def write_cells(ws, row: int, values: Sequence[object], col: int = 0) -> None:
    """Strings as strings, numbers where the text is a plain number (as Excel would store)."""
    for j, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, str) and _plain_number(value):
            ws.write_number(row, col + j, float(value))
        elif isinstance(value, str):
            ws.write_string(row, col + j, value)
        else:
            ws.write(row, col + j, value)


def _plain_number(text: str) -> bool:
    if text.startswith("0") and len(text) > 1 and not text.startswith("0."):
        return False  # "007" stays text
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and "e" not in text.lower() and text not in ("nan", "inf")


def rezip(source: Path, target: Path, replace: dict[str, bytes], level: int = 6) -> None:
    """Copy an xlsx, replacing some parts (deflated at ``level``)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info.filename))
            new = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            new.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(new, data, compresslevel=level)


# --- writers -----------------------------------------------------------------------------------


def text_files(d: Path) -> None:
    def write(name: str, text: str, encoding: str = "utf-8") -> None:
        (d / name).write_bytes(text.encode(encoding))

    write("engagement_utf8.csv", csv_text(m.ENGAGEMENT_HEADER, m.ENGAGEMENT_ROWS))
    write(
        "engagement_utf8_bom.csv",
        csv_text(m.ENGAGEMENT_HEADER, m.ENGAGEMENT_ROWS, ",", "\r\n"),
        "utf-8-sig",
    )
    write("engagement_cp1252.csv", csv_text(m.CITY_HEADER, m.CITY_ROWS, ";", "\r\n"), "cp1252")
    (d / "latin1_fallback.csv").write_bytes(
        b"Filiale;Bemerkung\r\nB001;Gr\xfc\xdfe\x81\r\nB002;ok\r\n"
    )
    write("unicode_text.txt", csv_text(m.CITY_HEADER, m.CITY_ROWS, "\t", "\r\n"), "utf-16")
    (d / "mixed_encoding.csv").write_bytes(
        b"Filiale;Standort\r\nB001;M\xfcnchen\r\nB002;K\xc3\xb6ln\r\n"
    )
    write("loyalty_comma_en.csv", csv_text(m.LOYALTY_EN_HEADER, m.LOYALTY_EN_ROWS, ","))
    write("loyalty_semicolon_de.csv", csv_text(m.LOYALTY_DE_HEADER, m.LOYALTY_DE_ROWS, ";"))
    write("finance_tab.tsv", csv_text(m.FINANCE_DE_HEADER, m.FINANCE_DE_ROWS, "\t"))
    write("finance_pipe.csv", csv_text(m.FINANCE_EN_HEADER, m.FINANCE_EN_ROWS, "|"))
    write(
        "finance_decimal_comma.csv",
        csv_text(m.FINANCE_DE_HEADER, m.FINANCE_DE_CP_ROWS, ";", "\r\n"),
        "cp1252",
    )
    write("percent.csv", csv_text(m.PERCENT_HEADER, m.PERCENT_ROWS))
    write("quoted_fields.csv", csv_text(m.QUOTED_HEADER, m.QUOTED_ROWS, ",", "\r\n"))
    write("single_column.csv", csv_text(m.SINGLE_HEADER, m.SINGLE_ROWS))
    write("export_without_extension", csv_text(m.SHORT_HEADER, m.SHORT_ROWS))
    write("cr_line_endings.csv", csv_text(m.SHORT_HEADER, m.SHORT_ROWS, ";", "\r"))
    write("sep_line.csv", "sep=,\n" + csv_text(m.SHORT_HEADER, m.SHORT_ROWS, ","))
    rows = m.BLANK_LINES_ROWS
    write(
        "blank_lines.csv",
        "\n"
        + "Filiale;Welle;Wert\n"
        + f"{';'.join(rows[0])}\n{';'.join(rows[1])}\n\n{';'.join(rows[2])}\n;;\n\n",
    )
    dup = "\n".join(
        [m.DUPLICATE_HEADERS_LINE]
        + [";".join("" if v is None else v for v in r) + ";" for r in m.DUPLICATE_HEADERS_ROWS]
    )
    write("duplicate_headers.csv", dup + "\n")
    write(
        "stray_quote.csv",
        "Filiale;Artikel;Menge\n" + "".join(";".join(r) + "\n" for r in m.STRAY_QUOTE_ROWS),
    )
    write(
        "qualtrics.csv",
        csv_text(
            m.QUALTRICS_IDS,
            [m.QUALTRICS_TEXTS, m.QUALTRICS_IMPORT_IDS, *m.QUALTRICS_ROWS],
            ",",
            "\r\n",
            csv.QUOTE_ALL,
        ),
        "utf-8-sig",
    )
    write(
        "qualtrics_header_only.csv",
        csv_text(
            m.QUALTRICS_IDS, [m.QUALTRICS_TEXTS, m.QUALTRICS_IMPORT_IDS], ",", "\r\n", csv.QUOTE_ALL
        ),
        "utf-8-sig",
    )
    write("surveymonkey.csv", csv_text(m.SM_ROW1, [m.SM_ROW2, *m.SM_ROWS], ",", "\r\n"))
    write(
        "limesurvey_codes.csv",
        csv_text(m.LS_CODES_HEADER, m.LS_CODES_ROWS, ",", "\n", csv.QUOTE_ALL),
    )
    write(
        "limesurvey_text.csv",
        csv_text(m.LS_TEXT_META + m.LS_TEXT_QUESTIONS, m.LS_TEXT_ROWS, ";", "\n", csv.QUOTE_ALL),
    )
    write("likert_de.csv", csv_text(m.LIKERT_DE_HEADER, m.LIKERT_DE_ROWS))
    write("likert_en.csv", csv_text(m.LIKERT_EN_HEADER, m.LIKERT_EN_ROWS, ","))
    write("identifying.csv", csv_text(m.IDENTIFYING_HEADER, m.IDENTIFYING_ROWS))
    write("free_text.csv", csv_text(m.FREE_TEXT_HEADER, m.FREE_TEXT_ROWS))
    write("wide.csv", csv_text(m.WIDE_HEADER, m.WIDE_ROWS))
    write("many_rows.csv", csv_text(m.MANY_HEADER, m.MANY_ROWS))
    write("empty.csv", "")
    write("bom_only.csv", "\r\n", "utf-8-sig")
    write("header_only.csv", "Filiale;Welle;Wert\n")
    write("csv_content.xlsx", csv_text(m.SHORT_HEADER, m.SHORT_ROWS))
    write("ragged.csv", "Filiale,Welle,Wert\nB001,2025-H1,1.5\nB002,2025-H1,2,5\n")
    write("v_score_out_of_range.csv", csv_text(m.ENGAGEMENT_HEADER, m.V_SCORE_ROWS))
    write("v_unknown_branch.csv", csv_text(m.ENGAGEMENT_HEADER, m.V_UNKNOWN_BRANCH_ROWS))
    write("v_duplicate_respondent.csv", csv_text(m.V_DUP_HEADER, m.V_DUP_ROWS))
    write("v_missing_wave.csv", csv_text(m.V_NO_WAVE_HEADER, m.V_NO_WAVE_ROWS))
    write("v_negative_revenue.csv", csv_text(m.FINANCE_DE_HEADER, m.V_NEG_REVENUE_ROWS))
    write("v_retained_gt_active.csv", csv_text(m.LOYALTY_DE_HEADER, m.V_RETAINED_ROWS))


def other_binary_files(d: Path) -> None:
    (d / "old_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    (d / "document.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    (d / "binary.dat").write_bytes(bytes(range(256)) * 4)
    with zipfile.ZipFile(d / "zip_not_xlsx.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("daten.txt", date_time=(1980, 1, 1, 0, 0, 0))
        z.writestr(info, "Filiale;Wert\nB001;1\n")


def xlsx_files(d: Path) -> None:
    wb = workbook(d / "engagement.xlsx")
    ws = wb.add_worksheet("Daten")
    write_cells(ws, 0, m.ENGAGEMENT_HEADER)
    for i, row in enumerate(m.ENGAGEMENT_ROWS, 1):
        write_cells(ws, i, row)
    wb.close()
    (d / "xlsx_content.csv").write_bytes((d / "engagement.xlsx").read_bytes())

    wb = workbook(d / "two_sheets.xlsx")
    ws = wb.add_worksheet("Hinweise")
    write_cells(ws, 0, m.TWO_SHEETS_NOTES_HEADER)
    for i, row in enumerate(m.TWO_SHEETS_NOTES_ROWS, 1):
        write_cells(ws, i, row)
    ws = wb.add_worksheet("Daten")
    write_cells(ws, 0, m.ENGAGEMENT_HEADER)
    for i, row in enumerate(m.ENGAGEMENT_ROWS[:3], 1):
        write_cells(ws, i, row)
    wb.close()

    wb = workbook(d / "cell_types.xlsx")
    ws = wb.add_worksheet("Daten")
    bold = wb.add_format({"bold": True})
    date = wb.add_format({"num_format": "dd.mm.yyyy"})
    stamp = wb.add_format({"num_format": "dd.mm.yyyy hh:mm:ss"})
    clock = wb.add_format({"num_format": "hh:mm"})
    percent = wb.add_format({"num_format": "0.0%"})
    ws.write_blank(0, 0, None, bold)  # a formatted but empty cell above the table
    write_cells(ws, 2, m.TYPES_HEADER, col=1)
    ws.write_string(3, 1, "B001")
    ws.write_datetime(3, 2, dt.datetime(2025, 3, 1), date)
    ws.write_datetime(3, 3, dt.datetime(2025, 3, 1, 14, 30, 5), stamp)
    ws.write_datetime(3, 4, dt.time(14, 30), clock)
    ws.write_number(3, 5, 3)
    ws.write_number(3, 6, 0.125, percent)
    ws.write_boolean(3, 7, True)
    ws.write_formula(3, 8, "=F4*2", None, 6)
    ws.write_string(3, 9, "007")
    ws.write_string(4, 1, "B002")
    ws.write_datetime(4, 2, dt.datetime(2025, 9, 30), date)
    ws.write_datetime(4, 3, dt.datetime(2025, 9, 30, 8, 0, 0), stamp)
    ws.write_datetime(4, 4, dt.time(8, 5), clock)
    ws.write_number(4, 5, 3.25)
    ws.write_number(4, 6, 1, percent)
    ws.write_boolean(4, 7, False)
    ws.write_formula(4, 8, "=F5*2", None, 6.5)
    ws.write_string(4, 9, "München")
    ws.write_string(6, 1, "B003")
    ws.write_number(6, 5, 1234567.891)
    wb.close()

    wb = workbook(d / "merged_header.xlsx")
    ws = wb.add_worksheet("Daten")
    ws.write_string(0, 0, "Filiale")
    ws.merge_range(0, 1, 0, 2, "Umsatz")
    ws.write_string(0, 3, "Welle")
    write_cells(ws, 1, ["B001", "100", "120", "2025-H1"])
    wb.close()

    wb = workbook(d / "merged_data.xlsx")
    ws = wb.add_worksheet("Daten")
    write_cells(ws, 0, m.MERGED_DATA_HEADER)
    ws.merge_range(1, 0, 2, 0, "B001")
    write_cells(ws, 1, ["2025-H1", "1"], col=1)
    write_cells(ws, 2, ["2025-H2", "2"], col=1)
    write_cells(ws, 3, m.MERGED_DATA_ROWS[2])
    wb.close()

    wb = workbook(d / "qualtrics.xlsx")
    ws = wb.add_worksheet("Sheet0")
    for i, row in enumerate(
        [m.QUALTRICS_IDS, m.QUALTRICS_TEXTS, m.QUALTRICS_IMPORT_IDS, *m.QUALTRICS_ROWS]
    ):
        write_cells(ws, i, row)
    wb.close()

    wb = workbook(d / "surveymonkey.xlsx")
    ws = wb.add_worksheet("Sheet")
    first_matrix = m.SM_ROW1.index(m.SM_Q_MATRIX)
    for j, value in enumerate(m.SM_ROW1):
        if value is not None and j != first_matrix:
            ws.write_string(0, j, value)
    ws.merge_range(0, first_matrix, 0, first_matrix + 2, m.SM_Q_MATRIX)
    write_cells(ws, 1, m.SM_ROW2)
    for i, row in enumerate(m.SM_ROWS, 2):
        for j, value in enumerate(row):
            if value is not None:
                ws.write_string(i, j, value)  # SurveyMonkey exports ids as text
    wb.close()

    for name, sheet, meta, questions in (
        ("msforms_en.xlsx", "Sheet1", m.MSF_EN_META, m.MSF_EN_QUESTIONS),
        ("msforms_de.xlsx", "Tabelle1", m.MSF_DE_META, m.MSF_DE_QUESTIONS),
    ):
        wb = workbook(d / name)
        ws = wb.add_worksheet(sheet)
        stamp = wb.add_format({"num_format": "m/d/yy h:mm:ss"})
        write_cells(ws, 0, meta + questions)
        for i, row in enumerate(m.MSF_ROWS, 1):
            ws.write_number(i, 0, int(row[0]))
            for j in (1, 2):
                ws.write_datetime(i, j, dt.datetime.fromisoformat(row[j]), stamp)
            write_cells(ws, i, row[3:], col=3)
        wb.close()

    wb = workbook(d / "messy_headers.xlsx")
    ws = wb.add_worksheet("Daten")
    write_cells(ws, 0, m.MESSY_HEADERS_RAW)
    for i, row in enumerate(m.MESSY_ROWS, 1):
        for j, value in enumerate(row):
            ws.write_string(i, j, value)
    wb.close()
    (d / "truncated.xlsx").write_bytes((d / "engagement.xlsx").read_bytes()[:2000])

    bombs(d)


def bombs(d: Path) -> None:
    """Zip bomb, a lying central directory, and XML entity bombs — all tiny on disk."""
    base = d / "_base.xlsx"
    wb = workbook(base)
    ws = wb.add_worksheet("Daten")
    write_cells(ws, 0, m.SHORT_HEADER)
    for i, row in enumerate(m.SHORT_ROWS, 1):
        write_cells(ws, i, row)
    wb.close()
    sheet = "xl/worksheets/sheet1.xml"
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>"
    )
    tail = b"</sheetData></worksheet>"
    padding = b" " * (200 * 1024 * 1024)
    rezip(base, d / "zip_bomb.xlsx", {sheet: head + padding + tail}, level=9)
    del padding

    rezip(base, d / "zip_declared_huge.xlsx", {})
    raw = bytearray((d / "zip_declared_huge.xlsx").read_bytes())
    name = sheet.encode()
    pos = raw.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", raw, pos + 28)[0]
        if raw[pos + 46 : pos + 46 + name_len] == name:
            struct.pack_into("<I", raw, pos + 24, 2_000_000_000)  # uncompressed size
        pos = raw.find(b"PK\x01\x02", pos + 4)
    (d / "zip_declared_huge.xlsx").write_bytes(bytes(raw))

    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (k, (b"&lol%s;" % (b"" if k == 1 else str(k - 1).encode())) * 10)
        for k in range(1, 10)
    )
    bomb = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b"<!DOCTYPE lolz [" + entities + b"]>"
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    rezip(base, d / "xml_bomb.xlsx", {sheet: bomb})
    with zipfile.ZipFile(base) as z:
        strings = z.read("xl/sharedStrings.xml")
    strings = strings.replace(b"?>", b'?>\n<!DOCTYPE sst [<!ENTITY x "Filiale">]>', 1).replace(
        b"<t>Filiale</t>", b"<t>&x;</t>"
    )
    rezip(base, d / "xml_bomb_shared_strings.xlsx", {"xl/sharedStrings.xml": strings})
    base.unlink()


def parquet_files(d: Path) -> None:
    frame = pl.DataFrame(
        {
            "Filiale": ["B001", "B002", "B003"],
            "Welle": ["2025-H1", "2025-H1", "2025-H1"],
            "Umsatz": [1234567.89, -12.5, math.nan],
            "Rohertrag": [300000.0, None, 0.25],
            "Betriebsergebnis": [45000, -3, 0],
            "Stichtag": [dt.date(2025, 6, 30), dt.date(2025, 6, 30), None],
            "Erfasst": [dt.datetime(2025, 7, 1, 9, 30), dt.datetime(2025, 7, 2), None],
            "Geprüft": [True, False, None],
        }
    )
    frame.write_parquet(d / "finance.parquet")
    (d / "parquet_content.csv").write_bytes((d / "finance.parquet").read_bytes())
    pl.DataFrame({"Filiale": ["B001"], "Antworten": [[4, 5, 3]]}).write_parquet(
        d / "nested.parquet"
    )


def manifest_markdown() -> str:
    lines = [
        "# Fixture manifest",
        "",
        "Generated by `tests/importing/make_fixtures.py` from",
        "`tests/importing/fixture_manifest.py` (the source of truth; `test_read.py` asserts every",
        "line). Row numbers are spreadsheet rows as the user sees them; `enc` the encoding, `sep`",
        "the delimiter.",
        "",
        "| case | file | purpose | outcome |",
        "|---|---|---|---|",
    ]
    for case in m.CASES:
        kwargs = ", ".join(f"{k}={v!r}" for k, v in case.kwargs.items())
        purpose = case.purpose + (f" (`{kwargs}`)" if kwargs else "")
        if case.error:
            outcome = f"error `{case.error}` {case.error_params}"
        else:
            rows = case.row_numbers
            span = f"{rows[0]}–{rows[-1]}" if len(rows) > 1 else str(rows[0])
            outcome = (
                f"{case.file_format}, enc {case.encoding}, sep {case.delimiter!r}, "
                f"layout {case.layout}, {len(case.rows)} rows (rows {span}), "
                f"{len(case.columns)} columns"
            )
            if case.notes:
                outcome += "; notes " + ", ".join(k for k, _ in case.notes)
        lines.append(f"| {case.id} | `{case.file}` | {purpose.replace('|', '/')} | {outcome} |")
    return "\n".join(lines) + "\n"


def generate(d: Path) -> None:
    d.mkdir(parents=True, exist_ok=True)
    text_files(d)
    other_binary_files(d)
    xlsx_files(d)
    parquet_files(d)
    (d / "MANIFEST.md").write_text(manifest_markdown(), encoding="utf-8")


def main(argv: list[str]) -> int:
    if "--check" in argv:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp))
            fresh = {p.name: p.read_bytes() for p in Path(tmp).iterdir()}
        old = {p.name: p.read_bytes() for p in FIXTURES.iterdir()}
        differ = sorted(n for n in fresh.keys() | old.keys() if fresh.get(n) != old.get(n))
        print("differ:", differ or "none")
        return 1 if differ else 0
    generate(FIXTURES)
    print(f"{len(list(FIXTURES.iterdir()))} files in {FIXTURES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
