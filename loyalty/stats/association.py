"""Associations between branch-level measures: correlation, partial correlation, quartile ratio,
multiple-testing adjustment and the smallest detectable correlation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats as sps

from loyalty.stats._resample import CountedSamples, resample_counts
from loyalty.stats.intervals import percentile_interval


@dataclass(frozen=True)
class CorrelationResult:
    r: float
    ci: tuple[float, float]
    p_value: float
    n: int
    method: str


def _complete(frame: pl.DataFrame, *cols: str) -> pl.DataFrame:
    return frame.select(cols).drop_nulls().drop_nans()


def correlation(
    frame: pl.DataFrame, x: str, y: str, method: str = "pearson", ci: float = 0.95
) -> CorrelationResult:
    """Correlation of ``x`` and ``y`` over complete rows, with a Fisher-z interval.

    Pearson's r and its interval come from :func:`scipy.stats.pearsonr` (Fisher 1921); for
    Spearman's rho the same Fisher-z interval is applied to rho with SE 1/sqrt(n-3)
    (Fieller, Hartley & Pearson 1957, the usual approximation).

    >>> f = pl.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [2.0, 1, 4, 3, 5]})
    >>> round(correlation(f, "a", "b").r, 2)
    0.8
    """
    data = _complete(frame, x, y)
    n = data.height
    if n < 4:
        nan = float("nan")
        return CorrelationResult(nan, (nan, nan), nan, n, method)
    a, b = data[x].to_numpy(), data[y].to_numpy()
    if method == "pearson":
        res = sps.pearsonr(a, b)
        interval = res.confidence_interval(confidence_level=ci)
        return CorrelationResult(
            float(res.statistic),
            (float(interval.low), float(interval.high)),
            float(res.pvalue),
            n,
            method,
        )
    if method == "spearman":
        res = sps.spearmanr(a, b)
        rho = float(res.statistic)
        z = np.arctanh(rho)
        half = sps.norm.ppf(0.5 + ci / 2) / np.sqrt(n - 3)
        return CorrelationResult(
            rho, (float(np.tanh(z - half)), float(np.tanh(z + half))), float(res.pvalue), n, method
        )
    raise ValueError(f"unknown method {method!r}: use 'pearson' or 'spearman'")


@dataclass(frozen=True)
class QuartileRatio:
    """Mean of ``value`` in the top quartile of ``by`` divided by that in the bottom quartile."""

    ratio: float
    ci: tuple[float, float]
    top_mean: float
    bottom_mean: float
    n_top: int
    n_bottom: int
    n: int
    n_boot: int


def _quartile_means(by: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, ...]:
    """Row-wise (axis 1) top/bottom quartile means and counts; works on (B, n) arrays."""
    q1 = np.quantile(by, 0.25, axis=-1, keepdims=True)
    q3 = np.quantile(by, 0.75, axis=-1, keepdims=True)
    top, bottom = by >= q3, by <= q1
    n_top, n_bottom = top.sum(-1), bottom.sum(-1)
    top_mean = (value * top).sum(-1) / n_top
    bottom_mean = (value * bottom).sum(-1) / n_bottom
    return top_mean, bottom_mean, n_top, n_bottom


def _quartile_means_counted(
    by_sorted: np.ndarray, value_sorted: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Top/bottom quartile means of each resample given as row ``counts`` (B, n) over rows
    sorted by ``by``; the same numbers as :func:`_quartile_means` on the expanded resamples."""
    drawn = CountedSamples(by_sorted, counts, value_sorted)
    start = np.searchsorted(by_sorted, drawn.quantile(0.75), side="left")
    end = np.searchsorted(by_sorted, drawn.quantile(0.25), side="right")
    top = (drawn.total - drawn.weighted_below(start)) / (drawn.size - drawn.below(start))
    bottom = drawn.weighted_below(end) / drawn.below(end)
    return top, bottom


