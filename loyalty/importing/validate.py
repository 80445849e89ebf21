"""Validation of a read file *before* anything is stored.

:func:`validate` takes the file as read (every column a string, the row numbers the user sees),
the column mapping, the wave's instrument and what the store knows, and returns a
:class:`ValidationResult`: canonical frames ready to store, blocking ``problems`` (one row per
occurrence: kind, row, column, value, expected) and non-blocking ``warnings``. It never touches
the store, and every rule is a polars expression over whole columns (no per-row Python).

Decisions where the issue is silent (also in ``docs/data-model.md``):

* Duplicate respondents: if a respondent id column is mapped, a second row with the same id in
  the same wave is a problem (the line names the first row). Without such a column, exactly
  identical rows are only a *warning*: with a dozen five-point items two colleagues in one
  branch can honestly give the same answers.
* Rows without a single answer are skipped with a warning (not stored, not a problem).
* An empty answer cell is a skipped question (no score row), never a problem.
* Answers may be numbers or the scale's words (through ``likert``); a number outside the item's
  scale, a fraction, or an unknown word is a problem.
* Counts (customers, headcount, churn) must be whole numbers ≥ 0, revenue ≥ 0; margin and profit
  may be negative. A number that cannot be read in the file's decimal convention is a problem.
* The wave comes from the import (``wave``) or a mapped wave column; with both, a row from
  another wave is a problem. Labels must look like ``2025-H2``, ``2025-Q1``, ``2025-03`` or
  ``2025`` unless the wave already exists.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from string import Formatter
from typing import Any

import polars as pl

from loyalty import config
from loyalty.i18n import has, t
from loyalty.importing import likert, numbers, privacy
from loyalty.importing.instrument import Instrument
from loyalty.importing.mapping import normalise_header as norm
from loyalty.schema import CHURN_FIELDS, FIELDS, KINDS, Field

UNKNOWN_BRANCH_OPTIONS = ("reject", "skip", "add")
#: How much lower a wave's response rate may be than the previous wave's before a warning.
RESPONSE_RATE_DROP = 0.7
#: How many occurrences of each problem kind the report shows.
REPORT_LIMIT = 20


PROBLEM_SCHEMA = {
    "kind": pl.String,
    "row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "expected": pl.String,
}
_ITEM = "__item__"  # prefix of item columns inside the working frame


@dataclass(frozen=True)
class Notice:
    """A warning (or note) for the report: message key ``import.warning.<kind>`` + params."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        params = dict(self.params)
        if "dropped" in params:  # (column, reason key) pairs, the reasons in ``lang``
            quote = ("„", "“") if lang == "de" else ("“", "”")
            params["columns"] = ", ".join(
                f"{quote[0]}{c}{quote[1]} ({t(r, lang)})" for c, r in params.pop("dropped")
            )
        return t(f"import.warning.{self.kind}", lang, **params)


@dataclass
class ValidationResult:
    kind: str
    waves: list[str]
    frames: dict[str, pl.DataFrame]
    problems: pl.DataFrame
    warnings: list[Notice]
    mapping: dict[str, str | None]
    item_columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    dropped_columns: list[tuple[str, str]] = field(default_factory=list)
    unknown_branches: list[str] = field(default_factory=list)
    new_waves: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_valid: int = 0
    rows_skipped: int = 0
    decimal: str | None = None
    instrument: Instrument | None = None

    @property
    def ok(self) -> bool:
        return self.problems.is_empty()

    def problem_counts(self) -> pl.DataFrame:
        """kind, count — in the order the kinds first occur."""
        return (
            self.problems.with_row_index("_i")
            .group_by("kind")
            .agg(pl.len().alias("count"), pl.col("_i").min())
            .sort("_i")
            .drop("_i")
        )

    def problem_groups(self, limit: int = REPORT_LIMIT) -> list[tuple[str, int, pl.DataFrame]]:
        """(kind, count, first ``limit`` occurrences) per kind, for the report."""
        out = []
        for kind, count in self.problem_counts().iter_rows():
            part = self.problems.filter(pl.col("kind") == kind).head(limit)
            out.append((kind, count, part))
        return out

    def preview(self, rows: int = 20) -> pl.DataFrame | None:
        """What will be stored, as the first rows; a survey only as answers per branch and
        wave (no single person's answers on screen)."""
        if self.kind == "engagement":
            responses = self.frames.get("responses")
            if responses is None:
                return None
            return (
                responses.group_by("wave", "branch_id")
                .len("responses")
                .sort("wave", "branch_id")
                .head(rows)
            )
        frame = next(iter(self.frames.values()), None)
        return frame.head(rows) if frame is not None else None

    def problems_frame(self, lang: str = "de") -> pl.DataFrame:
        """Every problem with its message, column names in ``lang`` (for the CSV download)."""
        return problems_frame(self.problems, lang)


def preview_headings(columns: Iterable[str], lang: str) -> dict[str, str]:
    """Headings for the import preview in ``lang`` (``import.field.<column>``); a column
    without a message (a survey item's code) keeps its name."""
    return {c: t(f"import.field.{c}", lang) for c in columns if has(f"import.field.{c}")}


def problem_line(kind: str, row: dict[str, Any], lang: str) -> str:
    """One occurrence as text (``import.problem.KIND.line``, or ``.file`` without a row)."""
    key = f"import.problem.{kind}.line"
    if row.get("row") is None and has(f"import.problem.{kind}.file"):
        key = f"import.problem.{kind}.file"
    values = {k: ("" if row.get(k) is None else row.get(k)) for k in PROBLEM_SCHEMA}
    if kind in ("missing_field", "mapped_column_missing") and values["value"]:
        values["value"] = field_label(str(values["value"]), lang)
    return t(key, lang, **values)


def field_label(name: str, lang: str) -> str:
    key = f"import.field.{name}"
    return t(key, lang) if has(key) else name


