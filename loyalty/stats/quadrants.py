"""Median split: a 2x2 of rows by two measures, with each quadrant's mean of a third."""

from __future__ import annotations

import numpy as np
import polars as pl

from loyalty.stats._resample import CountedSamples, resample_counts
from loyalty.stats.intervals import percentile_interval

#: The quadrants, named by ``x`` then ``y`` (above the median = high).
QUADRANTS = ("high_high", "high_low", "low_high", "low_low")


def _masked_sum(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Row-wise (last axis) sum of ``values`` where ``mask``."""
    return np.einsum("...i,...i->...", values, mask)


def _by_quadrant(
    x_high: np.ndarray, y_high: np.ndarray, weight: np.ndarray, weighted, finite: bool
):
    """Row-wise (last axis) quadrant means, counts and the ratio of each quadrant's mean to
    the mean of the rows in the other three quadrants, from each row's ``weight`` (1, or how
    often a resample drew it) and ``weighted`` (weight × value). ``finite``: every value is
    finite (else an infinite one outside a quadrant must not enter its sum as inf × 0)."""
    count, total = weight.sum(-1), weighted.sum(-1)
    if finite:
        # three masked sums (high x, high y, both) and the rest by difference: the counts
        # exactly (whole numbers), the value sums to rounding (instead of four masked sums)
        both = x_high & y_high
        # each a fused multiply-and-sum (no product array held: 2-3x faster at 10,000 rows)
        n_x, n_y, n_both = (_masked_sum(weight, m) for m in (x_high, y_high, both))
        s_x, s_y, s_both = (_masked_sum(weighted, m) for m in (x_high, y_high, both))
        differences = {
            "high_high": (n_both, s_both),
            "high_low": (n_x - n_both, s_x - s_both),
            "low_high": (n_y - n_both, s_y - s_both),
            "low_low": (count - n_x - n_y + n_both, total - s_x - s_y + s_both),
        }
        # an empty quadrant's sum is exactly 0 (a difference may leave a rounding rest): its
        # mean is then 0 / 0, missing, as when summed directly
        parts = {q: (n, np.where(n == 0, 0.0, s)) for q, (n, s) in differences.items()}
    else:
        x_low, y_low = ~x_high, ~y_high
        parts = {
            name: ((weight * mask).sum(-1), np.where(mask, weighted, 0.0).sum(-1))
            for name, mask in (
                ("high_high", x_high & y_high),
                ("high_low", x_high & y_low),
                ("low_high", x_low & y_high),
                ("low_low", x_low & y_low),
            )
        }
    out = {}
    for name, (n, inside) in parts.items():
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = inside / n
            rest = (total - inside) / (count - n)
            # a ratio only means something against a positive mean
            ratio = np.where(rest > 0, mean / rest, np.nan)
        out[name] = (mean, n, ratio)
    return out


def _quadrant_means(x: np.ndarray, y: np.ndarray, v: np.ndarray):
    """:func:`_by_quadrant` of rows split at their medians, for (B, n) or (n,) arrays."""
    x_high = x > np.median(x, axis=-1, keepdims=True)
    y_high = y > np.median(y, axis=-1, keepdims=True)
    return _by_quadrant(x_high, y_high, np.ones_like(v), v, bool(np.isfinite(v).all()))


def _counted_quadrant_means(x, y, v, counts: np.ndarray, orders) -> dict:
    """:func:`_quadrant_means` of each resample given as row ``counts`` (B, n): the medians
    from cumulative counts over the rows sorted by x and by y (``orders``), the sums as
    count-weighted sums, so no resample is expanded or sorted."""
    by_x, by_y = orders
    x_high = x > CountedSamples(x[by_x], counts[:, by_x]).quantile(0.5)[:, None]
    y_high = y > CountedSamples(y[by_y], counts[:, by_y]).quantile(0.5)[:, None]
    return _by_quadrant(x_high, y_high, counts, counts * v, bool(np.isfinite(v).all()))


def median_split(
    frame: pl.DataFrame,
    x: str,
    y: str,
    value: str,
    n_boot: int = 2000,
    seed: int | None = 0,
    ci: float = 0.95,
) -> pl.DataFrame:
    """Split rows at the median of ``x`` and of ``y`` (above the median = high) and give each
    quadrant's mean ``value`` with a percentile-bootstrap interval.

    The bootstrap resamples rows and recomputes both medians in every resample, so the
    interval also carries the uncertainty of who falls into which quadrant. Vectorised: each
    block of resamples is a matrix of row counts; medians and sums come from it directly.

    Each quadrant also gets its multiplier: its mean divided by the mean of the rows in the
    other three quadrants (``vs_rest``: "the top quadrant has 1.9× the mean of the rest"),
    with a percentile-bootstrap interval from the same resamples; missing where the rest's
    mean is not positive.

    Returns one row per quadrant (:data:`QUADRANTS`, named x then y): ``quadrant``,
    ``x_high``, ``y_high``, ``n``, ``mean``, ``ci_low``, ``ci_high``, ``n_total``,
    ``vs_rest``, ``vs_rest_low``, ``vs_rest_high``, ``n_boot``.
    """
    data = frame.select(x, y, value).drop_nulls().drop_nans()
    n = data.height
    xs, ys, vs = (data[c].to_numpy().astype(float) for c in (x, y, value))
    point = _quadrant_means(xs, ys, vs) if n else {q: (np.nan, 0, np.nan) for q in QUADRANTS}
    boots: dict[str, list[np.ndarray]] = {q: [] for q in QUADRANTS}
    ratios: dict[str, list[np.ndarray]] = {q: [] for q in QUADRANTS}
    done = 0
    if n >= 8:
        rng = np.random.default_rng(seed)
        by_x, by_y = np.argsort(xs, kind="stable"), np.argsort(ys, kind="stable")
        for counts in resample_counts(n, n_boot, rng, np.int32):
            for q, (means, _, ratio) in _counted_quadrant_means(
                xs, ys, vs, counts, (by_x, by_y)
            ).items():
                boots[q].append(means)
                ratios[q].append(ratio)
        done = n_boot
    rows = []
    for q in QUADRANTS:
        draws = np.concatenate(boots[q]) if boots[q] else np.array([])
        low, high = percentile_interval(draws, ci)
        r_draws = np.concatenate(ratios[q]) if ratios[q] else np.array([])
        r_low, r_high = percentile_interval(r_draws, ci)
        mean, count, ratio = point[q]
        rows.append(
            {
                "quadrant": q,
                "x_high": q.startswith("high"),
                "y_high": q.endswith("_high"),
                "n": int(count),
                "mean": float(mean),
                "ci_low": low,
                "ci_high": high,
                "n_total": n,
                "vs_rest": float(ratio),
                "vs_rest_low": r_low,
                "vs_rest_high": r_high,
                "n_boot": done,
            }
        )
    return pl.DataFrame(rows)
