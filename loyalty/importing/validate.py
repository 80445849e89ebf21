"""Validation of a read file *before* anything is stored.

:func:`validate` takes the file as read (every column a string, the row numbers the user sees),
the column mapping, the wave's instrument and what the store knows, and returns a
:class:`ValidationResult`: canonical frames ready to store, blocking ``problems`` (one row per
occurrence: kind, row, column, value, expected) and non-blocking ``warnings``. It never touches
the store, and every rule is a polars expression over whole columns (no per-row Python).

The rules live in :mod:`loyalty.importing.rules`, one module per kind of file beside the
column step and the rules all kinds share; :func:`validate` only runs them in order and
collects their problems and notes. Every code a rule can raise is listed in its module's
``CODES`` (``NOTES`` for warnings), here as :data:`PROBLEM_CODES` and :data:`WARNING_CODES`.

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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from string import Formatter
from typing import Any

import polars as pl

from loyalty.i18n import has, t
from loyalty.importing import rules
from loyalty.importing.instrument import Instrument
from loyalty.importing.mapping import normalise_header
from loyalty.importing.rules import CODES, NOTES, RULES, columns, common
from loyalty.importing.rules.base import (
    PROBLEM_SCHEMA,
    REPORT_LIMIT,
    WAVE_FORMATS,
    Context,
    Notice,
    branch_key,
    file_problem,
    wave_period,
)
from loyalty.importing.rules.engagement import RESPONSE_RATE_DROP, match_items
from loyalty.schema import KINDS

__all__ = [
    "PROBLEM_CODES",
    "PROBLEM_SCHEMA",
    "REPORT_LIMIT",
    "RESPONSE_RATE_DROP",
    "UNKNOWN_BRANCH_OPTIONS",
    "WARNING_CODES",
    "WAVE_FORMATS",
    "Notice",
    "ValidationResult",
    "branch_key",
    "field_label",
    "file_problem",
    "match_items",
    "normalise_header",
    "preview_headings",
    "problem_line",
    "problems_frame",
    "validate",
    "wave_period",
]

UNKNOWN_BRANCH_OPTIONS = ("reject", "skip", "add")
#: Every problem kind :func:`validate` raises: its own two and the rules' (each has
#: ``import.problem.<code>`` and ``….line`` in both languages).
PROBLEM_CODES = ("unknown_kind", "no_rows", *CODES)
#: Every note :func:`validate` gives (``import.warning.<code>``).
WARNING_CODES = NOTES


@dataclass
class ValidationResult:
    kind: str
    waves: list[str] = field(default_factory=list)
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    problems: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PROBLEM_SCHEMA))
    warnings: list[Notice] = field(default_factory=list)
    mapping: dict[str, str | None] = field(default_factory=dict)
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
    #: a survey: per wave and branch, rows ``n`` and respondents its figures count ``counted``
    counted: pl.DataFrame | None = None
    #: whether the rows were checked (not when the columns were already unusable)
    rows_checked: bool = False

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
    file_level = row.get("row") is None and has(f"import.problem.{kind}.file")
    values = {k: ("" if row.get(k) is None else row.get(k)) for k in PROBLEM_SCHEMA}
    if kind in ("missing_field", "mapped_column_missing") and values["value"]:
        values["value"] = field_label(str(values["value"]), lang)
    if file_level:
        return t(f"import.problem.{kind}.file", lang, **values)
    return t(f"import.problem.{kind}.line", lang, **values)


def mapping_help(kind: str, lang: str) -> str:
    """What the Data page says above the mapping of a ``kind`` file: survey questions and
    survey links only for a survey; for the branch list that its id is the key (a name there
    would add a branch); for loyalty and finance that a file without a branch column can go
    to one branch."""
    if kind == "engagement":
        return t("data.mapping_help", lang)
    if kind == "branches":
        return t("data.mapping_help_branches", lang)
    return t("data.mapping_help_other", lang)


def field_label(name: str, lang: str) -> str:
    return t(f"import.field.{name}", lang) if has(f"import.field.{name}") else name


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
        file_line = (
            t(f"import.problem.{kind}.file", lang) if has(f"import.problem.{kind}.file") else line
        )
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
    response-rate comparison with the previous wave). ``identifying``: (column, reason code) from
    ``privacy.identifying_columns``; such columns are never stored.

    The checks are the rules of :mod:`loyalty.importing.rules`: first the file's columns, then
    the kind's row rules (:data:`~loyalty.importing.rules.RULES`) one after the other.
    """
    if unknown_branches not in UNKNOWN_BRANCH_OPTIONS:
        raise ValueError(f"unknown_branches must be one of {UNKNOWN_BRANCH_OPTIONS}")
    result = ValidationResult(kind, rows_read=raw_frame.height)
    if (refused := _refused(kind, raw_frame)) is not None:
        result.problems = refused
        return result
    stored = wave_history["wave"].to_list() if wave_history is not None else ()
    known_waves = frozenset(known_waves) | frozenset(stored)
    mapped = columns.check(
        raw_frame,
        kind,
        wave,
        dict(mapping or {}),
        instrument,
        question_texts=question_texts,
        identifying=identifying,
        known_waves=known_waves,
        branch=branch,
        adds_branches=unknown_branches == "add",
    )
    result.mapping, result.item_columns = mapped.resolved, mapped.items
    result.instrument, result.warnings = mapped.instrument, mapped.notes
    result.dropped_columns, result.ignored_columns = mapped.dropped, mapped.ignored
    if mapped.problems:  # the columns are unusable: row rules would repeat it on every row
        result.problems = _collect(mapped.problems)
        return result
    ctx = Context(
        kind=kind,
        resolved=mapped.resolved,
        items=mapped.items,
        instrument=instrument,
        given_wave=mapped.given_wave,
        known_waves=known_waves,
        known_branches=pl.Series("known", list(known_branches), dtype=pl.String),
        unknown_branches=unknown_branches,
        branch_names=branch_names or {},
        branch=branch,
        decimal=decimal,
        min_group_size=min_group_size,
        headcounts=headcounts,
        wave_history=wave_history,
    )
    work = common.working_frame(raw_frame, row_numbers, ctx)
    problems: list[pl.DataFrame] = []
    for rule in RULES[kind]:
        checked = rule(work, ctx)
        work, ctx = checked.work, replace(ctx, **checked.decided)
        problems.extend(checked.problems)
        result.warnings.extend(checked.notes)
        result.rows_skipped += checked.skipped
    result.problems, result.rows_checked = _collect(problems), True
    result.decimal, result.unknown_branches = ctx.decimal, list(ctx.unknown)
    result.rows_valid = max(0, work.height - result.problems["row"].drop_nulls().n_unique())
    if kind != "branches":
        result.waves, result.new_waves, notes = common.file_waves(work, known_waves)
        result.warnings.extend(notes if result.ok else [])  # a refused file creates no wave
    if result.ok:
        notes, result.counted = rules.data_notes(work, ctx)
        result.warnings, result.frames = result.warnings + notes, rules.frames(work, ctx)
    return result


def _refused(kind: str, raw_frame: pl.DataFrame) -> pl.DataFrame | None:
    """The problem that ends the validation before the columns are looked at, if any."""
    if kind not in KINDS:
        return file_problem("unknown_kind", value=kind, expected=", ".join(KINDS))
    return file_problem("no_rows") if raw_frame.height == 0 else None


def _collect(problems: list[pl.DataFrame]) -> pl.DataFrame:
    """The problems as one frame, in the order found. A code that is not listed in the rule
    modules' ``CODES`` (whose messages a test checks) fails here."""
    found = [p for p in problems if not p.is_empty()]
    if not found:
        return pl.DataFrame(schema=PROBLEM_SCHEMA)
    frame = pl.concat(found)
    unlisted = set(frame["kind"].unique().to_list()) - set(PROBLEM_CODES)
    if unlisted:
        raise ValueError(f"problem codes not listed in the rule modules' CODES: {unlisted}")
    return frame
