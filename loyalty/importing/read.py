"""Reading an uploaded file into a table of strings: CSV/TSV/text, Excel (XLSX), Parquet.

:func:`read_file` returns a :class:`RawTable` whose frame has every column as ``pl.String``, so
the validator sees what the user typed; it raises :class:`ReadError` (a code of :data:`ERRORS`
plus parameters, texts ``read.<code>`` in :mod:`loyalty.importing.messages`) when the file
cannot be read.

Decisions:

* **The content decides the format**, not the extension: ``PK`` (zip with ``xl/workbook.xml``)
  is XLSX, ``PAR1`` Parquet, the OLE signature an old ``.xls`` or an encrypted workbook (refused),
  anything without NUL bytes text. A known extension that disagrees with the content is an
  error (``read.wrong_type``); an unknown or missing extension is fine if the content is one of
  ours.
* **Limits first** (:class:`Limits`): the file size before reading a path; for XLSX the zip's
  central directory (declared sizes, per-part compression ratio) before anything is unpacked,
  then every XML part is streamed once — checking the real size (``zipfile`` stops at the
  declared size and fails on the CRC if it lied) and refusing any ``<!DOCTYPE``/``<!ENTITY``
  (Excel never writes one; entity expansion is the "billion laughs" attack) — before calamine
  sees the file.
* **Text encodings**: UTF-8 (with BOM → ``"utf-8-sig"``), UTF-16 with BOM (Excel's "Unicode
  text"), else Windows-1252 (``"cp1252"``), else ISO-8859-1 (``"latin-1"``, never fails). The
  bytes are transcoded to UTF-8 once with Python's codecs, then parsed by ``polars.read_csv``
  with every column a string. No U+FFFD is ever produced. Text in decomposed form (NFD, as
  macOS writes "ü" as "u" + a combining diaeresis) is composed (NFC), so "Osnabrück" matches the
  stored branch name however the file spells it.
* **Delimiter**: ``;`` ``,`` tab or ``|``, chosen by parsing the first lines with each (quotes
  respected) and taking the one that splits the header into the most columns with the most
  data lines agreeing; ties go to tab, ``;``, ``,``, ``|`` in that order. An Excel
  ``sep=;`` first line is honoured. One column without any of them: ``delimiter`` is ``None``.
* **Rows as the user sees them**: ``row_numbers`` holds the 1-based spreadsheet row of every data
  row, counting header rows (a plain CSV's first data row is 2, Qualtrics' is 4; in XLSX the
  sheet's own row numbers; Parquet as if opened with its header in row 1). Empty lines and
  rows whose cells are all empty are skipped (with a note) and keep the numbering.
* **Cells**: empty cells (also quoted ``""``) are null; other text is kept as typed, whitespace
  included. XLSX numbers are rendered by calamine (``3``, ``3.25``, up to 15 significant
  digits), dates as ISO ``2025-03-01`` (``2025-03-01 14:30:05`` with a time), times as
  ``14:30:00``, booleans ``true``/``false``; a number cell formatted as percent is written as
  Excel shows it (0.125 with format ``0.0%`` → ``12.5%``; calamine gives only the stored value,
  so the format comes from ``xl/styles.xml``); since numbers in XLSX and Parquet are rendered with
  ``.``, ``RawTable.decimal_hint`` is ``"."`` for them (``None`` for text files: detect per
  column).
* **Headers**: whitespace (also line breaks inside a cell) collapsed and stripped; empty headers
  become ``column_<n>`` (n = the column's position in the file); duplicates get ``_2``, ``_3``…
  Columns without a header and without any value are dropped (Excel's trailing ``;;;``).
* **Merged cells** (XLSX) in the header rows are refused with the cells named — except the
  SurveyMonkey layout, whose question headings span their answer columns by design. Merges in
  data rows only give a note.
* Survey-tool layouts (:mod:`loyalty.importing.layouts`) decide how many header rows there are.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import posixpath
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree import ElementTree

import polars as pl

from loyalty.i18n import t
from loyalty.importing.layouts import DISPLAY_NAMES, detect_layout

MB = 1024 * 1024
FORMATS = ("csv", "tsv", "xlsx", "parquet")
DELIMITERS = ("\t", ";", ",", "|")
#: Extension → the content family it promises.
EXTENSIONS = {
    ".csv": "text",
    ".tsv": "text",
    ".tab": "text",
    ".txt": "text",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xls": "xls",
}
#: How a detected content is named in messages (the same in both languages).
CONTENT_NAMES = {
    "text": "CSV/Text",
    "xlsx": "Excel (XLSX)",
    "parquet": "Parquet",
    "xls": "Excel 97–2003 (XLS)",
    "ods": "OpenDocument (ODS)",
    "docx": "Word (DOCX)",
    "pptx": "PowerPoint (PPTX)",
    "zip": "ZIP",
    "pdf": "PDF",
}
#: Zip parts below this size are not checked for their compression ratio (small XML compresses
#: well and is harmless).
RATIO_MIN_BYTES = MB
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD = re.compile(rb"<!(?:doctype|entity)", re.IGNORECASE)
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=[\"']([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)[\"']")
_MOJIBAKE = re.compile("Ã[¤¶¼„–œŸ©]")
_SAMPLE_BYTES = 64 * 1024
_CHUNK = MB


@dataclass(frozen=True)
class Limits:
    """What a file may hold. The defaults suit a chain's yearly survey with room to spare."""

    max_bytes: int = 200 * MB
    max_xlsx_uncompressed: int = 1024 * MB
    max_rows: int = 2_000_000
    max_columns: int = 500
    max_compression_ratio: float = 100.0