def _template_expr(template: str) -> pl.Expr:
    """A message template as one vectorised string expression over the problem columns."""
    parts: list[pl.Expr] = []
    for literal, name, _spec, _conv in Formatter().parse(template):
        if literal:
            parts.append(pl.lit(literal))
        if name is not None:
            parts.append(pl.col(name).cast(pl.String).fill_null(""))
    return pl.concat_str(parts) if parts else pl.lit("")


def problems_frame(problems: pl.DataFrame, lang: str = "de") -> pl.DataFrame:
    """The full problem list with a rendered message per row and localised headers."""
    messages = []
    for kind in problems["kind"].unique(maintain_order=True).to_list():
        part = problems.filter(pl.col("kind") == kind)
        line = t(f"import.problem.{kind}.line", lang)
        file_key = f"import.problem.{kind}.file"
        file_line = t(file_key, lang) if has(file_key) else line
        part = part.with_columns(
            pl.lit(t(f"import.problem.{kind}", lang)).alias("_kind"),
            pl.when(pl.col("row").is_null())
            .then(_template_expr(file_line))
            .otherwise(_template_expr(line))
            .alias("_message"),
        )
        messages.append(part)
    frame = (
        pl.concat(messages)
        if messages
        else problems.with_columns(
            pl.lit(None, pl.String).alias("_kind"), pl.lit(None, pl.String).alias("_message")
        )
    )
    return frame.select(
        pl.col("_kind").alias(t("import.csv.kind", lang)),
        pl.col("row").alias(t("import.csv.row", lang)),
        pl.col("column").alias(t("import.csv.column", lang)),
        pl.col("value").alias(t("import.csv.value", lang)),
        pl.col("expected").alias(t("import.csv.expected", lang)),
        pl.col("_message").alias(t("import.csv.message", lang)),
    )


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


# --- the reading half (numbers, likert, privacy) ----------------------------------------------


def _parse_numbers(series: pl.Series, decimal: str | None) -> tuple[pl.Series, pl.Series]:
    return numbers.parse_numbers(series, decimal=decimal)


def _detect_decimal(series: pl.Series) -> str | None:
    return numbers.detect_decimal(series)


def _likert(series: pl.Series, lo: int, hi: int) -> tuple[pl.Series, list[str]]:
    return likert.likert_to_numbers(series, lo, hi)


def _looks_like_free_text(series: pl.Series) -> bool:
    return bool(privacy.looks_like_free_text(series))


def normalise_header(text: str) -> str:
    return norm(text)


# --- helpers ----------------------------------------------------------------------------------


# --- branches by name ---------------------------------------------------------------------------

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def branch_key(text: str) -> str:
    """A branch id or name as compared: case, spaces, punctuation and umlaut spellings
    ("Muenchen" = "München") do not matter."""
    folded = text.casefold().translate(_UMLAUTS)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


def _branches_by_name(
    work: pl.DataFrame, known: pl.Series, names: dict[str, str]
) -> tuple[pl.DataFrame, list[str]]:
    """Values that are not ids but name one branch (its name, or its id spelt otherwise) are
    replaced by the id; returns the frame and "value → id" for the report."""
    values = work.filter(~pl.col("branch_id").is_in(known.implode()))["branch_id"]
    values = values.drop_nulls().unique(maintain_order=True).to_list()
    if not values:
        return work, []
    lookup: dict[str, set[str]] = {}
    for branch_id in known.to_list():
        lookup.setdefault(branch_key(branch_id), set()).add(branch_id)
        if names.get(branch_id):
            lookup.setdefault(branch_key(names[branch_id]), set()).add(branch_id)
    found = {}
    for value in values:
        ids = lookup.get(branch_key(value), set())
        if len(ids) == 1:  # an ambiguous name is not guessed
            found[value] = next(iter(ids))
    if not found:
        return work, []
    work = work.with_columns(
        pl.col("branch_id").replace(list(found), list(found.values())).alias("branch_id")
    )
    return work, [f"{v} → {i}" for v, i in found.items()]


def _closest_branches(
    unknown: list[str], known: list[str], names: dict[str, str], n: int = 3
) -> dict[str, str]:
    """For each unknown value the closest branches ("B001 Osnabrück Nord, …") by id or name
    (the first branches of the list when nothing is close)."""
    labels = {branch_key(b): b for b in known}
    labels.update({branch_key(names[b]): b for b in known if names.get(b)})
    keys = list(labels)
    hints = {}
    for value in unknown:
        close = difflib.get_close_matches(branch_key(value), keys, n=n * 2, cutoff=0.5)
        ids = list(dict.fromkeys(labels[k] for k in close))[:n] or sorted(known)[:n]
        hints[value] = ", ".join(f"{b} {names.get(b, '')}".strip() for b in ids) or "–"
    return hints


def _problems(
    frame: pl.DataFrame,
    mask: pl.Expr | pl.Series,
    kind: str,
    column: str | None,
    value: pl.Expr | None = None,
    expected: pl.Expr | str | None = None,
) -> pl.DataFrame:
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


def _file_problem(
    kind: str, column: str | None = None, value: Any = None, expected: Any = None
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "kind": [kind],
            "row": [None],
            "column": [column],
            "value": [None if value is None else str(value)],
            "expected": [None if expected is None else str(expected)],
        },
        schema=PROBLEM_SCHEMA,
    )


def _short_list(values: Iterable[Any], limit: int = 20, total: int | None = None) -> str:
    """The first ``limit`` values, and how many more (``total``: the full count if ``values``
    holds only the first ones)."""
    values = list(values[:limit] if isinstance(values, list) else values)
    total = len(values) if total is None else total
    text = ", ".join(str(v) for v in values[:limit])
    return text + (f", … (+{total - limit})" if total > limit else "")


def _fmt_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


_MATRIX_BRACKETS = re.compile(r"\[([^\[\]]+)\]\s*$")


