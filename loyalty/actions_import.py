"""Importing a list of actions from CSV or Excel, with the import rules of the other kinds.

The file is read by :func:`loyalty.importing.read.read_file` (any delimiter, UTF-8 or
Windows-1252, Excel), its columns are mapped to the fields of a list of actions
(:data:`loyalty.schema.ACTION_FIELDS`, suggested by :func:`loyalty.importing.mapping.assign`
with this module's synonyms), every row is checked like a form entry
(:func:`loyalty.actions.check`, plus the user's scope) and every problem names its row,
column, value and what was expected, in the user's language. Only a file without problems
is stored, all rows in one transaction (:func:`loyalty.actions.add_many`); otherwise nothing
is.

Accepted values: the target is a branch id, a region, a format or branch ids separated by
commas (the kind is taken from the optional ``target_type`` column or inferred); the dimension
by its id or its German or English name; the status as code or word in either language
(default: planned); the start date as 2025-03-01, 01.03.2025 or an Excel date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from loyalty import access, actions, schema
from loyalty.i18n import t
from loyalty.importing import mapping
from loyalty.importing.read import RawTable
from loyalty.store import Store

FIELDS = schema.ACTION_FIELDS
REQUIRED = FIELDS[:5]
#: Column names people use for each field, strongest first (the field name always counts).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "target_value": ("Filiale", "Filialen", "Ziel", "Für", "Branch", "Branches", "Target"),
    "target_type": ("Zielart", "Art des Ziels", "Target type"),
    "dimension_id": ("Dimension", "Handlungsfeld", "Thema", "Topic"),
    "title": ("Maßnahme", "Massnahme", "Was wird getan", "Action", "What is done"),
    "owner": ("Verantwortlich", "Verantwortliche", "Zuständig", "Owner", "Responsible"),
    "start_date": ("Beginn", "Startdatum", "Start", "Start date", "Begins"),
    "status": ("Status", "Stand", "State"),
}
STATUS_WORDS = {
    **{s: s for s in actions.STATUSES},
    "geplant": "planned",
    "läuft": "running",
    "laufend": "running",
    "in arbeit": "running",
    "abgeschlossen": "done",
    "erledigt": "done",
    "fertig": "done",
    "abgebrochen": "dropped",
    "verworfen": "dropped",
}
TARGET_WORDS = {
    **{k: k for k in actions.TARGET_TYPES},
    "filiale": "branch",
    "liste": "list",
    "filialliste": "list",
}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
#: Which field an :class:`actions.ActionError` is about.
_ERROR_FIELD = {
    "dimension": "dimension_id",
    "status": "status",
    "date": "start_date",
    "target_type": "target_type",
    "no_branches": "target_value",
    "unknown_branch": "target_value",
    "out_of_scope": "target_value",
}


@dataclass(frozen=True)
class Problem:
    row: int  # as the user counts: the file's line (CSV) or sheet row (Excel)
    column: str
    value: str
    code: str
    values: tuple[tuple[str, object], ...] = ()

    def text(self, lang: str) -> str:
        return t(f"actions.error.{self.code}", lang, **dict(self.values))


@dataclass(frozen=True)
class Checked:
    """A checked file: the drafts of its rows and the problems (empty: ready to store)."""

    drafts: tuple[actions.Draft, ...]
    problems: tuple[Problem, ...]
    rows_read: int

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.drafts)


def suggest(columns: list[str]) -> dict[str, str | None]:
    """A column for every field (``None`` where nothing fits)."""
    return mapping.assign(columns, FIELDS, SYNONYMS)


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if text.replace(".", "", 1).isdigit():  # an Excel serial date read as text
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(float(text)))
    return None


def _target_type(value: str, given: str, regions: set[str], formats: set[str]) -> str:
    if given:
        return TARGET_WORDS.get(given.strip().lower(), given.strip().lower())
    if "," in value or ";" in value:
        return "list"
    if value in regions:
        return "region"
    if value in formats:
        return "format"
    return "branch"


def check(
    store: Store, viewer: access.Viewer, raw: RawTable, chosen: dict[str, str | None]
) -> Checked:
    """Check every row of ``raw`` mapped by ``chosen`` (field → column); nothing is stored."""
    problems: list[Problem] = []
    for field in REQUIRED:
        if not chosen.get(field):
            problems.append(Problem(0, field, "", "unmapped", (("field", field),)))
    if problems:
        return Checked((), tuple(problems), raw.frame.height)
    with store.reading() as cur:  # let go at the end (a served store: for commands)
        branches = cur.execute("SELECT region, format FROM branches").fetchall()
        regions, formats = {r for r, _ in branches}, {f for _, f in branches}
        dims = cur.execute("SELECT dimension_id, name_de, name_en FROM dimensions").fetchall()
        dim_ids = {name.strip().lower(): d for d, *names in dims for name in (d, *names) if name}
        drafts = []
        for index, row in enumerate(raw.frame.iter_rows(named=True)):
            line = int(raw.row_numbers[index])

            def cell(field: str, row=row) -> str:
                column = chosen.get(field)
                return str(row.get(column) or "").strip() if column else ""

            def problem(name: str, code: str, line=line, **values) -> None:
                problems.append(
                    Problem(
                        line, chosen.get(name) or name, cell(name), code, tuple(values.items())
                    )  # fmt: skip
                )

            start = parse_date(cell("start_date"))
            if start is None:
                problem("start_date", "date", value=cell("start_date"))
                continue
            status_text = cell("status").lower() or "planned"
            draft = actions.Draft(
                dimension_id=dim_ids.get(cell("dimension_id").lower(), cell("dimension_id")),
                title=cell("title"),
                owner=cell("owner"),
                start_date=start,
                status=STATUS_WORDS.get(status_text, status_text),
                target_type=_target_type(
                    cell("target_value"), cell("target_type"), regions, formats
                ),
                target_value=cell("target_value"),
            )
            try:
                draft, covered = actions.check(cur, draft)
                outside = sorted(b for b in covered if not viewer.sees(b))
                if outside:
                    raise actions.ActionError(
                        "out_of_scope", branches=", ".join(outside[:5]), n=len(outside)
                    )
            except actions.ActionError as err:
                field = err.values.get("field") or _ERROR_FIELD.get(err.code, "target_value")
                problem(str(field), err.code, **err.values)
                continue
            drafts.append(draft)
    return Checked(tuple(drafts), tuple(problems), raw.frame.height)


def problems_frame(checked: Checked, lang: str) -> pl.DataFrame:
    """The problems as a table (row, column, value, what is wrong and expected)."""
    head = [t(f"actions.import.{c}", lang) for c in ("row", "column", "value", "problem")]
    return pl.DataFrame(
        [(p.row, p.column, p.value, p.text(lang)) for p in checked.problems],
        schema={head[0]: pl.Int64, head[1]: pl.String, head[2]: pl.String, head[3]: pl.String},
        orient="row",
    )


def store_checked(
    store: Store, viewer: access.Viewer, checked: Checked, *, actor: str, source: str
) -> list[int]:
    """Store every action of a checked file in one transaction (all or none); the ids."""
    if not checked.ok:
        raise ValueError("the file has problems; nothing is stored")
    with store.transaction() as cur:
        return actions.add_many(cur, viewer, list(checked.drafts), actor=actor, source=source)
