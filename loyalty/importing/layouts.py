"""Survey-tool export layouts: which rows are headers, what the columns are called.

:func:`detect_layout` looks at the first three rows of a table (as the user sees them) and
recognises, in this order:

* **Qualtrics** — three header rows: ids (``Q1``, ``StartDate``), question wording, and
  ``{"ImportId":"QID1"}`` JSON. Recognised when at least half of the non-empty cells of row 3
  are such JSON. Row 1 names the columns, row 2 gives the question texts, data start in row 4.
* **SurveyMonkey** — two header rows: the question over its first answer column (blank cells
  to its right carry it across, as do merged cells in XLSX) and the answer options or matrix
  rows below. Recognised when row 1 holds at least two SurveyMonkey metadata headings
  (``Respondent ID``, ``Collector ID``, ``Start Date`` …) and row 2 is blank under all of them
  but not everywhere. Columns are named ``"Question - Sub item"``; a sub item ``Response`` /
  ``Open-Ended Response`` (``Antwort``/``Offene Antwort``) adds nothing.
* **Microsoft Forms** — one header row with ``ID``, ``Start time`` and ``Completion time`` (or
  German ``ID``, ``Startzeit``, ``Fertigstellungszeit``); the other headings are the questions.
* **LimeSurvey** — one header row, either codes (at least three of ``id``, ``submitdate``,
  ``lastpage``, ``startlanguage``, ``seed``, ``startdate``, ``datestamp``, ``ipaddr``,
  ``refurl``, ``token``; or at least two bracket codes like ``Q1[SQ001]``) or the full-text
  export (at least three of ``Response ID``, ``Date submitted``, ``Last page`` … or their
  German forms). In the full-text export the headings are the question texts.
* otherwise **plain**: one header row.

Comparisons are case-insensitive and ignore surrounding whitespace. The German SurveyMonkey and
LimeSurvey headings are included as we understand them from exports; the English ones are the
documented defaults.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

LAYOUTS = ("plain", "qualtrics", "surveymonkey", "msforms", "limesurvey")
DISPLAY_NAMES = {
    "plain": "plain",
    "qualtrics": "Qualtrics",
    "surveymonkey": "SurveyMonkey",
    "msforms": "Microsoft Forms",
    "limesurvey": "LimeSurvey",
}

SURVEYMONKEY_META = (
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
    # German exports
    "Befragten-ID",
    "Sammler-ID",
    "Startdatum",
    "Enddatum",
    "IP-Adresse",
    "E-Mail-Adresse",
    "Vorname",
    "Nachname",
    "Benutzerdefinierte Daten 1",
)
SURVEYMONKEY_EMPTY_SUBITEMS = ("Response", "Open-Ended Response", "Antwort", "Offene Antwort")

MSFORMS_META_EN = ("ID", "Start time", "Completion time", "Email", "Name", "Last modified time")
MSFORMS_META_DE = (
    "ID",
    "Startzeit",
    "Fertigstellungszeit",
    "E-Mail",
    "Name",
    "Zeitpunkt der letzten Änderung",
)

LIMESURVEY_META_CODES = (
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
    "token",
)
LIMESURVEY_META_TEXT = (
    "Response ID",
    "Date submitted",
    "Last page",
    "Start language",
    "Seed",
    "Date started",
    "Date last action",
    "IP address",
    "Referrer URL",
    "Token",
    # German full-text export
    "Antwort ID",
    "Datum Abgeschickt",
    "Letzte Seite",
    "Start-Sprache",
    "Zufallsstartwert",
    "Datum gestartet",
    "Datum letzte Aktivität",
    "IP-Adresse",
    "Referrer-URL",
)

_QUALTRICS_IMPORT_ID = re.compile(r'^\{\s*"ImportId"\s*:')
_LIMESURVEY_BRACKET = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\[[A-Za-z0-9_]+\]$")


@dataclass(frozen=True)
class Layout:
    """What :func:`detect_layout` found.

    ``columns``: one raw name per column (``None`` where the header is empty; the reader names
    and de-duplicates them). ``question_texts``: column index → question wording.
    """

    name: str
    header_rows: int
    columns: list[str | None]
    question_texts: dict[int, str] = field(default_factory=dict)
    variant: str | None = None


def _norm(value: str | None) -> str:
    return " ".join(str(value).split()).casefold() if value is not None else ""


def _cells(row: Sequence[str | None] | None, width: int) -> list[str | None]:
    row = list(row or [])
    out = [None if v is None or not str(v).strip() else str(v) for v in row[:width]]
    return out + [None] * (width - len(out))


def _count(headers: list[str | None], names: Sequence[str]) -> int:
    wanted = {_norm(n) for n in names}
    return sum(1 for h in headers if _norm(h) in wanted)


def detect_layout(head: Sequence[Sequence[str | None]]) -> Layout:
    """The layout of a table whose first rows are ``head`` (at least the header row)."""
    if not head:
        return Layout("plain", 1, [])
    width = max(len(r) for r in head)
    rows = [_cells(r, width) for r in head[:3]]
    while len(rows) < 3:
        rows.append([None] * width)
    first, second, third = rows
    found = (
        _qualtrics(first, second, third)
        or _surveymonkey(first, second)
        or _msforms(first)
        or _limesurvey(first)
    )
    return found or Layout("plain", 1, list(first))


def _qualtrics(first, second, third) -> Layout | None:
    filled = [c for c in third if c is not None]
    if not filled:
        return None
    hits = sum(1 for c in filled if _QUALTRICS_IMPORT_ID.match(c.strip()))
    if hits == 0 or hits * 2 < len(filled):
        return None
    texts = {
        i: " ".join(text.split())
        for i, (name, text) in enumerate(zip(first, second, strict=True))
        if text is not None and _norm(text) != _norm(name)
    }
    return Layout("qualtrics", 3, list(first), texts)


def _surveymonkey(first, second) -> Layout | None:
    meta = {_norm(n) for n in SURVEYMONKEY_META}
    meta_cols = [i for i, h in enumerate(first) if _norm(h) in meta]
    if len(meta_cols) < 2 or any(second[i] is not None for i in meta_cols):
        return None
    if all(c is None for c in second):
        return None
    empty_subitems = {_norm(s) for s in SURVEYMONKEY_EMPTY_SUBITEMS}
    columns: list[str | None] = []
    texts: dict[int, str] = {}
    question: str | None = None
    for i, (top, sub) in enumerate(zip(first, second, strict=True)):
        if top is not None:
            question = " ".join(top.split())
        elif sub is None:
            question = None  # a fully blank column ends the carried question
        if sub is None or _norm(sub) in empty_subitems:
            columns.append(question if top is not None or sub is not None else None)
        elif question is None:
            columns.append(" ".join(sub.split()))
        else:
            columns.append(f"{question} - {' '.join(sub.split())}")
        if question is not None and i not in meta_cols and columns[-1] is not None:
            texts[i] = question
    return Layout("surveymonkey", 2, columns, texts)


def _msforms(first) -> Layout | None:
    for names in (MSFORMS_META_EN, MSFORMS_META_DE):
        present = {_norm(h) for h in first}
        if {_norm(n) for n in names[:3]} <= present:
            meta = {_norm(n) for n in names}
            texts = {
                i: " ".join(h.split())
                for i, h in enumerate(first)
                if h is not None and _norm(h) not in meta
            }
            return Layout(
                "msforms", 1, list(first), texts, "de" if names is MSFORMS_META_DE else "en"
            )
    return None


def _limesurvey(first) -> Layout | None:
    brackets = sum(1 for h in first if h is not None and _LIMESURVEY_BRACKET.match(h.strip()))
    if _count(first, LIMESURVEY_META_CODES) >= 3 or brackets >= 2:
        return Layout("limesurvey", 1, list(first), {}, "codes")
    if _count(first, LIMESURVEY_META_TEXT) >= 3:
        meta = {_norm(n) for n in LIMESURVEY_META_TEXT}
        texts = {
            i: " ".join(h.split())
            for i, h in enumerate(first)
            if h is not None and _norm(h) not in meta
        }
        return Layout("limesurvey", 1, list(first), texts, "text")
    return None
