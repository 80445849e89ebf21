"""What a page shows of a computed frame, shaped here so that pages only arrange widgets: one
branch's row, the choices of a filter, the first rows and how many there are, how many
branches are hidden, the Methods page's tables and the downloads of the branch table and the
audit log, with headers in the user's language.

Every function takes frames the core (:mod:`loyalty.dashboard`) computed, suppressed and
scoped; none reads the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
import pyarrow as pa

from loyalty import analysis, i18n, versions
from loyalty.i18n import t


def row_of(frame: pl.DataFrame, branch_id: str) -> dict[str, Any] | None:
    """The row of ``branch_id`` as a dict, ``None`` if the frame has none."""
    return row_where(frame, "branch_id", branch_id)


def row_where(frame: pl.DataFrame, column: str, value: Any) -> dict[str, Any] | None:
    """The first row whose ``column`` equals ``value``, as a dict (``None``: no such row)."""
    rows = frame.filter(pl.col(column) == value)
    return rows.row(0, named=True) if rows.height else None


def distinct_in_lists(frame: pl.DataFrame, column: str) -> int:
    """How many distinct values a list column holds over all rows (e.g. branches reached)."""
    return frame[column].explode().n_unique()


def columns(frame: pl.DataFrame, *names: str) -> pl.DataFrame:
    """Only the named columns (what a form or filter needs of a table)."""
    return frame.select(names)


def choices(frame: pl.DataFrame, column: str) -> list:
    """The distinct values of ``column``, sorted (a filter's options)."""
    return sorted(frame[column].drop_nulls().unique().to_list())


def span(frame: pl.DataFrame, column: str) -> tuple[int, int]:
    """The smallest and largest whole value of ``column`` (a slider's range)."""
    return int(frame[column].min()), int(frame[column].max())


@dataclass(frozen=True)
class Rows:
    """The first rows of a frame and how many it has."""

    shown: pl.DataFrame
    total: int

    @property
    def cut(self) -> bool:
        return self.total > self.shown.height

    @property
    def count(self) -> int:
        return self.shown.height


def first(frame: pl.DataFrame, n: int | None = None) -> Rows:
    """The first ``n`` rows (all with ``None``) and the frame's size."""
    return Rows(frame if n is None else frame.head(n), frame.height)


def number_of(frame: pl.DataFrame) -> int:
    """How many rows (branches, estimates, peers) a frame has."""
    return frame.height


def hidden(table: pl.DataFrame) -> tuple[int, int]:
    """(branches whose scores are suppressed, branches) of a branch table."""
    return int(table["suppressed"].sum()), table.height


def newest_first(frame: pl.DataFrame, n: int) -> Rows:
    """The last ``n`` rows, newest first (a log), and the number of rows."""
    return Rows(frame.reverse().head(n), frame.height)


def audit_export(log: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The audit log as its download holds it: the headers the screen shows (``admin.col.*``)
    in ``lang``; the time stays a moment, which :mod:`loyalty.exports` writes in the
    language's format to the second (05.12.2026 12:49:10). The actions and the product's own
    actors in words, as on screen (:func:`loyalty.versions.audit_table`); what an entry names
    (but the product's word for an unknown name) and its details stay as they were written
    at the time of the event (the log is append-only)."""
    return versions.audit_table(log, lang).rename(
        {c: t(f"admin.col.{c}", lang) for c in log.columns}
    )


def branch_export(table: pl.DataFrame, lang: str, minimum: int) -> pl.DataFrame:
    """The Branches page's downloads of ``table`` (its chosen branches, in their order): every
    statistic beside its n and 95% interval, headers in ``lang`` naming the level (engagement
    at employee level, the rest at branch level) and return on sales as a full count without
    an interval (:data:`loyalty.analysis.EXPORT_COLUMNS`). A suppressed branch's engagement
    figures are empty, as in ``table``, and its note says why."""
    listing = analysis.branch_list(
        table, t("branch.fewer_than", lang, min=minimum), analysis.EXPORT_COLUMNS
    )
    # the download's own headers (n, level, interval) where it has one, else the screen's
    headers = {
        c: t(f"export.col.{c}", lang) if i18n.has(f"export.col.{c}") else t(f"col.{c}", lang)
        for c in listing.columns
    }
    return listing.rename(headers)


def live_versions(history: pl.DataFrame, kinds: list[str], inactive: bool = False) -> list[int]:
    """Ids of the versions of ``kinds`` that were not deleted (branch lists have none to
    switch between); with ``inactive`` only those not active (what the Data page offers to
    make active or to delete: an active version is neither)."""
    live = history.filter(
        pl.col("deleted_at").is_null()
        & (pl.col("kind") != "branches")
        & pl.col("kind").is_in(kinds)
        & (~pl.col("active") if inactive else pl.lit(True))
    )
    return live["import_id"].to_list()


def size(frame: pl.DataFrame) -> tuple[int, int]:
    """(rows, columns) of a frame (a file as read)."""
    return frame.height, frame.width


def without(frame: pl.DataFrame | None, column: str) -> pl.DataFrame | None:
    return frame.drop(column) if frame is not None else None


def sum_of(frame: pl.DataFrame, column: str) -> int:
    return int(frame[column].sum())


def response_table(counts: pl.DataFrame, lang: str, minimum: int) -> pl.DataFrame:
    """Responses per wave, headers in ``lang`` (the Methods page)."""
    return counts.select(
        pl.col("wave").alias(t("methods.col.wave", lang)),
        pl.col("respondents").alias(t("methods.col.respondents", lang)),
        pl.col("counted").alias(t("methods.col.counted", lang)),
        pl.col("headcount").alias(t("methods.col.headcount", lang)),
        pl.col("response_rate").alias(t("methods.col.rate", lang)),
        pl.col("branches_with_answers").alias(t("methods.col.with_answers", lang)),
        pl.col("branches_shown").alias(t("methods.col.shown", lang, min=minimum)),
    )


def reliability_table(
    reliability: pl.DataFrame, dimensions: pl.DataFrame, lang: str
) -> pl.DataFrame:
    """Cronbach's alpha and omega per scale, headers and bands in ``lang``."""
    names = i18n.dimension_names(dimensions, lang) | {"index": t("methods.index", lang)}
    return reliability.select(
        pl.col("dimension_id").replace_strict(names).alias(t("methods.col.scale", lang)),
        pl.col("n_items").alias(t("methods.col.items", lang)),
        pl.col("n").alias("n"),
        pl.col("alpha").alias("α"),
        pl.col("alpha_low").alias(t("methods.col.alpha_low", lang)),
        pl.col("alpha_high").alias(t("methods.col.alpha_high", lang)),
        pl.col("std_alpha").alias(t("methods.col.std_alpha", lang)),
        pl.col("omega").alias("ω"),
        i18n.worded(reliability["band"], lambda b: t(f"band.alpha.{b}", lang)).alias(
            t("methods.col.band", lang)
        ),
    )


def exclusion_counts(excluded: pl.DataFrame, lang: str, minimum: int) -> list[tuple[str, int]]:
    """(reason in ``lang``, branches) per reason, most frequent first."""
    summary = excluded.group_by("reason").len().sort("len", descending=True)
    return [(t(f"exclusion.{reason}", lang, min=minimum), n) for reason, n in summary.iter_rows()]


def exclusion_list(excluded: pl.DataFrame, lang: str, minimum: int) -> pl.DataFrame:
    """Branch, name and reason in ``lang`` (headers too), one row per exclusion."""
    return excluded.select(
        pl.col("branch_id").alias(t("col.branch_id", lang)),
        pl.col("name").alias(t("col.name", lang)),
        i18n.worded(excluded["reason"], lambda r: t(f"exclusion.{r}", lang, min=minimum)).alias(
            t("methods.col.reason", lang)
        ),
    )


def text_arrow(rows: pl.DataFrame) -> pa.Table:
    """A table of text columns (e.g. :func:`exclusion_list`) as the Arrow table a page
    shows: Streamlit turns a polars frame into pandas before Arrow (2-3 ms for the 1,500
    exclusions at 10,000 branches, on every run of the Methods page's fragment), an Arrow
    table it sends as it is. Text only: numbers are shown in the reader's format, which only
    a pandas Styler carries (:mod:`loyalty.tablestyle`)."""
    numbers = [name for name, dtype in rows.schema.items() if dtype != pl.String]
    if numbers:
        raise TypeError(f"text_arrow takes text columns only, not {numbers}")
    return rows.to_arrow()


def top_priority(focus: pl.DataFrame) -> dict[str, Any] | None:
    """The first dimension with a positive priority, ``None`` if there is none."""
    top = focus.filter(pl.col("priority") > 0).head(1)
    return top.row(0, named=True) if top.height else None


def number_digits(frame: pl.DataFrame) -> dict[str, int]:
    """Decimal places of each number column as a table shows it in the user's format (whole
    numbers none, others two): for a frame whose columns are not known ahead, such as the
    import preview."""
    return {c: 0 if d.is_integer() else 2 for c, d in frame.schema.items() if d.is_numeric()}


def unweighted_shortfalls(focus: pl.DataFrame) -> int:
    """How many dimensions lie below the company without a weight to rank them by (the
    driver weights could not be estimated)."""
    return int(focus.filter((pl.col("gap") < 0) & pl.col("share").is_null()).height)


def with_engagement(table: pl.DataFrame) -> int:
    """How many branches have an engagement score (the n of the engagement links)."""
    return int(table["engagement"].is_not_null().sum())