#: Why a file cannot be read: the codes of :class:`ReadError` (message ``read.<code>``).
ERRORS = (
    "cut_off",
    "empty_file",
    "empty_sheet",
    "header_only",
    "header_row_invalid",
    "header_row_out_of_range",
    "merged_header",
    "parquet_column_type",
    "ragged_row",
    "sheet_not_found",
    "too_large",
    "too_many_columns",
    "too_many_rows",
    "unknown_format",
    "unreadable",
    "unsupported",
    "wrong_type",
    "xls_unsupported",
    "xlsx_compression_ratio",
    "xlsx_too_large",
    "xlsx_unsafe",
)
#: What the reader notes about a file it read: the codes of :class:`Note` (``read.<code>``).
NOTES = (
    "note_duplicate_headers",
    "note_empty_columns",
    "note_empty_rows",
    "note_encoding",
    "note_header_row",
    "note_header_row_chosen",
    "note_layout",
    "note_merged_cells",
    "note_mixed_encoding",
    "note_sheet",
    "note_skipped_lines",
    "note_unnamed_columns",
)


class Note(NamedTuple):
    """Something the import report should mention: a code of :data:`NOTES` and the
    parameters of its message."""

    code: str
    params: dict[str, Any]

    @property
    def key(self) -> str:
        """The message key."""
        return f"read.{self.code}"

    def message(self, lang: str = "de") -> str:
        return t(f"read.{self.code}", lang, **self.params)


class ReadError(Exception):
    """The file cannot be read: ``code`` is one of :data:`ERRORS`, ``params`` fill in its
    message."""

    def __init__(self, code: str, params: dict[str, Any] | None = None) -> None:
        self.code = code
        self.params = dict(params or {})
        super().__init__(f"{code} {self.params}")

    @property
    def key(self) -> str:
        """The message key."""
        return f"read.{self.code}"

    def message(self, lang: str = "de") -> str:
        return t(f"read.{self.code}", lang, **self.params)


@dataclass(frozen=True)
class RawTable:
    """A file as read: strings only, clean headers, the rows' numbers as the user sees them."""

    frame: pl.DataFrame
    row_numbers: pl.Series
    file_format: str
    encoding: str | None
    delimiter: str | None
    layout: str
    question_texts: dict[str, str]
    sheet_names: tuple[str, ...]
    sheet: str | None
    sha256: str
    size_bytes: int
    decimal_hint: str | None
    notes: tuple[Note, ...] = field(default=())
    #: XLSX: (column, cells) of columns whose data rows hold formulas without a stored result
    #: (a file written by a program that does not compute formulas): read as empty, refused
    #: by the import where the column is used.
    formula_columns: tuple[tuple[str, int], ...] = ()
    #: The spreadsheet row of the (first) header row, as the user sees it (1 for a plain CSV;
    #: a title or notes above the table push it down, see :func:`find_header`).
    header_row: int = 1


# --- entry point ------------------------------------------------------------------------------


def read_file(
    source: bytes | Path,
    filename: str,
    *,
    sheet: str | int | None = None,
    limits: Limits = Limits(),  # noqa: B008 - immutable
    header_row: int | None = None,
) -> RawTable:
    """Read ``source`` (the uploaded bytes or a path) named ``filename`` into a :class:`RawTable`.

    ``sheet`` chooses an XLSX sheet by name or 0-based position (default: the first sheet); it
    is ignored for other formats. ``header_row``: the spreadsheet row (1-based, as the user
    sees it) that holds the column names, for a title or notes above the table; ``None``
    finds it (:func:`find_header`). Parquet files name their columns themselves: ignored.
    """
    data = _load(source, limits)
    if not data:
        raise ReadError("empty_file", {"filename": filename})
    kind = _sniff(data, filename)
    _check_extension(filename, kind)
    info = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "size_bytes": len(data),
        "filename": filename,
        "limits": limits,
    }
    if header_row is not None and (isinstance(header_row, bool) or header_row < 1):
        raise ReadError("header_row_invalid", {"row": header_row})
    if kind == "text":
        return _read_text(data, header=header_row, **info)
    if kind == "xlsx":
        return _read_xlsx(data, sheet=sheet, header=header_row, **info)
    return _read_parquet(data, **info)


