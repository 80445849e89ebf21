"""Intervals for the per-branch figures: mean (t), proportion (Wilson), NPS (normal)."""

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
