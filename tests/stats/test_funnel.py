"""Funnel-plot limits (Spiegelhalter 2005) against values worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from loyalty.stats import funnel


def test_limits_and_flags_by_hand():
    frame = pl.DataFrame(
        {
            "branch_id": ["a", "b", "c", "d"],
            "m": [3.0, 3.2, 3.4, 4.4],
            "s": [0.8, 1.0, 1.2, 1.0],
            "n": [10, 20, 40, 30],
        }
    )
    f = funnel(frame, "m", "s", "n")
    target = (3.0 * 10 + 3.2 * 20 + 3.4 * 40 + 4.4 * 30) / 100
    pooled = math.sqrt((9 * 0.64 + 19 * 1.0 + 39 * 1.44 + 29 * 1.0) / (9 + 19 + 39 + 29))
    assert f.target == pytest.approx(target) and f.sd == pytest.approx(pooled)
    assert (f.n_branches, f.n_respondents) == (4, 100)
    z_d = (4.4 - target) / (pooled / math.sqrt(30))
    row = f.branches.filter(pl.col("branch_id") == "d").row(0, named=True)
    assert row["z"] == pytest.approx(z_d)
    assert row["outside_95"] == (abs(z_d) > 1.959964) and row["outside_998"] == (
        abs(z_d) > 3.090232
    )
    last = f.limits.row(-1, named=True)
    assert last["n"] == 40
    assert last["high_998"] == pytest.approx(target + 3.090232 * pooled / math.sqrt(40), rel=1e-6)
    assert (np.diff(f.limits["high_95"].to_numpy()) < 0).all()  # the funnel narrows with n


def test_chance_alone_leaves_about_five_percent_outside_95():
    rng = np.random.default_rng(11)
    n = rng.integers(5, 80, 4000)
    means = 3.5 + rng.normal(size=n.size) / np.sqrt(n)  # sd 1 within every branch
    frame = pl.DataFrame({"branch_id": [str(i) for i in range(n.size)], "m": means,
                          "s": np.ones(n.size), "n": n})  # fmt: skip
    share = funnel(frame, "m", "s", "n").outside(0.95) / n.size
    assert 0.035 < share < 0.065