def _wordings(text: str) -> list[str]:
    """A heading or question text and, for matrix questions, its statement: the part after the
    last " - " (Qualtrics, SurveyMonkey) or in trailing brackets (LimeSurvey)."""
    found = [text]
    if " - " in text:
        found.append(text.rsplit(" - ", 1)[1])
    m = _MATRIX_BRACKETS.search(text)
    if m:
        found.append(m.group(1))
    return found


def match_items(
    columns: Sequence[str],
    instrument: Instrument,
    *,
    mapping: dict[str, str | None] | None = None,
    question_texts: dict[str, str] | None = None,
    taken: Iterable[str] = (),
) -> dict[str, str]:
    """item_id → column. An explicit mapping entry keyed by the item id wins; else a column
    whose header is the item id, or whose header or question text is the item's wording (either
    language) — for matrix questions the statement after " - " or in trailing "[…]" — compared
    after :func:`normalise_header`. Nothing else is guessed."""
    mapping = mapping or {}
    question_texts = question_texts or {}
    used = set(taken)
    found: dict[str, str] = {}
    for item in instrument.items:
        col = mapping.get(item.item_id)
        if col and col in columns:
            found[item.item_id] = col
            used.add(col)
    by_id: dict[str, str] = {}
    by_text: dict[str, str] = {}
    for col in columns:
        if col in used:
            continue
        by_id.setdefault(normalise_header(col), col)
        for text in (col, question_texts.get(col) or ""):
            for wording in _wordings(text) if text else ():
                key = normalise_header(wording)
                if key:
                    by_text.setdefault(key, col)
    for item in instrument.items:
        if item.item_id in found:
            continue
        candidates = [by_id.get(normalise_header(item.item_id))]
        candidates += [by_text.get(normalise_header(w)) for w in (item.text_de, item.text_en)]
        for col in candidates:
            if col and col not in used:
                found[item.item_id] = col
                used.add(col)
                break
    return found


# --- validation -------------------------------------------------------------------------------