def _load(source: bytes | Path | str, limits: Limits) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        size = len(data)
    else:
        path = Path(source)
        size = path.stat().st_size
        data = b""
    if size > limits.max_bytes:
        raise ReadError(
            "too_large",
            {"size_mb": math.ceil(size / MB), "limit_mb": limits.max_bytes // MB},
        )
    if not isinstance(source, (bytes, bytearray, memoryview)):
        data = Path(source).read_bytes()
    return data


def _sniff(data: bytes, filename: str) -> str:
    """The content family: text, xlsx, parquet, xls, ods, docx, pptx, zip, pdf or binary."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise ReadError("unreadable", {"filename": filename, "detail": str(exc)}) from exc
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names and "mimetype" in names:
            return "ods"
        if "word/document.xml" in names:
            return "docx"
        if "ppt/presentation.xml" in names:
            return "pptx"
        return "zip"
    if data.startswith(b"PAR1"):
        return "parquet"
    if data.startswith(_OLE):
        return "xls"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    if b"\x00" in data[:_SAMPLE_BYTES]:
        return "binary"
    return "text"


def _check_extension(filename: str, kind: str) -> None:
    extension = Path(filename).suffix.lower()
    promised = EXTENSIONS.get(extension)
    if kind == "binary":
        raise ReadError("unknown_format", {"filename": filename})
    if kind == "xls" and promised in (None, "xls", "xlsx"):
        raise ReadError("xls_unsupported", {"filename": filename})
    if promised is not None and promised != kind:
        raise ReadError(
            "wrong_type",
            {"filename": filename, "extension": extension, "detected": CONTENT_NAMES[kind]},
        )
    if kind not in ("text", "xlsx", "parquet"):
        raise ReadError("unsupported", {"filename": filename, "detected": CONTENT_NAMES[kind]})


# --- the header row ---------------------------------------------------------------------------

#: How many rows from the top :func:`find_header` looks at for the header row.
HEADER_SEARCH_ROWS = 20
#: A header row fills at least this share of the widest row's cells (a title or a note above
#: the table fills one or two).
HEADER_FILL = 0.6


def find_header(rows: list[list[Any]]) -> int:
    """The 0-based index, among the first rows of a table, of its header row: the first row
    with at least two non-empty cells and at least :data:`HEADER_FILL` of the widest row's
    non-empty cells. Rows above it — a title ("Mitarbeiterbefragung 2025"), a note ("Stand:
    01.03.2025", "Quelle: HR") — fill one or two cells of a wide table. A survey tool's
    header rows (:func:`~loyalty.importing.layouts.detect_layout`) count as found however
    sparse. 0 when nothing fits (the user can choose the row)."""
    rows = rows[: HEADER_SEARCH_ROWS + 1]
    filled = [sum(1 for c in row if c is not None and str(c).strip()) for row in rows]
    widest = max(filled, default=0)
    if widest < 2:
        return 0
    for index, count in enumerate(filled):
        if count >= 2 and detect_layout(rows[index : index + 3]).name != "plain":
            return index  # a survey tool's header (SurveyMonkey's fills a row only sparsely)
        if count >= 2 and count >= HEADER_FILL * widest:
            return index
    return 0


def _header_note(header: int | None, skipped: int, row: int) -> list[Note]:
    if header is not None:
        return [Note("note_header_row_chosen", {"row": row})]
    if skipped:
        return [Note("note_header_row", {"row": row, "count": skipped})]
    return []


def _text_header(sample: str, delimiter: str | None, header: int | None, first: int) -> int:
    """How many lines of ``sample`` (which starts at spreadsheet row ``first``) lie above the
    header row: ``header - first`` when the user chose the row, else :func:`find_header`'s
    choice. Lines above a header are titles and notes, one record each (no quoted breaks)."""
    lines = sample.splitlines()
    if header is not None:
        skip = header - first
        if skip < 0 or skip >= max(len(lines), 1):
            raise ReadError(
                "header_row_out_of_range",
                {"row": header, "first": first, "last": first + max(len(lines) - 1, 0)},
            )
        return skip
    if delimiter is None:
        return 0
    records = [
        next(csv.reader([line], delimiter=delimiter), [])
        for line in lines[: HEADER_SEARCH_ROWS + 1]
    ]
    return find_header(records)


# --- text (CSV, TSV) --------------------------------------------------------------------------


def decode(data: bytes) -> tuple[bytes, str, list[Note]]:
    """(UTF-8 bytes without BOM, the encoding name, notes) — see the module docstring.

    Raises ``UnicodeDecodeError`` only for broken UTF-16 (a BOM, then an odd byte count or
    unpaired surrogates).
    """
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            body.decode("utf-8")
            return _composed(body), "utf-8-sig", []
        except UnicodeDecodeError:
            data = body
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _composed(data.decode("utf-16").encode("utf-8")), "utf-16", []
    else:
        try:
            data.decode("utf-8")
            return _composed(data), "utf-8", []
        except UnicodeDecodeError:
            pass
    try:
        text, encoding, label = data.decode("cp1252"), "cp1252", "Windows-1252"
    except UnicodeDecodeError:
        text, encoding, label = data.decode("latin-1"), "latin-1", "ISO-8859-1"
    notes = [Note("note_encoding", {"encoding": label})]
    if "Ã" in text and _MOJIBAKE.search(text):
        notes.append(Note("note_mixed_encoding", {}))
    return text.encode("utf-8"), encoding, notes


#: UTF-8 lead bytes of U+0300–U+037F, the combining diacritical marks (and a few Greek letters).
_COMBINING_LEAD = (b"\xcc", b"\xcd")


def _composed(utf8: bytes) -> bytes:
    """UTF-8 text in composed form (NFC). Looked at only when it holds a combining mark at all
    (a byte search; Windows-1252 cannot encode one), so the usual file costs no decoding."""
    if not any(lead in utf8 for lead in _COMBINING_LEAD):
        return utf8
    text = utf8.decode("utf-8")
    return unicodedata.normalize("NFC", text).encode("utf-8")


def detect_delimiter(sample: str) -> str | None:
    """The delimiter of a text sample (first lines), or ``None`` for a single column."""
    best: str | None = None
    best_score: tuple[float, int] | None = None
    for delimiter in DELIMITERS:
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            records = [r for _, r in zip(range(200), reader, strict=False)]
        except csv.Error:
            continue
        records = [r for r in records if any(f.strip() for f in r)]
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        rest = records[1:51]
        agree = sum(len(r) == width for r in rest) / len(rest) if rest else 1.0
        score = (agree, width)
        if best_score is None or score > best_score:
            best, best_score = delimiter, score
    return best


_SEP_LINE = re.compile(rb"sep=(.)\r?\n")
_LEADING_EMPTY = re.compile(rb"(?:[ \t;,|]*\r?\n)+")


def _read_text(
    data: bytes, *, filename: str, limits: Limits, header: int | None = None, **info: Any
) -> RawTable:
    try:
        body, encoding, notes = decode(data)
    except UnicodeDecodeError as exc:
        raise ReadError("unreadable", {"filename": filename, "detail": "UTF-16"}) from exc
    if b"\r" in body and b"\n" not in body:
        body = body.replace(b"\r", b"\n")  # classic Mac line ends
    header_row = 1
    forced: str | None = None
    if match := _SEP_LINE.match(body):
        forced = match.group(1).decode("utf-8", "replace")
        body = body[match.end() :]
        header_row += 1
    if match := _LEADING_EMPTY.match(body):
        skipped = match.group().count(b"\n")
        body = body[match.end() :]
        header_row += skipped
        notes.append(Note("note_skipped_lines", {"count": skipped}))
    if not body or body.isspace():
        raise ReadError("empty_file", {"filename": filename})
    sample = _sample(body)
    delimiter = forced if forced in DELIMITERS else detect_delimiter(sample)
    if delimiter is None and forced is None and header is None:
        # a title line without any delimiter above the table: the table's delimiter
        lines = sample.splitlines(keepends=True)
        for skip in range(1, min(HEADER_SEARCH_ROWS, len(lines))):
            if found := detect_delimiter("".join(lines[skip:])):
                delimiter = found
                break
    skip = _text_header(sample, delimiter, header, header_row)
    notes.extend(_header_note(header, skip, header_row + skip))
    if skip:
        lines = sample.splitlines(keepends=True)
        body = body[len("".join(lines[:skip]).encode("utf-8")) :]
        header_row += skip
        sample = _sample(body)
        if forced not in DELIMITERS:
            delimiter = detect_delimiter(sample) or delimiter
    if not body or body.isspace():
        raise ReadError("header_only", {"filename": filename})
    first_line = next(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter or "\x1f"))
    if len(first_line) > limits.max_columns:
        raise ReadError(
            "too_many_columns", {"columns": len(first_line), "limit": limits.max_columns}
        )
    try:
        frame = _parse_csv(body, delimiter, header_row, limits)
    except csv.Error as exc:
        raise ReadError("unreadable", {"filename": filename, "detail": str(exc)}) from exc
    if frame.height == 0:
        raise ReadError("empty_file", {"filename": filename})
    header = list(frame.row(0))
    cut = _cut_off_fields(body, delimiter, len(header)) if frame.height > 2 else None
    table = _finish(
        frame.slice(1),
        header,
        header_row,
        file_format="tsv" if delimiter == "\t" else "csv",
        encoding=encoding,
        delimiter=delimiter,
        sheet_names=(),
        sheet=None,
        decimal_hint=None,
        notes=notes,
        merges=(),
        filename=filename,
        limits=limits,
        **info,
    )
    if cut is not None and len(table.row_numbers):
        raise ReadError(
            "cut_off",
            {"row": table.row_numbers[-1], "found": cut, "expected": len(header)},
        )
    return table


#: How much of a text file's end :func:`_cut_off_fields` reads to find its last records:
#: 16 KB first (a few hundred rows of a usual export), 256 KB where that holds too few.
_SHORT_TAIL_BYTES = 16 * 1024
_TAIL_BYTES = 256 * 1024


def _sample(body: bytes) -> str:
    """The first lines of ``body`` (up to 64 KB, whole lines) as text."""
    sample = body[:_SAMPLE_BYTES].decode("utf-8", "ignore")
    if len(body) > _SAMPLE_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    return sample


def _cut_off_fields(body: bytes, delimiter: str | None, width: int) -> int | None:
    """The number of fields of the last record if the file looks cut off: the last record has
    fewer fields than the header while the record before it has them all (a file still being
    written, or copied half). A file whose rows all leave out trailing empty fields is not cut
    off. Only the file's end is parsed (from the first line break in its last 16 KB, or 256 KB
    where 16 KB hold fewer than three records)."""
    if delimiter is None:
        return None
    records = _last_records(body, delimiter, _SHORT_TAIL_BYTES)
    if len(records) < 3:  # long records: the whole tail (the first may be cut by the window)
        records = _last_records(body, delimiter, _TAIL_BYTES)
    if len(records) < 2:
        return None
    last, before = records[-1], records[-2]
    if len(last) < width and len(before) >= width:
        return len(last)
    return None


def _last_records(body: bytes, delimiter: str, size: int) -> list[list[str]]:
    """The non-empty records of the file's last ``size`` bytes, from the first line break."""
    tail = body[-size:]
    if len(body) > size:
        tail = tail[tail.find(b"\n") + 1 :]
    text = tail.decode("utf-8", "ignore")
    records = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) if r]
    return [r for r in records if any(f.strip() for f in r)]


