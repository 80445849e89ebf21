"""read_file against the fixture corpus: every fixture's exact outcome (fixture_manifest.CASES)."""

from __future__ import annotations

import hashlib
import string
import tracemalloc
from pathlib import Path

import polars as pl
import pytest
from fixture_manifest import CASES, Case

from loyalty.i18n import t
from loyalty.importing.messages import MESSAGES
from loyalty.importing.read import Limits, Note, RawTable, ReadError, clean_headers, read_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _read(case: Case, source: str = "path") -> RawTable:
    path = FIXTURES / case.file
    data = path if source == "path" else path.read_bytes()
    return read_file(data, case.file, **case.kwargs)


@pytest.mark.parametrize("case", [c for c in CASES if c.error is None], ids=lambda c: c.id)
def test_fixture_reads_exactly_as_the_manifest_says(case: Case) -> None:
    table = _read(case)
    assert table.file_format == case.file_format
    assert table.encoding == case.encoding
    assert table.delimiter == case.delimiter
    assert table.layout == case.layout
    assert table.frame.columns == list(case.columns)
    assert all(dtype == pl.String for dtype in table.frame.dtypes)
    assert table.frame.rows() == list(case.rows)
    assert table.row_numbers.to_list() == list(case.row_numbers)
    assert table.row_numbers.dtype == pl.Int64
    assert [tuple(n) for n in table.notes] == list(case.notes)
    assert table.question_texts == case.question_texts
    assert table.sheet_names == case.sheet_names
    assert table.sheet == case.sheet
    assert table.decimal_hint == case.decimal_hint
    raw = (FIXTURES / case.file).read_bytes()
    assert table.size_bytes == len(raw)
    assert table.sha256 == hashlib.sha256(raw).hexdigest()


@pytest.mark.parametrize("case", [c for c in CASES if c.error is not None], ids=lambda c: c.id)
def test_fixture_is_refused_with_the_manifest_error(case: Case) -> None:
    with pytest.raises(ReadError) as caught:
        _read(case)
    assert caught.value.key == case.error
    assert caught.value.params == case.error_params


@pytest.mark.parametrize("case", CASES[:8] + [c for c in CASES if c.error][:6], ids=lambda c: c.id)
def test_bytes_and_path_read_alike(case: Case) -> None:
    if case.error:
        with pytest.raises(ReadError) as caught:
            _read(case, "bytes")
        assert caught.value.key == case.error
    else:
        a, b = _read(case, "path"), _read(case, "bytes")
        assert a.frame.equals(b.frame) and a.row_numbers.equals(b.row_numbers)


def test_manifest_covers_at_least_forty_files_and_every_file_is_used() -> None:
    files = {p.name for p in FIXTURES.iterdir() if p.name != "MANIFEST.md"}
    used = {c.file for c in CASES}
    assert len(files) >= 40
    assert files == used


def test_manifest_markdown_is_up_to_date() -> None:
    import make_fixtures

    assert (FIXTURES / "MANIFEST.md").read_text(
        encoding="utf-8"
    ) == make_fixtures.manifest_markdown()


# --- messages ----------------------------------------------------------------------------------


def _fields(text: str) -> set[str]:
    return {f[1] for f in string.Formatter().parse(text) if f[1]}


def test_every_message_has_german_and_english_with_the_same_fields() -> None:
    for key, entry in MESSAGES.items():
        assert set(entry) == {"de", "en"}, key
        assert _fields(entry["de"]) == _fields(entry["en"]), key
        assert "\ufffd" not in entry["de"] + entry["en"]


@pytest.mark.parametrize("case", [c for c in CASES if c.error is not None], ids=lambda c: c.id)
def test_error_messages_format_with_their_params(case: Case) -> None:
    with pytest.raises(ReadError) as caught:
        _read(case)
    error = caught.value
    assert _fields(MESSAGES[error.key]["de"]) == set(error.params)
    for lang in ("de", "en"):
        text = error.message(lang)
        assert "{" not in text and len(text) > 20


def test_every_note_key_of_the_corpus_has_a_message_with_matching_fields() -> None:
    seen = 0
    for case in CASES:
        if case.error is None:
            for note in _read(case).notes:
                assert isinstance(note, Note)
                assert _fields(MESSAGES[note.key]["en"]) == set(note.params), note
                seen += 1
    assert seen >= 20