def validate(
    raw_frame: pl.DataFrame,
    row_numbers: Sequence[int] | pl.Series | None,
    kind: str,
    wave: str | None,
    mapping: dict[str, str | None],
    instrument: Instrument | None,
    known_branches: Iterable[str],
    *,
    unknown_branches: str = "reject",
    question_texts: dict[str, str] | None = None,
    identifying: Sequence[tuple[str, str]] = (),
    decimal: str | None = None,
    min_group_size: int | None = None,
    headcounts: pl.DataFrame | None = None,
    branch_names: dict[str, str] | None = None,
    branch: str | None = None,
    wave_history: pl.DataFrame | None = None,
    known_waves: Iterable[str] = (),
) -> ValidationResult:
    """Check a read file against the rules and build canonical frames (see module docstring).

    ``known_branches``: branch ids in the store. ``unknown_branches``: ``"reject"`` (a problem
    per row), ``"skip"`` (drop those rows, warn) or ``"add"`` (keep them; ``frames["new_branches"]``
    then lists the new branches to add). ``headcounts``: branch_id, headcount (for the response
    rate checks). ``wave_history``: wave, start_date, responses of stored waves (for the
    response-rate comparison with the previous wave). ``identifying``: (column, reason key) from
    ``privacy.identifying_columns``; such columns are never stored.
    """
    if unknown_branches not in UNKNOWN_BRANCH_OPTIONS:
        raise ValueError(f"unknown_branches must be one of {UNKNOWN_BRANCH_OPTIONS}")
    problems: list[pl.DataFrame] = []
    warnings: list[Notice] = []
    mapping = dict(mapping or {})
    result = ValidationResult(
        kind=kind,
        waves=[],
        frames={},
        problems=pl.DataFrame(schema=PROBLEM_SCHEMA),
        warnings=warnings,
        mapping={},
        rows_read=raw_frame.height,
    )
    if kind not in KINDS:
        result.problems = _file_problem("unknown_kind", value=kind, expected=", ".join(KINDS))
        return result
    if raw_frame.height == 0:
        result.problems = _file_problem("no_rows")
        return result
    columns = raw_frame.columns
    known_waves = set(known_waves)
    if wave_history is not None:
        known_waves |= set(wave_history["wave"].to_list())

    # --- mapping ------------------------------------------------------------------------------
    fields = {f.name: f for f in FIELDS[kind]}
    resolved: dict[str, str | None] = {}
    for name, spec in fields.items():
        col = mapping.get(name)
        if col is not None and col not in columns:
            problems.append(_file_problem("mapped_column_missing", column=col, value=name))
            col = None
        resolved[name] = col
        if name == "branch_id" and kind != "branches" and (branch or col is None):
            if col is not None:  # a branch column and "all rows are branch X": which one?
                problems.append(_file_problem("branch_twice", column=col, value=branch))
            elif not branch:
                problems.append(_file_problem("missing_branch", value=name))
        elif col is None and spec.required:
            problems.append(_file_problem("missing_field", value=name))
    result.mapping = resolved
    label = {name: col for name, col in resolved.items() if col is not None}
    item_ids = (
        set(instrument.item_ids) if instrument is not None and kind == "engagement" else set()
    )
    if kind != "engagement" or instrument is not None:
        for key, col in mapping.items():
            if col and key not in fields and key not in item_ids:
                problems.append(
                    _file_problem(
                        "unknown_field", column=col, value=key, expected=", ".join(fields)
                    )
                )

    given_wave = None
    if kind != "branches":
        if wave is not None and str(wave).strip():
            period = wave_period(str(wave))
            given_wave = str(wave).strip()
            if given_wave not in known_waves:
                if period is None:
                    problems.append(
                        _file_problem("bad_wave_label", value=given_wave, expected=WAVE_FORMATS)
                    )
                else:
                    given_wave = period[0]
        elif resolved.get("wave") is None:
            problems.append(_file_problem("missing_wave"))

    items: dict[str, str] = {}
    if kind == "engagement":
        if instrument is None:
            problems.append(_file_problem("no_instrument", value=given_wave or wave or "?"))
        else:
            taken = [c for c in resolved.values() if c]
            items = match_items(
                columns, instrument, mapping=mapping, question_texts=question_texts, taken=taken
            )
            if not items:
                problems.append(
                    _file_problem("no_item_columns", expected=_short_list(instrument.item_ids, 8))
                )
            missing = [i for i in instrument.item_ids if i not in items]
            if items and missing:
                warnings.append(Notice("items_missing", {"items": _short_list(missing)}))
            result.instrument = instrument.subset(list(items))
    result.item_columns = items

    # ignored and dropped columns
    used_cols = {c for c in resolved.values() if c} | set(items.values())
    stored_cols = {c for n, c in resolved.items() if c and n != "respondent_id"} | set(
        items.values()
    )
    dropped = [(c, r) for c, r in identifying if c in columns and c not in stored_cols]
    dropped_names = {c for c, _ in dropped}
    ignored = []
    for col in columns:
        if col in used_cols or col in dropped_names:
            continue
        # survey comments could name people: dropped and listed (other kinds: just unused)
        if kind == "engagement" and _looks_like_free_text(raw_frame[col].head(20_000)):
            dropped.append((col, "privacy.free_text"))
        else:
            ignored.append(col)
    result.dropped_columns = dropped
    result.ignored_columns = ignored
    if dropped:
        warnings.append(Notice("identifying_dropped", {"dropped": list(dropped)}))

    if problems:
        # the mapping is unusable: row checks would only repeat the same problem per row
        result.problems = pl.concat(problems)
        return result

    # --- the working frame: stripped strings, empty cells as null -----------------------------
    if row_numbers is None:
        rows = pl.int_range(2, raw_frame.height + 2, eager=True)
    else:
        rows = pl.Series(row_numbers)
    if rows.len() != raw_frame.height:
        raise ValueError("row_numbers must have one entry per data row")

    def clean(col: str) -> pl.Expr:
        s = pl.col(col).cast(pl.String).str.strip_chars()
        return pl.when(s == "").then(None).otherwise(s)

    work = raw_frame.select(
        *(clean(col).alias(name) for name, col in label.items()),
        # item answers are cleaned per distinct value in _item_scores (cheaper on big files)
        *(pl.col(col).cast(pl.String).alias(_ITEM + item) for item, col in items.items()),
    ).with_columns(rows.cast(pl.Int64).alias("__row"))

    # --- wave -----------------------------------------------------------------------------------
    if kind != "branches":
        wave_col = resolved.get("wave")
        if wave_col is None:
            work = work.with_columns(pl.lit(given_wave, pl.String).alias("wave"))
        else:
            uniques = work["wave"].drop_nulls().unique().to_list()
            canon: dict[str, str | None] = {}
            for value in uniques:
                if value in known_waves:
                    canon[value] = value
                else:
                    period = wave_period(value)
                    canon[value] = period[0] if period else None
            bad = [v for v, c in canon.items() if c is None]
            if bad:
                problems.append(
                    _problems(
                        work,
                        pl.col("wave").is_in(bad),
                        "bad_wave_label",
                        wave_col,
                        pl.col("wave"),
                        WAVE_FORMATS,
                    )
                )
            work = work.with_columns(
                pl.col("wave").alias("__wave_raw"),
                pl.col("wave").replace_strict(
                    list(canon), list(canon.values()), default=None, return_dtype=pl.String
                ),
            )
            if given_wave is not None:
                problems.append(
                    _problems(
                        work,
                        pl.col("wave").is_not_null() & (pl.col("wave") != given_wave),
                        "wave_mismatch",
                        wave_col,
                        pl.col("__wave_raw"),
                        given_wave,
                    )
                )
                work = work.with_columns(pl.col("wave").fill_null(given_wave))
            else:
                problems.append(
                    _problems(work, pl.col("__wave_raw").is_null(), "missing_wave", wave_col)
                )
            work = work.drop("__wave_raw")

    # --- branch ids -----------------------------------------------------------------------------
    if resolved["branch_id"] is None and branch:  # "all rows of this file are branch X"
        work = work.with_columns(pl.lit(branch.strip(), pl.String).alias("branch_id"))
    bcol = resolved["branch_id"] or branch
    problems.append(_problems(work, pl.col("branch_id").is_null(), "missing_value", bcol))
    known = pl.Series("known", list(known_branches), dtype=pl.String)
    new_branches: list[str] = []
    if kind == "branches":
        fresh = (
            work.filter(
                pl.col("branch_id").is_not_null() & ~pl.col("branch_id").is_in(known.implode())
            )["branch_id"]
            .unique(maintain_order=True)
            .to_list()
        )
        if fresh:
            warnings.append(
                Notice("new_branches", {"count": len(fresh), "branches": _short_list(fresh)})
            )
    else:
        work, by_name = _branches_by_name(work, known, branch_names or {})
        if by_name:
            warnings.append(
                Notice(
                    "branches_by_name",
                    {"count": len(by_name), "examples": _short_list(by_name, 5)},
                )
            )
        unknown_mask = pl.col("branch_id").is_not_null() & ~pl.col("branch_id").is_in(
            known.implode()
        )
        unknown = work.filter(unknown_mask)["branch_id"].unique(maintain_order=True).to_list()
        result.unknown_branches = unknown
        if unknown:
            if unknown_branches == "reject":
                hints = _closest_branches(unknown, known.to_list(), branch_names or {})
                problems.append(
                    _problems(
                        work,
                        unknown_mask,
                        "unknown_branch",
                        bcol,
                        pl.col("branch_id"),
                        pl.col("branch_id").replace_strict(
                            list(hints), list(hints.values()), default="–"
                        ),
                    )
                )
            elif unknown_branches == "skip":
                before = work.height
                work = work.filter(~unknown_mask)
                result.rows_skipped += before - work.height
                warnings.append(
                    Notice(
                        "unknown_branches_skipped",
                        {"rows": before - work.height, "branches": _short_list(unknown)},
                    )
                )
            else:
                new_branches = unknown
                warnings.append(
                    Notice("unknown_branches_added", {"branches": _short_list(unknown)})
                )

    # --- numbers --------------------------------------------------------------------------------
    numeric = [f for f in fields.values() if f.type in ("count", "amount", "nonneg_amount")]
    numeric = [f for f in numeric if resolved.get(f.name)]
    if decimal is None and (numeric or items):
        decimal = _file_decimal(work, [f.name for f in numeric] + [_ITEM + i for i in items])
    result.decimal = decimal
    for f in numeric:
        col = resolved[f.name]
        values, parse_problems = _parse_column(work, f, col, decimal)
        problems.extend(parse_problems)
        work = work.with_columns(values.alias(f.name))

    problems.extend(_text_problems(kind, work, resolved, fields, new_branches, min_group_size))

    if kind == "loyalty":
        problems.append(
            _problems(
                work,
                pl.col("retained_customers") > pl.col("active_customers"),
                "retained_exceeds_active",
                resolved["retained_customers"],
                pl.col("retained_customers").cast(pl.Int64),
                pl.col("active_customers").cast(pl.Int64),
            )
        )

    # --- items ----------------------------------------------------------------------------------
    if kind == "engagement" and instrument is not None:
        problems.extend(_scale_problems(work, items, instrument))
        for item_id, col in items.items():
            scores, item_problems = _item_scores(work, item_id, col, instrument, decimal)
            problems.extend(item_problems)
            work = work.with_columns(scores.alias(_ITEM + item_id))
        item_cols = [_ITEM + i for i in items]
        if item_cols:
            empty = pl.all_horizontal(pl.col(c).is_null() for c in item_cols)
            empty_rows = work.filter(empty)["__row"]
            if empty_rows.len():
                warnings.append(
                    Notice(
                        "empty_responses",
                        {"count": empty_rows.len(), "rows": _short_list(empty_rows.head(10), 10)},
                    )
                )
                result.rows_skipped += empty_rows.len()
                work = work.filter(~empty)

    # --- duplicates -----------------------------------------------------------------------------
    if kind == "engagement":
        if resolved.get("respondent_id"):
            problems.append(
                _duplicates(
                    work,
                    ["wave", "respondent_id"],
                    "duplicate_respondent",
                    resolved["respondent_id"],
                    "respondent_id",
                )
            )
        else:
            content = [c for c in work.columns if c != "__row"]
            dup = work.select(pl.struct(content).is_first_distinct().not_().alias("d"))["d"]
            dup_rows = work.filter(dup)["__row"]
            if dup_rows.len():
                warnings.append(
                    Notice(
                        "duplicate_rows",
                        {"count": dup_rows.len(), "rows": _short_list(dup_rows.head(10), 10)},
                    )
                )
    else:
        keys = ["branch_id"] if kind == "branches" else ["wave", "branch_id"]
        problems.append(_duplicates(work, keys, "duplicate_branch", bcol, "branch_id"))

    result.problems = (
        pl.concat([p for p in problems if not p.is_empty()])
        if any(not p.is_empty() for p in problems)
        else pl.DataFrame(schema=PROBLEM_SCHEMA)
    )
    bad_rows = result.problems["row"].drop_nulls().n_unique()
    result.rows_valid = max(0, work.height - bad_rows)
    if kind != "branches":
        result.waves = sorted(work["wave"].drop_nulls().unique().to_list())
        result.new_waves = [w for w in result.waves if w not in known_waves]
        for w in result.new_waves:
            period = wave_period(w)
            if period:
                warnings.append(
                    Notice(
                        "new_wave",
                        {"wave": w, "start": period[1].isoformat(), "end": period[2].isoformat()},
                    )
                )

    # --- warnings about the data (engagement) ---------------------------------------------------
    if kind == "engagement" and result.ok:
        _engagement_warnings(work, warnings, min_group_size, headcounts, wave_history, new_branches)

    if not result.ok:
        return result

    # --- canonical frames -----------------------------------------------------------------------
    result.frames = _canonical(kind, work, items, resolved, new_branches)
    return result