def _parse_csv(body: bytes, delimiter: str | None, header_row: int, limits: Limits) -> pl.DataFrame:
    """All rows (header included) as strings: polars first, Python's csv module as fallback.

    The fallback handles what polars refuses — stray quotes inside unquoted fields, rows with
    extra *empty* fields — and finds the exact row of a ragged line for the error message.
    """
    n_rows = limits.max_rows + 4  # three header rows at most, and one to see the limit passed
    try:
        return pl.read_csv(
            body,
            has_header=False,
            separator=delimiter or "\x1f",
            quote_char='"',
            infer_schema=False,
            n_rows=n_rows,
            raise_if_empty=False,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError:
        pass
    reader = csv.reader(
        io.StringIO(body.decode("utf-8"), newline=""), delimiter=delimiter or "\x1f"
    )
    rows: list[list[str]] = []
    width = 0
    for index, record in enumerate(reader):
        if index == 0:
            width = len(record)
        elif len(record) > width:
            if any(f.strip() for f in record[width:]):
                raise ReadError(
                    "ragged_row",
                    {"row": header_row + index, "found": len(record), "expected": width},
                )
            record = record[:width]
        rows.append(record)
        if len(rows) >= n_rows:
            break
    columns = {
        f"column_{j + 1}": [r[j] if j < len(r) and r[j] != "" else None for r in rows]
        for j in range(width)
    }
    return pl.DataFrame(columns, schema=dict.fromkeys(columns, pl.String))


# --- XLSX ---------------------------------------------------------------------------------------


def _unreadable(filename: str, exc: Exception) -> ReadError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ReadError("unreadable", {"filename": filename, "detail": detail})


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, collect_merges: bool) -> list[str]:
    """Stream one XML part: refuse a DTD, return its merged-cell references if asked."""
    merges: list[str] = []
    with zf.open(info) as fh:
        tail = b""
        first = True
        while chunk := fh.read(_CHUNK):
            if first and chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                # our byte scan cannot see a DTD in UTF-16; Excel writes UTF-8
                raise ReadError("xlsx_unsafe", {"part": info.filename})
            first = False
            buf = tail + chunk
            if _DTD.search(buf):
                raise ReadError("xlsx_unsafe", {"part": info.filename})
            if collect_merges:
                merges.extend(
                    m.group(1).decode("ascii").upper()
                    for m in _MERGE.finditer(buf)
                    if m.end() > len(tail)
                )
            tail = buf[-256:]
    return merges


