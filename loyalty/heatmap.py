"""The Branches page's heatmap, readable at any number of branches.

A page of at most :data:`PER_PAGE` rows is built (never the whole chain: at 10,000 branches
the browser gets 20 rows), in an order the user picks: by engagement, by region, by profile
(similar dimension profiles next to each other) or by branch number; suppressed branches come
last. The region view shows one row per region (the mean over its branches with a score) as a
way in: choosing a region filters the branches to it.

Colour is the difference to the company median of each dimension (median over every branch
with a score in the wave, not over the page), so a cell means the same on every page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

PER_PAGE = 20


def page_count(table: pl.DataFrame) -> int:
    """How many heatmap pages the branches of ``table`` fill (at least one)."""
    return max(1, -(-table.height // PER_PAGE))


ORDERS = ("engagement", "region", "profile", "branch_id")
VIEWS = ("branches", "regions")
#: Ward clustering needs the n x n distances: above this many branches the profile order is
#: the first principal component of the profiles instead (same idea, linear time).
CLUSTER_LIMIT = 2000


@dataclass(frozen=True)
class HeatmapPage:
    """Cells of one page (long: ``key``, ``label``, ``n``, ``dimension_id``, ``score``,
    ``deviation``; ``score`` null = suppressed), which page of how many, rows in all."""

    cells: pl.DataFrame
    page: int
    pages: int
    total: int

    @property
    def first(self) -> int:
        """1-based position of the page's first row."""
        return (self.page - 1) * PER_PAGE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * PER_PAGE, self.total)


def _dims(table: pl.DataFrame) -> list[str]:
    return [c for c in table.columns if c.startswith("dim_")]


def company_medians(table: pl.DataFrame) -> dict[str, float | None]:
    """Median of each dimension over the branches with a score (``dim_<id>`` keys)."""
    shown = table.filter(~pl.col("suppressed"))
    return {c: shown[c].median() for c in _dims(table)}


def profile_order(table: pl.DataFrame) -> list[str]:
    """Branch ids with similar dimension profiles (differences to each dimension's median)
    next to each other: Ward clustering's leaf order (Ward 1963; scipy) up to
    CLUSTER_LIMIT branches, above that the order along the first principal component."""
    dims = _dims(table)
    ids = table["branch_id"].to_list()
    if len(ids) < 3 or not dims:
        return ids
    x = table.select(pl.col(c) - pl.col(c).median() for c in dims).fill_null(0).to_numpy()
    if len(ids) <= CLUSTER_LIMIT:
        from scipy.cluster.hierarchy import leaves_list, linkage

        order = leaves_list(linkage(x, method="ward"))
    else:
        centred = x - x.mean(axis=0)
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        order = np.argsort(centred @ vt[0], kind="stable")
    return [ids[i] for i in order]


def ordered(table: pl.DataFrame, order: str) -> pl.DataFrame:
    """The branches in ``order`` (one of ORDERS); branches without a score last, by id."""
    shown = table.filter(~pl.col("suppressed"))
    hidden = table.filter(pl.col("suppressed")).sort("branch_id")
    if order == "engagement":
        shown = shown.sort(["engagement", "branch_id"], descending=[True, False])
    elif order == "region":
        shown = shown.sort(["region", "engagement", "branch_id"], descending=[False, True, False])
    elif order == "profile":
        rank = {b: i for i, b in enumerate(profile_order(shown))}
        shown = (
            shown.with_columns(
                pl.col("branch_id").replace_strict(rank, return_dtype=pl.Int64).alias("_rank")
            )
            .sort("_rank")
            .drop("_rank")
        )
    else:
        shown = shown.sort("branch_id")
    return pl.concat([shown, hidden], how="diagonal_relaxed")


def _cells(rows: pl.DataFrame, medians: dict[str, float | None]) -> pl.DataFrame:
    dims = [c for c in _dims(rows) if c in medians]
    long = rows.select("key", "label", "n", *dims).unpivot(
        index=["key", "label", "n"], on=dims, variable_name="dimension_id", value_name="score"
    )
    median = pl.col("dimension_id").replace_strict(medians, return_dtype=pl.Float64)
    return long.with_columns((pl.col("score") - median).alias("deviation")).with_columns(
        pl.col("dimension_id").str.strip_prefix("dim_")
    )


def _page_of(frame: pl.DataFrame, page: int) -> tuple[pl.DataFrame, int, int]:
    pages = max(1, math.ceil(frame.height / PER_PAGE))
    page = min(max(page, 1), pages)
    return frame.slice((page - 1) * PER_PAGE, PER_PAGE), page, pages


def branch_page(
    table: pl.DataFrame, order: str, page: int = 1, medians: dict | None = None
) -> HeatmapPage:
    """Page ``page`` (1-based, clamped) of the branches of ``table`` in ``order``; colours
    against ``medians`` (default: the medians of ``table``)."""
    medians = company_medians(table) if medians is None else medians
    rows, page, pages = _page_of(ordered(table, order), page)
    rows = rows.select(
        pl.col("branch_id").alias("key"),
        pl.format("{} · {}", "branch_id", "name").alias("label"),
        pl.col("n_respondents").alias("n"),
        *_dims(rows),
    )
    return HeatmapPage(_cells(rows, medians), page, pages, table.height)


def region_page(table: pl.DataFrame, page: int = 1, medians: dict | None = None) -> HeatmapPage:
    """One row per region: each dimension's mean over the region's branches with a score
    (branch level), ``n`` = those branches. Suppressed branches are left out of the mean
    (never mixed in), a region without any branch with a score has no colour."""
    medians = company_medians(table) if medians is None else medians
    dims = _dims(table)
    regions = (
        table.group_by("region")
        .agg(
            (~pl.col("suppressed")).sum().alias("n"),
            *(pl.col(c).filter(~pl.col("suppressed")).mean() for c in dims),
        )
        .sort("region")
        .with_columns(pl.col("region").alias("key"), pl.col("region").alias("label"))
    )
    rows, page, pages = _page_of(regions, page)
    return HeatmapPage(_cells(rows, medians), page, pages, regions.height)
