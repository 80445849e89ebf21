"""Multilevel agreement and reliability: ICC(1) and ICC(2) from a one-way ANOVA."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from scipy import stats as sps


@dataclass(frozen=True)
class IccResult:
    icc1: float
    icc2: float
    f_value: float
    p_value: float
    n: int
    n_groups: int
    msb: float
    msw: float


def icc(frame: pl.DataFrame, value: str, group: str) -> IccResult:
    """ICC(1) and ICC(2) from a one-way random-effects ANOVA (Bliese 2000).

    ICC(1) = (MSB - MSW) / (MSB + (k - 1) MSW) with k = N / J, the mean group size, as in
    Bliese's R package ``multilevel`` (``ICC1``); ICC(2) = (MSB - MSW) / MSB (``ICC2``).
    Rows with a missing value are dropped.
    """
    data = frame.select(value, group).drop_nulls()
    groups = data.group_by(group).agg(
        pl.len().alias("n"),
        pl.col(value).mean().alias("m"),
        ((pl.col(value) - pl.col(value).mean()) ** 2).sum().alias("ss"),
    )
    n, j = data.height, groups.height
    grand = data[value].mean()
    ssb = float((groups["n"] * (groups["m"] - grand) ** 2).sum())
    ssw = float(groups["ss"].sum())
    msb, msw = ssb / (j - 1), ssw / (n - j)
    k = n / j
    f = msb / msw
    return IccResult(
        icc1=(msb - msw) / (msb + (k - 1) * msw),
        icc2=(msb - msw) / msb,
        f_value=f,
        p_value=float(sps.f.sf(f, j - 1, n - j)),
        n=n,
        n_groups=j,
        msb=msb,
        msw=msw,
    )