def _inspect_xlsx(
    data: bytes, filename: str, limits: Limits, sheet: str | int | None
) -> tuple[list[str], int, int, list[str], list[tuple[int, int]], list[tuple[int, int]]]:
    """Zip and XML checks, then (sheet names, chosen index, first used row, merges, formula
    cells without a stored result, number cells formatted as percent — cells as (sheet row,
    column position in calamine's range))."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _unreadable(filename, exc) from exc
    total = sum(i.file_size for i in infos)
    if total > limits.max_xlsx_uncompressed:
        raise ReadError(
            "xlsx_too_large",
            {
                "size_mb": math.ceil(total / MB),
                "limit_mb": limits.max_xlsx_uncompressed // MB,
            },
        )
    for i in infos:
        if i.flag_bits & 0x1:
            raise ReadError("xls_unsupported", {"filename": filename})
        ratio = i.file_size / max(i.compress_size, 1)
        if i.file_size > RATIO_MIN_BYTES and ratio > limits.max_compression_ratio:
            raise ReadError(
                "xlsx_compression_ratio",
                {
                    "part": i.filename,
                    "ratio": int(ratio),
                    "limit": int(limits.max_compression_ratio),
                },
            )
    by_name = {i.filename: i for i in infos}
    xml_parts = [
        i
        for i in infos
        if not i.is_dir() and i.filename.lower().endswith((".xml", ".rels", ".vml"))
    ]
    try:
        for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            if name in by_name:
                _scan_part(zf, by_name[name], False)
        sheets = _workbook_sheets(zf, by_name)
        if not sheets:
            raise ReadError("unreadable", {"filename": filename, "detail": "no sheets"})
        names = [n for n, _ in sheets]
        index = _choose_sheet(names, sheet)
        part = sheets[index][1]
        merges: list[str] = []
        for info in xml_parts:
            found = _scan_part(zf, info, info.filename == part)
            if info.filename == part:
                merges = found
        first_row = _first_used_row(zf, part) if part in by_name else 1
        formulas = (
            _formulas_without_values(zf, part, _recalculated_on_load(zf, by_name))
            if part in by_name
            else []
        )
        styles = _percent_styles(zf, by_name)
        percents = _percent_cells(zf, part, styles) if part in by_name and styles else []
        if formulas or percents:  # positions relative to calamine's range
            left = _first_used_column(zf, part)
            formulas = [(row, col - left) for row, col in formulas]
            percents = [(row, col - left) for row, col in percents]
    except ReadError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ElementTree.ParseError) as exc:
        raise _unreadable(filename, exc) from exc
    return names, index, first_row, merges, formulas, percents


def _workbook_sheets(
    zf: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]
) -> list[tuple[str, str]]:
    """(sheet name, zip part) in workbook order."""
    if "xl/workbook.xml" not in by_name:
        return []
    workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    targets: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in by_name:
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        for rel in rels:
            target = rel.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join("xl", target)
            targets[rel.get("Id", "")] = posixpath.normpath(path)
    sheets = []
    for element in workbook.iter():
        if element.tag.rpartition("}")[2] != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if k.rpartition("}")[2] == "id"), "")
        sheets.append((element.get("name", ""), targets.get(rid, "")))
    return sheets


def _choose_sheet(names: list[str], sheet: str | int | None) -> int:
    if sheet is None:
        return 0
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            return sheet
    elif isinstance(sheet, str):
        if sheet in names:
            return names.index(sheet)
        folded = [n.casefold().strip() for n in names]
        if sheet.casefold().strip() in folded:
            return folded.index(sheet.casefold().strip())
    raise ReadError("sheet_not_found", {"sheet": sheet, "sheets": ", ".join(names)})


def _first_used_row(zf: zipfile.ZipFile, part: str) -> int:
    """The sheet row of the first cell with a value (where calamine's range starts)."""
    counter = 0
    with zf.open(part) as fh:
        for _event, element in ElementTree.iterparse(fh, events=("end",)):
            tag = element.tag.rpartition("}")[2]
            if tag == "row":
                r = element.get("r")
                counter = int(r) if r and r.isdigit() else counter + 1
                for cell in element:
                    for child in cell:
                        if child.tag.rpartition("}")[2] in ("v", "is"):
                            return counter
                element.clear()
            elif tag == "sheetData":
                break
    return 1


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")


def _column_index(ref: str) -> int:
    """``"C7"`` → 2 (0-based column of a cell reference)."""
    index = 0
    for ch in ref:
        if not ch.isalpha():
            break
        index = index * 26 + (ord(ch.upper()) - 64)
    return index - 1


def _recalculated_on_load(zf: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]) -> bool:
    """Whether the workbook asks the spreadsheet program to compute every formula when it is
    opened (``<calcPr fullCalcOnLoad="1"/>``): written by libraries without a formula engine
    (XlsxWriter, and so pandas' ``to_excel``), whose stored results are placeholders (0)
    unless the writing program gave them."""
    if "xl/workbook.xml" not in by_name:
        return False
    workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    for element in workbook.iter():
        if element.tag.rpartition("}")[2] == "calcPr":
            return element.get("fullCalcOnLoad", "").strip().lower() in ("1", "true")
    return False


