"""Median-split 2x2 of branches (engagement x loyalty) with each quadrant's mean return."""

from __future__ import annotations

import numpy as np
import polars as pl

QUADRANTS = ("high_high", "high_low", "low_high", "low_low")  # engagement_loyalty


def _quadrant_means(e: np.ndarray, l: np.ndarray, r: np.ndarray):  # noqa: E741
    """Row-wise (last axis) quadrant means and counts for (B, n) or (n,) arrays."""
    e_high = e > np.median(e, axis=-1, keepdims=True)
    l_high = l > np.median(l, axis=-1, keepdims=True)
    out = {}
    for name, mask in (
        ("high_high", e_high & l_high),
        ("high_low", e_high & ~l_high),
        ("low_high", ~e_high & l_high),
        ("low_low", ~e_high & ~l_high),
    ):
        n = mask.sum(-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[name] = ((r * mask).sum(-1) / n, n)
    return out


def quadrants(
    frame: pl.DataFrame,
    engagement: str,
    loyalty: str,
    value: str,
    n_boot: int = 2000,
    seed: int | None = 0,
    ci: float = 0.95,
) -> pl.DataFrame:
    """Split branches at the median of ``engagement`` and of ``loyalty`` (above the median =
    high) and give each quadrant's mean ``value`` with a percentile-bootstrap interval.

    The bootstrap resamples branches and recomputes both medians in every resample, so the
    interval also carries the uncertainty of who falls into which quadrant. Vectorised: all
    resamples are one index matrix (in chunks to bound memory).

    Returns one row per quadrant: ``quadrant``, ``engagement_high``, ``loyalty_high``, ``n``,
    ``mean``, ``ci_low``, ``ci_high``, ``n_total``.
    """
    data = frame.select(engagement, loyalty, value).drop_nulls().drop_nans()
    n = data.height
    e, l, r = (data[c].to_numpy().astype(float) for c in (engagement, loyalty, value))  # noqa: E741
    point = _quadrant_means(e, l, r) if n else {q: (np.nan, 0) for q in QUADRANTS}
    boots: dict[str, list[np.ndarray]] = {q: [] for q in QUADRANTS}
    if n >= 8:
        rng = np.random.default_rng(seed)
        chunk = max(1, 4_000_000 // n)
        for start in range(0, n_boot, chunk):
            idx = rng.integers(0, n, size=(min(chunk, n_boot - start), n))
            for q, (means, _) in _quadrant_means(e[idx], l[idx], r[idx]).items():
                boots[q].append(means)
    alpha = (1 - ci) / 2
    rows = []
    for q in QUADRANTS:
        draws = np.concatenate(boots[q]) if boots[q] else np.array([])
        draws = draws[np.isfinite(draws)]
        low, high = np.quantile(draws, [alpha, 1 - alpha]) if draws.size else (np.nan, np.nan)
        mean, count = point[q]
        rows.append(
            {
                "quadrant": q,
                "engagement_high": q.startswith("high"),
                "loyalty_high": q.endswith("_high"),
                "n": int(count),
                "mean": float(mean),
                "ci_low": float(low),
                "ci_high": float(high),
                "n_total": n,
            }
        )
    return pl.DataFrame(rows)


def median_split(
    frame: pl.DataFrame,
    x: str,
    y: str,
    value: str,
    n_boot: int = 2000,
    seed: int | None = 0,
    ci: float = 0.95,
) -> pl.DataFrame:
    """The 2x2 of :func:`quadrants` for any two measures: rows split at the median of ``x``
    and of ``y`` (above the median = high), each quadrant's n and mean ``value`` with a
    vectorised percentile-bootstrap interval (medians recomputed in every resample).

    Returns one row per quadrant (``high_high``, ``high_low``, ``low_high``, ``low_low``, named
    x then y): ``quadrant``, ``x_high``, ``y_high``, ``n``, ``mean``, ``ci_low``, ``ci_high``,
    ``n_total``.
    """
    table = quadrants(frame, x, y, value, n_boot=n_boot, seed=seed, ci=ci)
    return table.rename({"engagement_high": "x_high", "loyalty_high": "y_high"})