#: How much of a refused text the report repeats (the whole cell may be megabytes).
SHOWN_TEXT = 60


def _text_problems(
    kind: str,
    work: pl.DataFrame,
    resolved: dict[str, str | None],
    fields: dict[str, Field],
    new_branches: list[str],
    min_group_size: int | None,
) -> list[pl.DataFrame]:
    """Every text that would be stored passes :func:`privacy.text_reasons`; an engagement
    file's categories (tenure band, job area) also the distinct-value limit."""
    texts = [f.name for f in fields.values() if f.type == "text" and resolved.get(f.name)]
    if kind == "branches" or new_branches:
        texts.insert(0, "branch_id")
    out: list[pl.DataFrame] = []
    for name in texts:
        category = kind == "engagement" and name != "branch_id"
        reasons = privacy.text_reasons(work[name], names=category)
        flagged = work.select("__row", name).with_columns(reasons.alias("__reason"))
        flagged = flagged.filter(pl.col("__reason").is_not_null())
        if name == "branch_id" and kind != "branches":
            flagged = flagged.filter(pl.col(name).is_in(new_branches))
        good = work.filter(reasons.is_null())[name].drop_nulls()
        examples = ", ".join(good.value_counts(sort=True)[name].head(3).to_list()) or "–"
        value = (
            pl.when(pl.col(name).str.len_chars() > SHOWN_TEXT)
            .then(pl.col(name).str.slice(0, SHOWN_TEXT) + pl.lit(" …"))
            .otherwise(pl.col(name))
        )
        for reason in flagged["__reason"].unique(maintain_order=True).to_list():
            out.append(
                _problems(
                    flagged,
                    pl.col("__reason") == reason,
                    f"identifying_{reason}",
                    resolved[name],
                    value,
                    examples,
                )
            )
        if category:
            distinct = work[name].drop_nulls().n_unique()
            respondents = work.height
            limit = privacy.category_limit(respondents, min_group_size or config.min_group_size())
            if distinct > limit:
                out.append(
                    _file_problem(
                        "too_many_categories", column=resolved[name], value=distinct, expected=limit
                    )
                )
    return out


