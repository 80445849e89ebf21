"""Associations between branch-level measures: Pearson/Spearman correlation, quartile ratio."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats as sps


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

    >>> f = pl.DataFrame({"a": [1, 2, 3, 4, 5.0], "b": [2, 1, 4, 3, 5.0]})
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
    rows, vectorised: all resamples are drawn as one index matrix, in chunks to bound memory.
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
    ratios = []
    chunk = max(1, 4_000_000 // n)
    for start in range(0, n_boot, chunk):
        idx = rng.integers(0, n, size=(min(chunk, n_boot - start), n))
        t, bo, _, _ = _quartile_means(b[idx], v[idx])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios.append(t / bo)
    boot = np.concatenate(ratios)
    boot = boot[np.isfinite(boot)]
    alpha = (1 - ci) / 2
    low, high = np.quantile(boot, [alpha, 1 - alpha]) if boot.size else (np.nan, np.nan)
    return QuartileRatio(
        float(top / bottom),
        (float(low), float(high)),
        float(top),
        float(bottom),
        int(n_top),
        int(n_bottom),
        n,
        int(boot.size),
    )