def _formulas_without_values(
    zf: zipfile.ZipFile, part: str, placeholders: bool = False
) -> list[tuple[int, int]]:
    """(sheet row, 0-based column) of every formula cell without a stored result (empty when
    every formula has one). With ``placeholders`` (a workbook computed only when opened, see
    :func:`_recalculated_on_load`) a column whose formulas all store 0 counts as without
    results too: XlsxWriter writes 0 for a formula whose result the program did not give. The
    sheet is parsed only if its XML holds a formula at all."""
    with zf.open(part) as fh:
        if not any(_FORMULA_TAG.search(chunk) for chunk in iter(lambda: fh.read(_CHUNK), b"")):
            return []
    found: list[tuple[int, int]] = []
    zeros: dict[int, list[tuple[int, int]]] = {}
    computed: set[int] = set()
    for row, column, cell in _sheet_cells(zf, part):
        children = {c.tag.rpartition("}")[2]: c for c in cell}
        if "f" in children:
            value = children.get("v")
            text = (value.text or "").strip() if value is not None else ""
            if not text:
                found.append((row, column))
            elif placeholders and _is_zero(text):
                zeros.setdefault(column, []).append((row, column))
            else:
                computed.add(column)
    for column, cells in zeros.items():
        if column not in computed:
            found.extend(cells)
    return sorted(found)


def _is_zero(text: str) -> bool:
    try:
        return float(text) == 0.0
    except ValueError:
        return False


def _sheet_cells(zf: zipfile.ZipFile, part: str):
    """(sheet row, 0-based column, cell element) of every cell of a worksheet part, streamed
    (each row's elements are cleared once read)."""
    counter = 0
    with zf.open(part) as fh:
        for _event, element in ElementTree.iterparse(fh, events=("end",)):
            tag = element.tag.rpartition("}")[2]
            if tag != "row":
                if tag == "sheetData":
                    break
                continue
            r = element.get("r")
            counter = int(r) if r and r.isdigit() else counter + 1
            for position, cell in enumerate(element):
                ref = cell.get("r")
                yield counter, (_column_index(ref) if ref else position), cell
            element.clear()


#: Excel's built-in number formats that show a percentage ("0%", "0.00%").
_BUILTIN_PERCENT_FORMATS = frozenset({9, 10})
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _percent_styles(zf: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]) -> frozenset[int]:
    """Indexes of the cell formats (``cellXfs``) that show a number as a percentage: a built-in
    percent format or a custom one with ``%`` outside quotes, escapes and ``[…]`` sections.
    fastexcel/calamine renders only the stored value (0.125), not its format, so the format is
    read from ``xl/styles.xml`` here."""
    if "xl/styles.xml" not in by_name:
        return frozenset()
    root = ElementTree.fromstring(zf.read("xl/styles.xml"))
    percent_ids = set(_BUILTIN_PERCENT_FORMATS)
    found: set[int] = set()
    for element in root:
        tag = element.tag.rpartition("}")[2]
        if tag == "numFmts":
            for fmt in element:
                code = _QUOTED.sub("", fmt.get("formatCode", ""))
                if "%" in code and (fmt.get("numFmtId") or "").isdigit():
                    percent_ids.add(int(fmt.get("numFmtId")))
        elif tag == "cellXfs":
            for position, xf in enumerate(element):
                fmt_id = xf.get("numFmtId") or "0"
                if fmt_id.isdigit() and int(fmt_id) in percent_ids:
                    found.add(position)
    return frozenset(found)


def _percent_cells(zf: zipfile.ZipFile, part: str, styles: frozenset[int]) -> list[tuple[int, int]]:
    """(sheet row, 0-based column) of every number cell shown as a percentage."""
    found: list[tuple[int, int]] = []
    for row, column, cell in _sheet_cells(zf, part):
        style = cell.get("s")
        if style and style.isdigit() and int(style) in styles and cell.get("t") in (None, "n"):
            found.append((row, column))  # not text, booleans or errors: no number to scale
    return found


def _as_percent(frame: pl.DataFrame, cells: list[tuple[int, int]], first_row: int) -> pl.DataFrame:
    """Number cells formatted as percent, written as Excel shows them: 0.125 → ``12.5%``
    (the numbers reader takes ``12.5%`` as 12.5, what the user sees)."""
    by_column: dict[int, list[int]] = {}
    for row, col in cells:
        if 0 <= col < frame.width and 0 <= row - first_row < frame.height:
            by_column.setdefault(col, []).append(row - first_row)
    if not by_column:
        return frame
    index = pl.int_range(pl.len(), dtype=pl.Int64)
    updates = []
    for col, rows in by_column.items():
        name = frame.columns[col]
        value = pl.col(name).cast(pl.Float64, strict=False)
        shown = (value * 100).round(10).cast(pl.String).str.replace(r"\.0$", "").str.replace(
            r"^(-?\d+\.\d*?)0+$", "$1"
        ) + pl.lit("%")
        updates.append(
            pl.when(index.is_in(rows) & value.is_not_null())
            .then(shown)
            .otherwise(pl.col(name))
            .alias(name)
        )
    return frame.with_columns(updates)