def _duplicates(
    work: pl.DataFrame, keys: list[str], kind: str, column: str | None, value: str
) -> pl.DataFrame:
    """A problem for every later row with the same ``keys`` (the line names the first row)."""
    later = work.filter(pl.col(value).is_not_null() & ~pl.struct(keys).is_first_distinct())
    if later.is_empty():
        return pl.DataFrame(schema=PROBLEM_SCHEMA)
    first = (
        work.join(later.select(keys).unique(), on=keys, how="semi")
        .group_by(keys)
        .agg(pl.col("__row").first().alias("__first"))
    )
    later = later.join(first, on=keys, how="left", nulls_equal=True, maintain_order="left")
    return _problems(later, pl.lit(True), kind, column, pl.col(value), pl.col("__first"))


def _file_decimal(work: pl.DataFrame, cols: list[str]) -> str | None:
    """The file's decimal mark, detected once over every numeric column (consistent reading)."""
    parts = []
    for c in cols:
        s = work[c].drop_nulls().unique()
        # whole numbers say nothing; words (Likert answers) are no numbers
        s = s.filter(
            s.str.strip_chars().cast(pl.Int64, strict=False).is_null()
            & s.str.contains(r"^[^\p{L}]*\d[^\p{L}]*$")
        )
        if s.len():
            parts.append(s.head(5000).rename("v"))
    if not parts:
        return None
    return _detect_decimal(pl.concat(parts))


#: The largest value a numeric field takes (and how the message writes it): counts and
#: amounts below 10¹⁵ (exact as a float, far from 64-bit overflow when summed), a branch's
#: headcount below 10⁶ (a 32-bit column). Larger values, infinity and NaN are problems.
LIMITS: dict[str, tuple[float, str]] = {
    "count": (1e15, "10¹⁵"),
    "amount": (1e15, "10¹⁵"),
    "nonneg_amount": (1e15, "10¹⁵"),
    "headcount": (1e6, "10⁶"),
}


def _parse_column(
    work: pl.DataFrame, f: Field, col: str, decimal: str | None
) -> tuple[pl.Series, list[pl.DataFrame]]:
    """Float64 values of a numeric field plus its problems."""
    s = work[f.name]
    fast = s.cast(pl.Int64, strict=False)
    need = s.is_not_null() & fast.is_null()
    values = fast.cast(pl.Float64)
    failed: pl.Series | None = None
    if need.any():
        idx = need.arg_true()
        parsed, fail = _parse_numbers(s.gather(idx), decimal)
        values = values.scatter(idx, parsed.cast(pl.Float64))
        failed = need.clone().scatter(idx, fail.fill_null(True).cast(pl.Boolean))
    probs: list[pl.DataFrame] = []
    frame = work.select("__row", pl.col(f.name).alias("__raw")).with_columns(values.alias("__val"))
    if failed is not None:
        frame = frame.with_columns(failed.alias("__fail"))
        probs.append(_problems(frame, pl.col("__fail"), "not_a_number", col, pl.col("__raw")))
        frame = frame.with_columns(
            pl.when(pl.col("__fail")).then(None).otherwise(pl.col("__val")).alias("__val")
        )
        values = frame["__val"]
    if f.required:
        probs.append(_problems(frame, pl.col("__raw").is_null(), "missing_value", col))
    # no import field is a percentage (rates are computed from counts and amounts): a value
    # shown as a percentage (typed "12,5 %", or an Excel cell formatted as percent, which the
    # reader writes as Excel shows it) is a rate where a count or an amount belongs
    percent = pl.col("__val").is_not_null() & pl.col("__raw").str.contains(r"%\s*$")
    probs.append(_problems(frame, percent, "percent_value", col, pl.col("__raw")))
    frame = frame.with_columns(
        pl.when(percent).then(None).otherwise(pl.col("__val")).alias("__val")
    )
    values = frame["__val"]
    if f.type == "count":
        probs.append(
            _problems(
                frame,
                pl.col("__val").is_not_null() & (pl.col("__val") != pl.col("__val").round(0)),
                "not_an_integer",
                col,
                pl.col("__raw"),
            )
        )
    limit = LIMITS.get(f.name, LIMITS[f.type])
    probs.append(
        _problems(
            frame,
            ~pl.col("__val").is_finite() | (pl.col("__val").abs() > limit[0]),
            "too_large",
            col,
            pl.col("__raw"),
            limit[1],
        )
    )
    frame = frame.with_columns(
        pl.when(pl.col("__val").is_finite() & (pl.col("__val").abs() <= limit[0]))
        .then(pl.col("__val"))
        .alias("__val")
    )
    values = frame["__val"]
    if f.type in ("count", "nonneg_amount"):
        probs.append(
            _problems(
                frame,
                pl.col("__val") < 0,
                "negative",
                col,
                pl.col("__raw"),
                "≥ 0",
            )
        )
    return values.rename(f.name), probs