def test_counted_notes_take_the_singular_of_one() -> None:
    assert t("read.note_empty_rows", "de", count=1) == "1 leere Zeile wurde übersprungen."
    assert t("read.note_empty_rows", "en", count=3) == "3 empty rows were skipped."
    assert t("read.note_skipped_lines", "en", count=1) == (
        "1 empty line before the header row was skipped."
    )
    assert t("read.note_empty_columns", "de", count=2) == (
        "2 leere Spalten ohne Überschrift wurden übersprungen."
    )
    sheet = t("read.note_sheet", "en", sheet="Info", count=2, others="Daten")
    assert sheet.startswith("The sheet “Info” was read; the workbook has 2 sheets, also Daten.")


def test_german_messages_use_formal_address_and_real_umlauts() -> None:
    german = " ".join(entry["de"] for entry in MESSAGES.values())
    assert " Sie " in german
    for informal in (" du ", " dein", " dir "):
        assert informal not in german.casefold()
    for spelled_out in ("ae", "oe", "ue"):
        # written-out umlauts in common words would be a sign of a keyboard without umlauts
        assert f"l{spelled_out}sst" not in german and f"f{spelled_out}r " not in german


# --- behaviour beyond the corpus ----------------------------------------------------------------


def test_zip_bomb_is_refused_without_unpacking() -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ReadError) as caught:
            read_file(FIXTURES / "zip_bomb.xlsx", "zip_bomb.xlsx")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.key == "read.xlsx_compression_ratio"
    assert peak < 5 * 1024 * 1024  # the 200 MB part was never decompressed


def test_zip_bomb_with_a_generous_ratio_is_still_bounded_by_the_total_size() -> None:
    limits = Limits(max_compression_ratio=10_000, max_xlsx_uncompressed=100 * 1024 * 1024)
    with pytest.raises(ReadError) as caught:
        read_file(FIXTURES / "zip_bomb.xlsx", "zip_bomb.xlsx", limits=limits)
    assert caught.value.key == "read.xlsx_too_large"
    assert caught.value.params == {"size_mb": 201, "limit_mb": 100}


def test_too_large_path_is_refused_before_reading(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"a;b\n1;2\n" * 1000)

    def no_reading(self):  # the size comes from stat(); the bytes are never read
        raise AssertionError("read_bytes called")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(ReadError) as caught:
        read_file(path, "big.csv", limits=Limits(max_bytes=1000))
    assert caught.value.key == "read.too_large"


def test_cp1252_is_decoded_never_replaced() -> None:
    table = read_file(b"Stadt;Wert\nM\xfcnchen;1\nK\xf6ln;2\n", "x.csv")
    assert table.frame["Stadt"].to_list() == ["München", "Köln"]
    assert table.encoding == "cp1252"
    assert not table.frame["Stadt"].str.contains("\ufffd").any()


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a;b;c\n1;2;3\n", ";"),
        ("a,b,c\n1,2,3\n", ","),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ("a|b|c\n1|2|3\n", "|"),
        ('"a;x",b\n"1;2",3\n', ","),  # the ';' is inside quotes
        ("Umsatz;Anteil\n1.234,5;12,5 %\n", ";"),
        ("x\n1\n", None),
        ("a;b,c\n1;2,3\n", ";"),  # a tie: tab, then ';', then ',', then '|'
        ("a|b,c\n1|2,3\n", ","),
        ("a\tb;c\n1\t2;3\n", "\t"),
    ],
)
def test_delimiter_is_detected_respecting_quotes(text: str, delimiter: str | None) -> None:
    assert read_file(text.encode(), "x.csv").delimiter == delimiter


def test_rows_after_a_ragged_row_keep_their_numbers_when_extra_fields_are_empty() -> None:
    table = read_file(b"a;b\n1;2\n3;4;\n5;6\n", "x.csv")
    assert table.frame.rows() == [("1", "2"), ("3", "4"), ("5", "6")]
    assert table.row_numbers.to_list() == [2, 3, 4]


def test_read_error_is_an_exception_with_code_and_params() -> None:
    error = ReadError("too_many_rows", {"limit": 5})
    assert isinstance(error, Exception)
    assert (
        error.message("de")
        == "Die Datei hat mehr als 5 Datenzeilen. Teilen Sie die Daten auf mehrere Dateien "
        "auf (z. B. eine Datei je Welle)."
    )
    assert error.message("en").startswith("The file has more than 5 data rows.")