def _first_used_column(zf: zipfile.ZipFile, part: str) -> int:
    """The 0-based column of the leftmost cell with a value (where calamine's range starts)."""
    first: int | None = None
    with zf.open(part) as fh:
        for _event, element in ElementTree.iterparse(fh, events=("end",)):
            tag = element.tag.rpartition("}")[2]
            if tag == "row":
                for position, cell in enumerate(element):
                    has = any(
                        c.tag.rpartition("}")[2] in ("v", "is") and (c.text or len(c)) for c in cell
                    )
                    if has:
                        ref = cell.get("r")
                        col = _column_index(ref) if ref else position
                        first = col if first is None else min(first, col)
                element.clear()
            elif tag == "sheetData":
                break
    return first or 0


def _cell_rows(ref: str) -> tuple[int, int]:
    rows = [int(re.sub(r"[A-Za-z]", "", part)) for part in ref.split(":")]
    return min(rows), max(rows)


def _read_xlsx(
    data: bytes,
    *,
    sheet: str | int | None,
    filename: str,
    limits: Limits,
    header: int | None = None,
    **info: Any,
) -> RawTable:
    import fastexcel

    names, index, first_row, merges, formulas, percents = _inspect_xlsx(
        data, filename, limits, sheet
    )
    try:
        reader = fastexcel.read_excel(data)
        fe_index = (
            reader.sheet_names.index(names[index]) if names[index] in reader.sheet_names else index
        )
        loaded = reader.load_sheet(fe_index, header_row=None, dtypes="string")
        if loaded.width > limits.max_columns:
            raise ReadError(
                "too_many_columns", {"columns": loaded.width, "limit": limits.max_columns}
            )
        if loaded.total_height - 1 > limits.max_rows:
            raise ReadError("too_many_rows", {"limit": limits.max_rows})
        frame = loaded.to_polars()
    except ReadError:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # calamine errors, and pyo3's PanicException on a broken file
        raise _unreadable(filename, exc) from exc
    if frame.width == 0 or frame.height == 0:
        raise ReadError("empty_sheet", {"sheet": names[index], "sheets": ", ".join(names)})
    frame = frame.select(
        pl.col(c)
        .cast(pl.String)
        .str.replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", "$1")
        .str.replace(r"^1899-12-3[01] (\d{2}:\d{2}:\d{2})$", "$1")
        .alias(f"column_{i + 1}")
        for i, c in enumerate(frame.columns)
    )
    frame = _as_percent(frame, percents, first_row)
    notes = []
    if len(names) > 1:
        others = ", ".join(n for i, n in enumerate(names) if i != index)
        notes.append(
            Note("note_sheet", {"sheet": names[index], "count": len(names), "others": others})
        )
    if header is not None:
        skip = header - first_row
        if skip < 0 or skip >= frame.height:
            raise ReadError(
                "header_row_out_of_range",
                {"row": header, "first": first_row, "last": first_row + frame.height - 1},
            )
    else:
        skip = find_header([list(r) for r in frame.head(HEADER_SEARCH_ROWS + 1).iter_rows()])
    notes.extend(_header_note(header, skip, first_row + skip))
    return _finish(
        frame.slice(skip + 1),
        list(frame.row(skip)),
        first_row + skip,
        file_format="xlsx",
        encoding=None,
        delimiter=None,
        sheet_names=tuple(names),
        sheet=names[index],
        decimal_hint=".",
        notes=notes,
        merges=merges,
        filename=filename,
        limits=limits,
        formulas=formulas,
        **info,
    )


# --- Parquet ----------------------------------------------------------------------------------


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    if dtype == pl.String:
        return col
    if dtype.is_float():
        whole = col.is_finite() & (col == col.round(0)) & (col.abs() < 1e15)
        return (
            pl.when(col.is_nan())
            .then(None)
            .when(whole)
            .then(col.cast(pl.Int64).cast(pl.String))
            .otherwise(col.cast(pl.String))
        )
    if isinstance(dtype, pl.Datetime):
        return (
            pl.when(col.dt.time() == time(0))
            .then(col.dt.strftime("%Y-%m-%d"))
            .otherwise(col.dt.strftime("%Y-%m-%d %H:%M:%S"))
        )
    if dtype == pl.Date:
        return col.dt.strftime("%Y-%m-%d")
    if dtype == pl.Time:
        return col.dt.strftime("%H:%M:%S")
    if (
        dtype.is_integer()
        or dtype.is_decimal()
        or dtype in (pl.Boolean, pl.Null)
        or isinstance(dtype, (pl.Categorical, pl.Enum))
    ):
        return col.cast(pl.String)
    raise ReadError("parquet_column_type", {"column": name, "dtype": str(dtype)})