def _scale_problems(
    work: pl.DataFrame, items: dict[str, str], instrument: Instrument
) -> list[pl.DataFrame]:
    """Five- and seven-point answers mixed in one file (two surveys pasted together, an item
    set up differently in the survey tool). On the same words the two scales differ ("stimme
    eher zu" is 4 of 5 but 5 of 7), so such a file would be read wrong without a word. Refused:
    on a five-point questionnaire every column whose labels show seven points
    (:func:`likert.scale_evidence`; a plain 6 or 7 is out of range there anyway, reported per
    cell); on a seven-point one, when some columns show seven
    points, every column that shows five (a numbered label "5 - stimme voll zu", or at least
    :data:`likert.FIVE_POINT_MIN_ANSWERS` numbers none above 5)."""
    evidence: dict[str, dict[int, str]] = {}
    capped: dict[str, int] = {}
    for item_id in items:
        item = instrument.item(item_id)
        if item.scale_max - item.scale_min not in (4, 6):
            continue
        # each distinct answer once, with how often it was given
        answers = (
            work.select(pl.col(_ITEM + item_id).alias("v"))
            .drop_nulls()
            .group_by("v", maintain_order=True)
            .len("n")
            .group_by(pl.col("v").str.strip_chars(), maintain_order=True)
            .agg(pl.col("n").sum())
        )
        # on a five-point questionnaire a plain 6 or 7 is already out of range, cell by cell
        seven = item.scale_max - item.scale_min == 6
        evidence[item_id] = likert.scale_evidence(
            answers["v"].to_list(), item.scale_min, numbers=seven
        )
        numbers = answers.with_columns(pl.col("v").cast(pl.Int64, strict=False)).drop_nulls("v")
        if numbers["n"].sum() >= likert.FIVE_POINT_MIN_ANSWERS and (
            numbers["v"].max() <= item.scale_min + 4
        ):
            capped[item_id] = int(numbers["v"].max())
    seven_somewhere = any(7 in e for e in evidence.values())
    out: list[pl.DataFrame] = []
    for item_id, found in evidence.items():
        item = instrument.item(item_id)
        expected = f"{item.scale_min}–{item.scale_max}"
        if item.scale_max - item.scale_min == 4 and 7 in found:
            kind, example = "scale_seven_points", found[7]
        elif (
            item.scale_max - item.scale_min == 6
            and seven_somewhere
            and 7 not in found
            and (5 in found or item_id in capped)
        ):
            kind, example = "scale_five_points", found.get(5)
        else:
            continue
        if example is None:  # plain numbers, none above 5: the column as a whole
            out.append(_file_problem(kind, items[item_id], capped[item_id], expected))
            continue
        needle = example.split(" / ")[0]
        rows = work.filter(pl.col(_ITEM + item_id).str.strip_chars() == needle)["__row"]
        frame = pl.DataFrame(
            {
                "kind": [kind],
                "row": [rows[0] if rows.len() else None],
                "column": [items[item_id]],
                "value": [example],
                "expected": [expected],
            },
            schema=PROBLEM_SCHEMA,
        )
        out.append(frame)
    return out


def _item_scores(
    work: pl.DataFrame, item_id: str, col: str, instrument: Instrument, decimal: str | None
) -> tuple[pl.Series, list[pl.DataFrame]]:
    """Scores of one item (Int16) plus problems, decided once per distinct answer."""
    item = instrument.item(item_id)
    lo, hi = item.scale_min, item.scale_max
    name = _ITEM + item_id
    uniques = work[name].drop_nulls().unique()
    stripped = uniques.str.strip_chars()
    ints = stripped.cast(pl.Int64, strict=False)
    score: dict[str, int | None] = {}
    kinds: dict[str, str | None] = {}
    rest: list[tuple[str, str]] = []  # (raw, stripped) that are not plain whole numbers
    for raw, value, number in zip(
        uniques.to_list(), stripped.to_list(), ints.to_list(), strict=True
    ):
        if value == "":
            score[raw], kinds[raw] = None, None
        elif number is not None:
            score[raw] = number
            kinds[raw] = None if lo <= number <= hi else "out_of_range"
        else:
            rest.append((raw, value))
    if rest:
        parsed, fail = _parse_numbers(pl.Series("v", [v for _, v in rest], pl.String), decimal)
        texts = []
        for (raw, value), number, bad in zip(
            rest, parsed.to_list(), fail.fill_null(True).to_list(), strict=True
        ):
            if bad or number is None:
                texts.append((raw, value))
            elif float(number) != round(float(number)):
                score[raw], kinds[raw] = None, "not_an_integer"
            else:
                score[raw] = int(round(float(number)))
                kinds[raw] = None if lo <= score[raw] <= hi else "out_of_range"
        if texts:
            labels, unknown = _likert(pl.Series("v", [v for _, v in texts], pl.String), lo, hi)
            unknown_set = set(unknown)
            for (raw, value), number in zip(texts, labels.to_list(), strict=True):
                if value in unknown_set:
                    score[raw], kinds[raw] = None, "unknown_label"
                elif number is None:  # a non-answer ("weiß nicht"): missing, like an empty cell
                    score[raw], kinds[raw] = None, None
                else:
                    score[raw] = int(number)
                    kinds[raw] = None if lo <= number <= hi else "out_of_range"
    keys = list(score)
    bad_keys = [k for k in keys if kinds[k] is not None]
    probs: list[pl.DataFrame] = []
    if bad_keys:
        frame = work.select("__row", pl.col(name).alias("__raw")).filter(
            pl.col("__raw").is_in(pl.Series(bad_keys, dtype=pl.String).implode())
        )
        frame = frame.with_columns(
            pl.col("__raw")
            .replace_strict(bad_keys, [kinds[k] for k in bad_keys], return_dtype=pl.String)
            .alias("__kind")
        )
        expected = f"{lo}–{hi}"
        probs = [
            _problems(
                frame,
                pl.col("__kind") == k,
                k,
                col,
                pl.col("__raw").str.strip_chars(),
                expected if k != "not_an_integer" else None,
            )
            for k in ("out_of_range", "not_an_integer", "unknown_label")
            if k in kinds.values()
        ]
    good = [k for k in keys if kinds[k] is None]
    scores = work[name].replace_strict(
        good, [score[k] for k in good], default=None, return_dtype=pl.Int16
    )
    return scores, probs


