"""Difference-in-differences against comparable units, adjusted for the pre-period level.

Units that chose a treatment because they scored low would improve a little anyway: their low
score was partly bad luck, which does not repeat (regression to the mean). Comparing their
change with the change of *all* other units, or with nothing at all (before/after), sells that
rebound as an effect. :func:`did` compares changes among units with the same pre-period level
instead: an ANCOVA on change scores (Δ = post − pre regressed on the treatment indicator, the
pre-period levels and stratum indicators), which is the regression form of matching on the
pre-level (Imbens & Wooldridge 2009, sec. 5; Angrist & Pischke 2009, sec. 5.4 on lagged
outcomes vs. fixed effects). Stacked cohorts (one stack per start period, each with its own
not-yet-treated comparison units) follow Cengiz, Dube, Lindner & Zipperer (2019).

The interval is a cluster percentile bootstrap that resamples units (a unit that appears in
several stacks is drawn with all its rows), treated and comparison units separately so both
sides keep their size; all resamples are solved at once (:mod:`loyalty.stats._resample`).

Example::

    >>> import polars as pl
    >>> rows = pl.DataFrame({"unit": list("abcdefghij"), "treated": [1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    ...     "pre": [1.0, 2, 3, 1, 2, 3, 1.5, 2.5, 2, 1], "change": [1.2, 0.9, 1.1, 0.1, 0, -0.1,
    ...     0.05, -0.05, 0.1, 0.0]})
    >>> r = did(rows, "change", "treated", covariates=["pre"], cluster="unit", n_boot=200)
    >>> round(r.estimate, 2), r.n_treated, r.n_control
    (1.06, 3, 7)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from loyalty.courtesy import checkpoint
from loyalty.stats._resample import (
    resample_counts,
    solve_stack,
    symmetric,
    unit_cross_products,
)
from loyalty.stats.intervals import percentile_interval

#: Fewer treated or comparison units than this: no estimate (nothing to compare reliably).
MIN_TREATED = 3
MIN_CONTROL = 5
#: Ridge on the stratum indicators only: a stratum a resample happens to miss stays solvable.
_RIDGE = 1e-6
_CHUNK_CELLS = 2_000_000


@dataclass(frozen=True)
class DidResult:
    """``estimate``: how much more the treated units changed than comparable untreated units
    with the same pre-level and stratum, with its percentile-bootstrap interval ``ci``;
    ``naive``: the treated units' mean before/after change (no comparison) with ``naive_ci``;
    ``n_treated``/``n_control``: units on each side; ``n_rows``: unit × stack rows used."""

    estimate: float
    ci: tuple[float, float]
    naive: float
    naive_ci: tuple[float, float]
    n_treated: int
    n_control: int
    n_rows: int
    n_boot: int

    @property
    def enough(self) -> bool:
        return self.n_treated >= MIN_TREATED and self.n_control >= MIN_CONTROL


def _design(data: pl.DataFrame, treated: str, covariates: list[str], indicators: list[np.ndarray]):
    """The regression's columns: constant, treatment, standardised covariates, then the
    stratum ``indicators`` (:func:`_stratum_columns`, the same for every outcome); and the
    ridge on each (on the indicators only)."""
    cols = [np.ones(data.height), data[treated].cast(pl.Float64).to_numpy()]
    for c in covariates:
        x = data[c].cast(pl.Float64).to_numpy()
        sd = x.std()
        x = (x - x.mean()) / sd if sd > 0 else x
        if sd > 0 and not any(np.allclose(x, k) for k in cols[2:]):  # duplicates add nothing
            cols.append(x)
    return [*cols, *indicators], np.array([0.0] * len(cols) + [_RIDGE] * len(indicators))


def _stratum_columns(data: pl.DataFrame, strata: list[str]) -> list[np.ndarray]:
    """One indicator per level of each stratum but the first (levels in sorted order)."""
    cols = []
    for s in strata:
        code = data[s].cast(pl.String).fill_null("").rank("dense").cast(pl.Int64).to_numpy()
        for level in range(2, int(code.max(initial=1)) + 1):
            cols.append((code == level).astype(float))
    return cols


def did(
    frame: pl.DataFrame,
    change: str,
    treated: str,
    covariates: list[str] | None = None,
    strata: list[str] | None = None,
    cluster: str = "branch_id",
    n_boot: int = 2000,
    seed: int | None = 0,
    ci: float = 0.95,
) -> DidResult:
    """Regression-adjusted difference-in-differences (see the module text).

    ``frame``: one row per unit (and stack) with the change ``change`` (post − pre), the 0/1
    indicator ``treated``, pre-period levels ``covariates`` and categorical ``strata`` (e.g.
    region, format, size band, stack); rows with a missing value are left out. ``cluster``
    names the unit, resampled as a whole. Below :data:`MIN_TREATED` treated or
    :data:`MIN_CONTROL` comparison units the estimate and interval are NaN.
    """
    outcome = [(change, list(covariates or []))]
    return did_many(frame, outcome, treated, strata, cluster, n_boot, seed, ci)[0]


def did_many(
    frame: pl.DataFrame,
    outcomes: list[tuple[str, list[str]]],
    treated: str,
    strata: list[str] | None = None,
    cluster: str = "branch_id",
    n_boot: int = 2000,
    seed: int | None = 0,
    ci: float = 0.95,
) -> list[DidResult]:
    """:func:`did` for several outcomes of the same units, each ``(change, covariates)``:
    the same results as one :func:`did` per outcome, with less work. Outcomes whose rows
    are the same (no value missing in one and not the other) share one set of resamples
    and one moment matrix of all their columns per resample, from which each outcome's
    regression takes its own rows and columns."""
    strata = list(strata or [])
    results: dict[int, DidResult] = {}
    masks: dict[bytes, tuple[np.ndarray, list[int]]] = {}
    for k, (change, covariates) in enumerate(outcomes):
        valid = frame.select(
            pl.all_horizontal(
                pl.col(change, treated, *covariates).is_not_null(),
                pl.col(change, *covariates).cast(pl.Float64).is_finite(),
            )
        ).to_series()
        mask = valid.fill_null(False).to_numpy()
        masks.setdefault(mask.tobytes(), (mask, []))[1].append(k)
    for mask, members in masks.values():
        data = frame.filter(pl.Series(mask))
        shared = [outcomes[k] for k in members]
        found = _did_rows(data, shared, treated, strata, cluster, n_boot, seed, ci)
        results.update(zip(members, found, strict=True))
    return [results[k] for k in range(len(outcomes))]


def _did_rows(
    data: pl.DataFrame,
    outcomes: list[tuple[str, list[str]]],
    treated: str,
    strata: list[str],
    cluster: str,
    n_boot: int,
    seed: int | None,
    ci: float,
) -> list[DidResult]:
    """:func:`did_many` for outcomes that all use every row of ``data``."""
    is_treated = data[treated].cast(pl.Boolean).to_numpy()
    units = data[cluster].rank("dense").cast(pl.Int64).to_numpy() - 1  # 0.. in the ids' order
    ever = np.unique(units[is_treated])  # the units treated in some row
    n_t = len(ever)
    n_c = len(np.unique(units[~is_treated]))
    nan2 = (float("nan"), float("nan"))
    ys = [data[change].cast(pl.Float64).to_numpy() for change, _ in outcomes]
    naives = [float(y[is_treated].mean()) if is_treated.any() else float("nan") for y in ys]
    if n_t < MIN_TREATED or n_c < MIN_CONTROL:
        return [DidResult(float("nan"), nan2, v, nan2, n_t, n_c, data.height, 0) for v in naives]

    # every outcome's design columns, each distinct column once: one moment matrix for all
    columns: list[np.ndarray] = []
    known: dict[bytes, int] = {}

    def position(column: np.ndarray) -> int:
        key = column.tobytes()  # the same values, the same bytes: no column compared twice
        if key not in known:
            known[key] = len(columns)
            columns.append(column)
        return known[key]

    indicators = _stratum_columns(data, strata)  # built once, the same for every outcome
    layouts = []  # per outcome: its columns' positions (design, then y) and its ridge
    for (_, covariates), y in zip(outcomes, ys, strict=True):
        cols, ridge = _design(data, treated, covariates, indicators)
        layouts.append((np.array([*(position(c) for c in cols), position(y)]), ridge))
    z = np.column_stack(columns)
    # each unit's own moments (summed over its rows); their sum gives the point estimates
    groups = [ever, np.setdiff1d(np.unique(units), ever)]
    n_units = int(units.max()) + 1
    order = np.empty(n_units, dtype=np.int64)
    order[np.concatenate(groups)] = np.arange(n_units)
    row_unit = order[units]
    unit_moments = unit_cross_products(z, row_unit, n_units)
    full = symmetric(unit_moments.sum(axis=0, keepdims=True), z.shape[1])[0]
    estimates = []
    for at, ridge in layouts:
        m, p = full[np.ix_(at, at)], len(ridge)
        solved = np.linalg.lstsq(m[:p, :p] + np.diag(ridge), m[:p, p], rcond=None)[0]
        estimates.append(float(solved[1]))

    # cluster bootstrap, treated-ever and never-treated units resampled apart; a resample is
    # its units' draw counts, so its moments are counts @ unit_moments
    rng = np.random.default_rng(seed)
    # the treated rows' sum of y and their number, per unit: the naive change of a resample
    unit_ys = [
        np.bincount(row_unit[is_treated], weights=y[is_treated], minlength=n_units) for y in ys
    ]
    unit_n = np.bincount(row_unit[is_treated], minlength=n_units).astype(float)
    # products of columns never nonzero together (two levels of one stratum) stay zero
    (used,) = np.nonzero(unit_moments.any(axis=0))
    # per unit: its moments in use, its treated rows and their sums of y
    per_unit = np.column_stack([unit_moments[:, used], unit_n, *unit_ys])
    # each resample's sums over its drawn units (how often each unit is drawn, treated-ever
    # and never-treated units resampled apart): each side's counts times its units' rows,
    # block by block as they are drawn (no matrix of every resample's counts is held)
    summed = np.zeros((n_boot, per_unit.shape[1]))
    side = 0
    for g in groups:
        if not len(g):  # every comparison row is a unit treated in another stack
            continue
        part = per_unit[side : side + len(g)]
        row = 0
        for block in resample_counts(len(g), n_boot, rng):
            summed[row : row + len(block)] += block @ part
            row += len(block)
        side += len(g)
    drawn, sums = summed[:, len(used)], summed[:, len(used) + 1 :]
    draws = np.full((len(outcomes), n_boot), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        naive_draws = (sums / drawn[:, None]).T
    step = max(1, _CHUNK_CELLS // max(unit_moments.shape[1], 1))
    flat = np.zeros((min(n_boot, step), unit_moments.shape[1]))
    for first in range(0, n_boot, step):
        checkpoint()
        size = min(step, n_boot - first)
        flat[:size, used] = summed[first : first + size, : len(used)]
        moments = symmetric(flat[:size], z.shape[1])
        for k, (at, ridge) in enumerate(layouts):
            m, p = moments[:, at[:, None], at[None, :]], len(ridge)
            a = m[:, :p, :p] + np.diag(ridge)
            b = m[:, :p, p]
            scale = np.sqrt(np.clip(np.diagonal(a, axis1=1, axis2=2), 1e-12, None))
            a, b = a / (scale[:, :, None] * scale[:, None, :]), b / scale
            try:  # the ridge keeps a missing stratum solvable; a plain batched solve is fast
                solved = np.linalg.solve(a, b[..., None])[..., 0]
            except np.linalg.LinAlgError:
                solved = solve_stack(a, b)
            draws[k, first : first + size] = solved[:, 1] / scale[:, 1]
    return [
        DidResult(
            estimate=estimates[k],
            ci=percentile_interval(draws[k], ci),
            naive=naives[k],
            naive_ci=percentile_interval(naive_draws[k], ci),
            n_treated=n_t,
            n_control=n_c,
            n_rows=data.height,
            n_boot=n_boot,
        )
        for k in range(len(outcomes))
    ]
