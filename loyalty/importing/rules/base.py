"""What every rule shares: the context of one validation, what a rule returns, problem rows.

A rule is a function ``rule(work, ctx) -> Checked``: it reads the working frame (one string
column per mapped field, ``__item__<id>`` per survey item, ``__row`` the row number the user
sees) and the :class:`Context`, and returns the frame as it leaves the rule, its blocking
problems (frames of :data:`PROBLEM_SCHEMA`) and its non-blocking notes (:class:`Notice`).
A rule that decides something later rules need (the decimal mark, the branches to add)
returns it in ``decided``; :func:`loyalty.importing.validate.validate` carries it on.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from loyalty.i18n import t
from loyalty.importing.instrument import Instrument
from loyalty.schema import FIELDS, Field

#: How many occurrences of each problem kind the report shows.
REPORT_LIMIT = 20
PROBLEM_SCHEMA = {
    "kind": pl.String,
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "expected": pl.String,
}
ITEM = "__item__"  # prefix of item columns inside the working frame


@dataclass(frozen=True)
class Notice:
    """A warning (or note) for the report: message key ``import.warning.<kind>`` + params. A
    param given per language (``{"de": …, "en": …}``, e.g. a dimension's names) is written
    in the report's."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        params = {k: v[lang] if isinstance(v, dict) else v for k, v in self.params.items()}
        if "dropped" in params:  # (column, reason code) pairs, the reasons in ``lang``
            quote = ("„", "“") if lang == "de" else ("“", "”")
            params["columns"] = ", ".join(
                f"{quote[0]}{c}{quote[1]} ({t(f'privacy.{r}', lang)})"
                for c, r in params.pop("dropped")
            )
        return t(f"import.warning.{self.kind}", lang, **params)


@dataclass(frozen=True)
class Context:
    """What the rules know besides the frame: the file's mapping and what the store holds."""

    kind: str
    resolved: dict[str, str | None]  # field → the file's column (or None)
    items: dict[str, str] = field(default_factory=dict)  # item id → the file's column
    instrument: Instrument | None = None
    given_wave: str | None = None  # the wave of the whole import, canonical
    known_waves: frozenset[str] = frozenset()
    known_branches: pl.Series = field(default_factory=lambda: pl.Series("known", [], pl.String))
    unknown_branches: str = "reject"  # or "skip" or "add"
    branch_names: dict[str, str] = field(default_factory=dict)
    branch: str | None = None  # "all rows are this branch"
    decimal: str | None = None
    min_group_size: int | None = None
    headcounts: pl.DataFrame | None = None
    wave_history: pl.DataFrame | None = None
    # decided on the way (see Checked.decided)
    new_branches: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    # item id → its distinct answers as written (``v``) and how often each was given (``n``)
    answers: dict[str, pl.DataFrame] = field(default_factory=dict)

    @property
    def fields(self) -> dict[str, Field]:
        return {f.name: f for f in FIELDS[self.kind]}

    @property
    def branch_column(self) -> str | None:
        """The column the branch ids come from (or the branch every row belongs to)."""
        return self.resolved["branch_id"] or self.branch


@dataclass
class Checked:
    """What a rule returns: the frame as it leaves the rule, problems, notes, rows skipped and
    decisions for the rules after it (fields of :class:`Context`)."""

    work: pl.DataFrame
    problems: list[pl.DataFrame] = field(default_factory=list)
    notes: list[Notice] = field(default_factory=list)
    skipped: int = 0
    decided: dict[str, Any] = field(default_factory=dict)


def row_problems(
    frame: pl.DataFrame,
    mask: pl.Expr | pl.Series,
    kind: str,
    column: str | None,
    value: pl.Expr | None = None,
    expected: pl.Expr | str | None = None,
) -> pl.DataFrame:
    """One problem per row of ``frame`` where ``mask`` holds (``frame`` has ``__row``)."""
    part = frame.filter(mask)
    if part.is_empty():
        return pl.DataFrame(schema=PROBLEM_SCHEMA)
    exp = pl.lit(expected) if isinstance(expected, str) or expected is None else expected
    return part.select(
        pl.lit(kind).alias("kind"),
        pl.col("__row").cast(pl.Int64).alias("row"),
        pl.lit(column, pl.String).alias("column"),
        (value if value is not None else pl.lit(None)).cast(pl.String).alias("value"),
        exp.cast(pl.String).alias("expected"),
    )


def file_problem(
    kind: str,
    column: str | None = None,
    value: Any = None,
    expected: Any = None,
    *,
    row: int | None = None,
) -> pl.DataFrame:
    """A single problem row: about the file as a whole, or (``row``) one example row."""
    return pl.DataFrame(
        {
            "kind": [kind],
            "row": [row],
            "column": [column],
            "value": [None if value is None else str(value)],
            "expected": [None if expected is None else str(expected)],
        },
        schema=PROBLEM_SCHEMA,
    )


def short_list(values: Iterable[Any], limit: int = 20, total: int | None = None) -> str:
    """The first ``limit`` values, and how many more (``total``: the full count if ``values``
    holds only the first ones)."""
    values = list(values[:limit] if isinstance(values, list) else values)
    total = len(values) if total is None else total
    text = ", ".join(str(v) for v in values[:limit])
    return text + (f", … (+{total - limit})" if total > limit else "")


# --- waves ------------------------------------------------------------------------------------

_WAVE_PATTERNS = (
    (re.compile(r"^(\d{4})[-_ ]?H([12])$", re.I), "H"),
    (re.compile(r"^(\d{4})[-_ ]?Q([1-4])$", re.I), "Q"),
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), "M"),
    (re.compile(r"^(\d{4})$"), "Y"),
)
WAVE_FORMATS = "2025-H2, 2025-Q1, 2025-03, 2025"


def wave_period(label: str) -> tuple[str, dt.date, dt.date] | None:
    """(canonical label, first day, last day) of a wave label, or ``None`` if not recognised."""
    text = label.strip()
    for pattern, kind in _WAVE_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        year = int(m.group(1))
        if kind == "Y":
            return f"{year}", dt.date(year, 1, 1), dt.date(year, 12, 31)
        part = int(m.group(2))
        months = {"H": 6, "Q": 3, "M": 1}[kind]
        first_month = (part - 1) * months + 1
        last_month = first_month + months - 1
        end = (
            dt.date(year, 12, 31)
            if last_month == 12
            else dt.date(year, last_month + 1, 1) - dt.timedelta(days=1)
        )
        canon = f"{year}-{kind}{part}" if kind != "M" else f"{year}-{part:02d}"
        return canon, dt.date(year, first_month, 1), end
    return None


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def branch_key(text: str) -> str:
    """A branch id or name as compared: case, spaces, punctuation, umlaut spellings
    ("Muenchen" = "München") and Unicode form ("ü" as "u" + a combining mark, from an Excel
    cell or a name stored so) do not matter."""
    folded = unicodedata.normalize("NFC", text).casefold().translate(_UMLAUTS)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())
