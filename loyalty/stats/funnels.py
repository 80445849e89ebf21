"""Funnel plot limits: which branches' mean differs from the company beyond chance.

Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance. Statistics in
Medicine 24:1185-1202. A branch's mean of n answers is compared with the target (the company
mean) under the normal approximation: control limits target ± z·σ/√n, with σ the pooled
within-branch standard deviation (employee level). Points outside the 99.8 % limits differ
beyond what chance makes likely for their size; small branches scatter widely by chance alone.

>>> import polars as pl
>>> f = funnel(pl.DataFrame({"branch_id": ["a", "b"], "m": [3.0, 4.0], "s": [1.0, 1.0],
...                          "n": [10, 10]}), "m", "s", "n")
>>> round(f.target, 2), round(f.sd, 2)
(3.5, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.stats import norm

LEVELS = (0.95, 0.998)


@dataclass(frozen=True)
class Funnel:
    """``target`` (respondent-weighted mean of branch means), ``sd`` (pooled within-branch
    SD), the branches (``branch_id``, ``n``, ``value``, ``z``, ``outside_95``,
    ``outside_998``) and the limits on a grid of n (``n``, ``low_95``, ``high_95``,
    ``low_998``, ``high_998``)."""

    target: float
    sd: float
    n_branches: int
    n_respondents: int
    branches: pl.DataFrame
    limits: pl.DataFrame

    def outside(self, level: float) -> int:
        return int(self.branches[f"outside_{_tag(level)}"].sum())


def _tag(level: float) -> str:
    return f"{level * 100:g}".replace(".", "")


def funnel(
    frame: pl.DataFrame,
    value: str,
    sd: str,
    n: str,
    key: str = "branch_id",
    levels: tuple[float, ...] = LEVELS,
    points: int = 120,
) -> Funnel:
    """Funnel-plot limits for the means in ``value`` of groups of size ``n`` with
    within-group standard deviations ``sd`` (rows with a missing value are left out)."""
    data = frame.select(key, value, sd, n).drop_nulls().filter(pl.col(n) >= 2)
    counts = data[n].to_numpy().astype(float)
    means = data[value].to_numpy().astype(float)
    sds = data[sd].to_numpy().astype(float)
    if not counts.size:
        nan = float("nan")
        empty = pl.DataFrame(schema={key: pl.String, "n": pl.Int64, "value": pl.Float64})
        return Funnel(nan, nan, 0, 0, empty, pl.DataFrame())
    target = float(np.average(means, weights=counts))
    pooled = float(np.sqrt(((counts - 1) * sds**2).sum() / (counts - 1).sum()))
    z = (means - target) / (pooled / np.sqrt(counts))
    branches = data.select(
        pl.col(key), pl.col(n).alias("n"), pl.col(value).alias("value")
    ).with_columns(pl.Series("z", z))
    grid = np.unique(np.geomspace(max(counts.min(), 2), counts.max(), points).round())
    limits = {"n": grid}
    for level in levels:
        q = float(norm.ppf(1 - (1 - level) / 2))
        branches = branches.with_columns((pl.col("z").abs() > q).alias(f"outside_{_tag(level)}"))
        limits[f"low_{_tag(level)}"] = target - q * pooled / np.sqrt(grid)
        limits[f"high_{_tag(level)}"] = target + q * pooled / np.sqrt(grid)
    return Funnel(target, pooled, data.height, int(counts.sum()), branches, pl.DataFrame(limits))