def test_clean_headers() -> None:
    names, generated, renamed = clean_headers(
        [" A ", None, "A", "  ", "B\r\nC", "\ufeffD", "A_2", "A"]
    )
    assert names == ["A", "column_2", "A_3", "column_4", "B C", "D", "A_2", "A_4"]
    assert generated == ["column_2", "column_4"]
    assert renamed == ["A_3", "A_4"]


def _read_a_million_row_german_cp1252_csv(tmp_path: Path) -> float:
    """Reads a generated million-row file, checks what was read; returns the seconds taken."""
    import time

    n = 1_000_000
    i = pl.col("i")
    cities = ["München", "Köln", "Düsseldorf", "Lübeck", "Nürnberg", "Gießen", "Berlin", "Jena"]
    frame = pl.DataFrame({"i": pl.int_range(n, eager=True)}).select(
        pl.format("B{}", (i % 120 + 1).cast(pl.String).str.zfill(3)).alias("Filiale"),
        (i % 8).replace_strict(list(range(8)), cities, return_dtype=pl.String).alias("Standort"),
        pl.lit("2025-H1").alias("Welle"),
        (i % 4)
        .replace_strict([0, 1, 2, 3], ["Verkauf", "Kasse", "Lager", "Leitung"])
        .alias("Funktion"),
        *(((i + k) % 5 + 1).cast(pl.String).alias(f"Frage {k}") for k in range(1, 11)),
        pl.format(
            "{}.{},{}",
            i % 999 + 1,
            (i * 7 % 1000).cast(pl.String).str.zfill(3),
            (i % 100).cast(pl.String).str.zfill(2),
        ).alias("Umsatz"),
    )
    path = tmp_path / "gross.csv"
    path.write_bytes(frame.write_csv(separator=";").encode("cp1252"))
    start = time.perf_counter()
    table = read_file(path, "gross.csv")
    elapsed = time.perf_counter() - start
    assert table.frame.shape == (n, 15)
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert table.frame.row(0) == (
        "B001",
        "München",
        "2025-H1",
        "Verkauf",
        *"2345123451",
        "1.000,00",
    )
    assert table.frame["Standort"][5] == "Gießen"
    assert table.row_numbers[-1] == n + 1
    return elapsed


def test_a_million_row_german_cp1252_csv_reads(tmp_path: Path) -> None:
    _read_a_million_row_german_cp1252_csv(tmp_path)


@pytest.mark.perf
def test_a_million_row_german_cp1252_csv_reads_in_seconds(tmp_path: Path) -> None:
    elapsed = _read_a_million_row_german_cp1252_csv(tmp_path)
    assert elapsed < 10.0, elapsed


def test_unsafe_xlsx_never_reaches_calamine(monkeypatch) -> None:
    import fastexcel

    def refuse(*_args, **_kwargs):
        raise AssertionError("calamine was called")

    monkeypatch.setattr(fastexcel, "read_excel", refuse)
    for name in ("xml_bomb.xlsx", "xml_bomb_shared_strings.xlsx", "zip_bomb.xlsx"):
        with pytest.raises(ReadError) as caught:
            read_file(FIXTURES / name, name)
        assert caught.value.key in ("read.xlsx_unsafe", "read.xlsx_compression_ratio")


def test_a_part_smaller_than_it_claims_is_caught_by_the_crc(tmp_path: Path) -> None:
    import struct

    raw = bytearray((FIXTURES / "engagement.xlsx").read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    pos = raw.find(b"PK\x01\x02")
    patched = False
    while pos != -1:
        length = struct.unpack_from("<H", raw, pos + 28)[0]
        if raw[pos + 46 : pos + 46 + length] == name:
            size = struct.unpack_from("<I", raw, pos + 24)[0]
            struct.pack_into("<I", raw, pos + 24, size // 2)  # claims half its real size
            patched = True
        pos = raw.find(b"PK\x01\x02", pos + 4)
    assert patched
    with pytest.raises(ReadError) as caught:
        read_file(bytes(raw), "lying.xlsx")
    assert caught.value.key == "read.unreadable"
    assert "CRC" in caught.value.params["detail"]


def test_an_empty_chosen_sheet_names_the_sheets(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "leer.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Daten").write_row(0, 0, ["Filiale", "Wert"])
    wb.add_worksheet("Leer")
    wb.close()
    with pytest.raises(ReadError) as caught:
        read_file(path, "leer.xlsx", sheet="leer")  # names match case-insensitively
    assert caught.value.key == "read.empty_sheet"
    assert caught.value.params == {"sheet": "Leer", "sheets": "Daten, Leer"}