def _engagement_warnings(
    work: pl.DataFrame,
    warnings: list[Notice],
    min_group_size: int | None,
    headcounts: pl.DataFrame | None,
    wave_history: pl.DataFrame | None,
    new_branches: list[str],
) -> None:
    minimum = min_group_size or config.min_group_size()
    counts = work.group_by("wave", "branch_id").agg(pl.len().alias("n")).sort("wave", "branch_id")
    small = counts.filter(pl.col("n") < minimum)
    single_wave = counts["wave"].n_unique() == 1
    if small.height:
        warnings.append(
            Notice(
                "small_branches",
                {
                    "count": small.height,
                    "min": minimum,
                    "branches": _short_list(
                        (
                            f"{b} ({n})" if single_wave else f"{b}/{w} ({n})"
                            for w, b, n in small.head(REPORT_LIMIT).iter_rows()
                        ),
                        total=small.height,
                    ),
                },
            )
        )
    if headcounts is None or headcounts.is_empty():
        return
    heads = headcounts.select("branch_id", pl.col("headcount").cast(pl.Int64))
    over = counts.join(heads, on="branch_id", how="inner").filter(
        (pl.col("headcount") > 0) & (pl.col("n") > pl.col("headcount"))
    )
    if over.height:
        warnings.append(
            Notice(
                "more_responses_than_staff",
                {
                    "count": over.height,
                    "branches": _short_list(
                        (
                            f"{b} ({n}/{h})" if single_wave else f"{b}/{w} ({n}/{h})"
                            for w, b, n, h in over.head(REPORT_LIMIT)
                            .select("wave", "branch_id", "n", "headcount")
                            .iter_rows()
                        ),
                        total=over.height,
                    ),
                },
            )
        )
    total_staff = int(heads["headcount"].sum() or 0)
    if total_staff <= 0:
        return
    # the file's waves replace their stored counts; a wave is compared with the one before it,
    # stored or in the same file
    per_wave = counts.group_by("wave").agg(pl.col("n").sum().alias("responses"))
    dates = {}
    if wave_history is not None:
        dates = dict(zip(wave_history["wave"], wave_history["start_date"], strict=True))
    starts = []
    for w in per_wave["wave"]:
        period = wave_period(w)
        starts.append(dates.get(w) or (period[1] if period else None))
    file_waves = per_wave.with_columns(pl.Series("start_date", starts, dtype=pl.Date))
    stored = (
        wave_history.filter(~pl.col("wave").is_in(file_waves["wave"].implode())).select(
            "wave", pl.col("start_date").cast(pl.Date), pl.col("responses").cast(pl.Int64)
        )
        if wave_history is not None and not wave_history.is_empty()
        else pl.DataFrame(schema={"wave": pl.String, "start_date": pl.Date, "responses": pl.Int64})
    )
    timeline = (
        pl.concat(
            [
                stored.with_columns(pl.lit(False).alias("in_file")),
                file_waves.select(
                    "wave", "start_date", pl.col("responses").cast(pl.Int64)
                ).with_columns(pl.lit(True).alias("in_file")),
            ]
        )
        .filter(pl.col("start_date").is_not_null() & (pl.col("responses") > 0))
        .sort("start_date")
    )
    rows = timeline.rows(named=True)
    for prev, cur in zip(rows, rows[1:], strict=False):
        if not cur["in_file"]:
            continue
        rate, prev_rate = cur["responses"] / total_staff, prev["responses"] / total_staff
        if rate < RESPONSE_RATE_DROP * prev_rate:
            warnings.append(
                Notice(
                    "response_rate_drop",
                    {
                        "wave": cur["wave"],
                        "rate": round(100 * rate),
                        "previous": prev["wave"],
                        "previous_rate": round(100 * prev_rate),
                    },
                )
            )


def _canonical(
    kind: str,
    work: pl.DataFrame,
    items: dict[str, str],
    resolved: dict[str, str | None],
    new_branches: list[str],
) -> dict[str, pl.DataFrame]:
    frames: dict[str, pl.DataFrame] = {}
    if new_branches:
        frames["new_branches"] = pl.DataFrame(
            {
                "branch_id": new_branches,
                "name": new_branches,
                "region": [""] * len(new_branches),
                "format": [""] * len(new_branches),
                "headcount": [0] * len(new_branches),
            },
            schema={
                "branch_id": pl.String,
                "name": pl.String,
                "region": pl.String,
                "format": pl.String,
                "headcount": pl.Int32,
            },
        )
    if kind == "engagement":
        if work["wave"].n_unique() > 1:  # each wave's response ids form one range
            work = work.sort("wave", maintain_order=True)
        work = work.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("response_id"))
        frames["responses"] = work.select(
            "response_id",
            "wave",
            "branch_id",
            (
                pl.col("tenure_band") if resolved.get("tenure_band") else pl.lit(None, pl.String)
            ).alias("tenure_band"),
            (pl.col("role") if resolved.get("role") else pl.lit(None, pl.String)).alias("role"),
        )
        frames["scores"] = pl.concat(
            [
                work.select(
                    "response_id",
                    pl.lit(item_id, pl.String).alias("item_id"),
                    pl.col(_ITEM + item_id).alias("score"),
                ).filter(pl.col("score").is_not_null())
                for item_id in items
            ]
        )
    elif kind == "loyalty":
        counts = ["active_customers", "retained_customers", "promoters", "passives", "detractors"]
        frames["loyalty"] = work.select(
            "branch_id", "wave", *(pl.col(c).cast(pl.Int64) for c in counts)
        )
        churn = [f for f in CHURN_FIELDS if resolved.get(f)]
        if churn:
            frames["churn"] = (
                work.select("branch_id", "wave", *churn)
                .unpivot(
                    index=["branch_id", "wave"],
                    on=churn,
                    variable_name="reason",
                    value_name="customers",
                )
                .filter(pl.col("customers").is_not_null())
                .with_columns(
                    pl.col("reason").str.strip_prefix("churn_"),
                    pl.col("customers").cast(pl.Int64),
                )
            )
    elif kind == "finance":
        frames["financials"] = work.select(
            "branch_id", "wave", "revenue", "gross_margin", "operating_profit"
        )
    else:
        present = [c for c in ("name", "region", "format", "headcount") if resolved.get(c)]
        frames["branches"] = work.select(
            "branch_id",
            *(pl.col(c).cast(pl.Int32) if c == "headcount" else pl.col(c) for c in present),
        )
    return frames