def _read_parquet(data: bytes, *, filename: str, limits: Limits, **info: Any) -> RawTable:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(io.BytesIO(data)).metadata
        if meta.num_columns > limits.max_columns:
            raise ReadError(
                "too_many_columns", {"columns": meta.num_columns, "limit": limits.max_columns}
            )
        if meta.num_rows > limits.max_rows:
            raise ReadError("too_many_rows", {"limit": limits.max_rows})
        frame = pl.read_parquet(io.BytesIO(data))
    except ReadError:
        raise
    except Exception as exc:  # pyarrow and polars raise many kinds for a damaged file
        raise _unreadable(filename, exc) from exc
    header = list(frame.columns)
    body = frame.select(
        _as_text(c, frame.schema[c]).alias(f"column_{i + 1}") for i, c in enumerate(header)
    )
    return _finish(
        body,
        header,
        1,
        file_format="parquet",
        encoding=None,
        delimiter=None,
        sheet_names=(),
        sheet=None,
        decimal_hint=".",
        notes=[],
        merges=(),
        filename=filename,
        limits=limits,
        **info,
    )


# --- common: layout, headers, row numbers ------------------------------------------------------


def clean_headers(raw: list[str | None]) -> tuple[list[str], list[str], list[str]]:
    """(names, generated names, renamed duplicates) — see the module docstring."""
    names: list[str] = []
    generated: list[str] = []
    for position, value in enumerate(raw, start=1):
        name = " ".join(str(value).replace("\ufeff", "").split()) if value is not None else ""
        if not name:
            name = f"column_{position}"
            generated.append(name)
        names.append(name)
    taken = set(names)
    seen: set[str] = set()
    renamed: list[str] = []
    for i, name in enumerate(names):
        if name in seen:
            n = 2
            while f"{name}_{n}" in taken:
                n += 1
            names[i] = f"{name}_{n}"
            taken.add(names[i])
            renamed.append(names[i])
        seen.add(names[i])
    return names, generated, renamed


def _finish(
    body: pl.DataFrame,
    header: list[Any],
    header_row: int,
    *,
    file_format: str,
    encoding: str | None,
    delimiter: str | None,
    sheet_names: tuple[str, ...],
    sheet: str | None,
    decimal_hint: str | None,
    notes: list[Note],
    merges: tuple[str, ...] | list[str],
    filename: str,
    limits: Limits,
    sha256: str,
    size_bytes: int,
    formulas: list[tuple[int, int]] | None = None,
) -> RawTable:
    head = [header, *(list(r) for r in body.head(2).iter_rows())]
    layout = detect_layout(head)
    band_end = header_row + layout.header_rows - 1
    # merges wholly above the header row (a title over the table) are skipped with their rows
    merges = [ref for ref in merges if _cell_rows(ref)[1] >= header_row]
    in_header = [ref for ref in merges if _cell_rows(ref)[0] <= band_end]
    allowed = layout.name == "surveymonkey" and all(_cell_rows(r)[1] <= band_end for r in in_header)
    if in_header and not allowed:
        raise ReadError("merged_header", {"cells": ", ".join(in_header)})
    in_data = [ref for ref in merges if _cell_rows(ref)[0] > band_end]
    if layout.header_rows > 1:
        body = body.slice(layout.header_rows - 1)
    if body.width > limits.max_columns:
        raise ReadError("too_many_columns", {"columns": body.width, "limit": limits.max_columns})
    if body.height > limits.max_rows:
        raise ReadError("too_many_rows", {"limit": limits.max_rows})

    body = body.select(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in body.columns)
    first_data_row = band_end + 1
    rows = pl.int_range(
        first_data_row, first_data_row + body.height, dtype=pl.Int64, eager=True
    ).alias("row")
    if body.height:
        filled = body.select(~pl.all_horizontal(pl.all().is_null())).to_series()
        empty = body.height - int(filled.sum())
        if empty:
            body, rows = body.filter(filled), rows.filter(filled)
            notes.append(Note("note_empty_rows", {"count": empty}))

    raw_names = list(layout.columns) + [None] * (body.width - len(layout.columns))
    keep = [
        i
        for i, (raw, column) in enumerate(zip(raw_names, body.columns, strict=True))
        if raw is not None and str(raw).strip() or body[column].null_count() < body.height
    ]
    dropped = body.width - len(keep)
    if dropped:
        notes.append(Note("note_empty_columns", {"count": dropped}))
    names, generated, renamed = clean_headers(raw_names)
    body = body.select(pl.col(body.columns[i]).alias(names[i]) for i in keep)
    kept = {names[i] for i in keep}
    if body.height == 0:
        raise ReadError("header_only", {"filename": filename})

    if layout.name != "plain":
        notes.insert(0, Note("note_layout", {"layout": DISPLAY_NAMES[layout.name]}))
    if unnamed := [n for n in generated if n in kept]:
        notes.append(Note("note_unnamed_columns", {"columns": ", ".join(unnamed)}))
    if renamed := [n for n in renamed if n in kept]:
        notes.append(Note("note_duplicate_headers", {"columns": ", ".join(renamed)}))
    if in_data:
        notes.append(Note("note_merged_cells", {"cells": ", ".join(in_data)}))
    question_texts = {
        names[i]: text
        for i, text in layout.question_texts.items()
        if i < len(names) and names[i] in kept
    }
    formula_cells: dict[str, int] = {}
    for row, position in formulas or ():
        if row > band_end and position in keep:
            name = names[position]
            formula_cells[name] = formula_cells.get(name, 0) + 1
    return RawTable(
        header_row=header_row,
        formula_columns=tuple(formula_cells.items()),
        frame=body,
        row_numbers=rows,
        file_format=file_format,
        encoding=encoding,
        delimiter=delimiter,
        layout=layout.name,
        question_texts=question_texts,
        sheet_names=sheet_names,
        sheet=sheet,
        sha256=sha256,
        size_bytes=size_bytes,
        decimal_hint=decimal_hint,
        notes=tuple(notes),
    )