def quartile_ratio(
    frame: pl.DataFrame,
    by: str,
    value: str,
    n_boot: int = 2000,
    seed: int | None = 0,
    ci: float = 0.95,
) -> QuartileRatio:
    """Top-vs-bottom-quartile ratio of mean ``value`` (branches sorted by ``by``).

    Quartiles use linear interpolation (R type 7); the interval is a percentile bootstrap over
    rows, vectorised: the resamples are drawn as one index matrix (in chunks) and held as row
    counts over the rows sorted by ``by``, so every resample's quartiles and quartile means
    come from cumulative sums, without sorting any resample (O(B n) instead of O(B n log n)).
    """
    data = _complete(frame, by, value)
    n = data.height
    if n < 8:
        nan = float("nan")
        return QuartileRatio(nan, (nan, nan), nan, nan, 0, 0, n, 0)
    b = data[by].to_numpy().astype(float)
    v = data[value].to_numpy().astype(float)
    top, bottom, n_top, n_bottom = _quartile_means(b, v)
    rng = np.random.default_rng(seed)
    order = np.argsort(b, kind="stable")
    b_sorted, v_sorted = b[order], v[order]
    ratios = []
    for counts in resample_counts(n, n_boot, rng, np.int32):
        t, bo = _quartile_means_counted(b_sorted, v_sorted, counts[:, order])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios.append(t / bo)
    boot = np.concatenate(ratios)
    low, high = percentile_interval(boot, ci)
    return QuartileRatio(
        float(top / bottom),
        (low, high),
        float(top),
        float(bottom),
        int(n_top),
        int(n_bottom),
        n,
        int(np.isfinite(boot).sum()),
    )


@dataclass(frozen=True)
class PartialCorrelationResult:
    r: float
    ci: tuple[float, float]
    p_value: float
    n: int
    df: int
    covariates: tuple[str, ...]


def partial_correlation(
    frame: pl.DataFrame, x: str, y: str, covariates: Sequence[str], ci: float = 0.95
) -> PartialCorrelationResult:
    """Partial correlation of ``x`` and ``y`` controlling for ``covariates`` (complete rows).

    Both variables are residualised on the covariates (OLS with intercept) and the residuals
    correlated (Fisher 1924). With k covariates the t test has df = n - 2 - k and the interval
    is Fisher z with SE 1 / sqrt(n - 3 - k), as in ``ppcor`` and ``pingouin.partial_corr``.
    With no covariates this is Pearson's r. Too few rows (n - 3 - k < 1) give NaN.
    """
    covariates = tuple(covariates)
    data = _complete(frame, x, y, *covariates)
    n, k = data.height, len(covariates)
    df = n - 2 - k
    nan = float("nan")
    if n - 3 - k < 1:
        return PartialCorrelationResult(nan, (nan, nan), nan, n, max(df, 0), covariates)
    design = np.ones((n, 1))
    if covariates:
        design = np.hstack([design, data.select(covariates).to_numpy().astype(float)])
    both = data.select(x, y).to_numpy().astype(float)
    resid = both - design @ np.linalg.lstsq(design, both, rcond=None)[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        r = float(np.corrcoef(resid, rowvar=False)[0, 1])
        r = min(1.0, max(-1.0, r)) if np.isfinite(r) else nan
        t = r * np.sqrt(df / (1 - r**2))
        z, half = np.arctanh(r), sps.norm.ppf(0.5 + ci / 2) / np.sqrt(n - 3 - k)
    p = float(2 * sps.t.sf(abs(t), df)) if np.isfinite(t) else (0.0 if abs(r) == 1 else nan)
    interval = (float(np.tanh(z - half)), float(np.tanh(z + half)))
    return PartialCorrelationResult(r, interval, p, n, df, covariates)


def benjamini_hochberg(p_values: Sequence[float] | np.ndarray | pl.Series) -> np.ndarray:
    """Benjamini-Hochberg (1995) adjusted p-values (false discovery rate), in input order.

    Uses :func:`scipy.stats.false_discovery_control`; missing (NaN/None) p-values stay NaN and
    do not count toward the number of tests.
    """
    p = np.asarray(
        p_values.to_numpy() if isinstance(p_values, pl.Series) else p_values, dtype=float
    ).ravel()
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = sps.false_discovery_control(p[ok], method="bh")
    return out


def min_detectable_correlation(
    n: float | Sequence[float] | np.ndarray, power: float = 0.80, alpha: float = 0.05
) -> float | np.ndarray:
    """Smallest |r| a two-sided test at ``alpha`` detects with ``power`` among ``n`` units.

    Fisher-z approximation (Cohen 1988, ch. 3): r = tanh((z_{1-alpha/2} + z_power) / sqrt(n-3)).
    Vectorised over ``n``; n <= 3 gives NaN. Returns a float for a scalar ``n``.

    >>> round(min_detectable_correlation(85), 3)
    0.3
    """
    n_arr = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = sps.norm.ppf(1 - alpha / 2) + sps.norm.ppf(power)
        r = np.where(
            n_arr > 3, np.tanh(z / np.sqrt(np.where(n_arr > 3, n_arr - 3, np.nan))), np.nan
        )
    return float(r) if r.ndim == 0 else r
