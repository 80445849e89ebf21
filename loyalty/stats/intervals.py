"""Intervals: mean (t), proportion (Wilson), NPS (normal), and the one percentile interval of
bootstrap or posterior draws that every resampling statistic uses."""

from __future__ import annotations

import numpy as np
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint


def mean_interval(mean, sd, n, ci: float = 0.95):
    """t interval for a mean from its SD and n (vectorised; n < 2 gives NaN)."""
    mean, sd, n = (np.asarray(a, dtype=float) for a in (mean, sd, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where(n > 1, n - 1, np.nan)
        half = sps.t.ppf(0.5 + ci / 2, df) * sd / np.sqrt(n)
    return mean - half, mean + half


def wilson_interval(count, nobs, ci: float = 0.95):
    """Wilson score interval for a proportion (Wilson 1927), via statsmodels."""
    count, nobs = np.asarray(count, dtype=float), np.asarray(nobs, dtype=float)
    return proportion_confint(count, nobs, alpha=1 - ci, method="wilson")


def nps(promoters, passives, detractors):
    """Net Promoter Score in points (-100 to 100)."""
    pro, pas, det = (np.asarray(a, dtype=float) for a in (promoters, passives, detractors))
    total = pro + pas + det
    with np.errstate(divide="ignore", invalid="ignore"):
        return 100 * (pro - det) / total


def nps_interval(promoters, passives, detractors, ci: float = 0.95):
    """NPS with its standard error and normal interval.

    With shares p+ and p- among n answers, Var(NPS/100) = (p+ + p- - (p+ - p-)^2) / n
    (the multinomial variance of a difference of two shares).
    Returns (nps, se, low, high) in points.
    """
    pro, pas, det = (np.asarray(a, dtype=float) for a in (promoters, passives, detractors))
    n = pro + pas + det
    with np.errstate(divide="ignore", invalid="ignore"):
        pp, pd = pro / n, det / n
        score = 100 * (pp - pd)
        se = 100 * np.sqrt((pp + pd - (pp - pd) ** 2) / n)
    z = sps.norm.ppf(0.5 + ci / 2)
    return score, se, score - z * se, score + z * se


def percentile_interval(
    draws: np.ndarray, ci: float = 0.95, *, axis: int | None = None, method: str = "linear"
):
    """Percentile interval of draws (Efron & Tibshirani 1993): the ``(1 - ci) / 2`` and
    ``(1 + ci) / 2`` quantiles, linear interpolation (R type 7) by default.

    With ``axis=None`` the finite draws give one ``(low, high)`` pair of floats (NaN, NaN when
    there are none). With an ``axis`` the quantiles are taken along it and two arrays come
    back (e.g. ``method="inverted_cdf"`` for integer ranks, so a bound is a rank that occurs).

    >>> percentile_interval(np.arange(101.0), 0.5)
    (25.0, 75.0)
    """
    alpha = (1 - ci) / 2
    if axis is not None:
        low, high = np.quantile(draws, [alpha, 1 - alpha], axis=axis, method=method)
        return low, high
    draws = np.asarray(draws, dtype=float)
    draws = draws[np.isfinite(draws)]
    if not draws.size:
        return (float("nan"), float("nan"))
    low, high = np.quantile(draws, [alpha, 1 - alpha], method=method)
    return (float(low), float(high))


#: Cells of draws :func:`rank_intervals` ranks at a time.
_RANK_BLOCK_CELLS = 1_000_000


def rank_intervals(
    centre: np.ndarray, sd: np.ndarray, n_draws: int = 1000, seed: int = 0, ci: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ranks (1 = highest) of normally distributed estimates and their percentile intervals:
    ``n_draws`` draws of every unit at once, ranked per draw (vectorised), each unit's rank
    interval from its draws (Goldstein & Spiegelhalter 1996). Returns (rank, low, high).

    >>> rank_intervals(np.array([1.0, 2.0, 3.0]), np.array([0.01, 0.01, 0.01]))[0].tolist()
    [3, 2, 1]
    """
    k = centre.size
    rng = np.random.default_rng(seed)
    # a unit's ranks side by side, in 16 bits where they fit; the draws block by block (the
    # same stream as all at once): 8 MB at a time instead of 68 MB at 10,000 branches, which
    # a served process faults in again on every call
    kind = np.int16 if k <= np.iinfo(np.int16).max else np.int32
    ranks = np.empty((k, n_draws), dtype=kind)
    top = np.arange(k, 0, -1, dtype=kind)
    block = max(1, _RANK_BLOCK_CELLS // max(k, 1))
    for first in range(0, n_draws, block):
        size = min(block, n_draws - first)
        draws = centre + sd * rng.standard_normal((size, k))
        part = np.empty((size, k), dtype=kind)
        # one argsort per draw; scatter the positions back (cheaper than a second argsort)
        np.put_along_axis(part, draws.argsort(axis=1), top, axis=1)
        ranks[:, first : first + size] = part.T
    low, high = percentile_interval(ranks, ci, axis=1, method="inverted_cdf")
    point = k - centre.argsort().argsort()
    return point, low.astype(np.int64), high.astype(np.int64)
