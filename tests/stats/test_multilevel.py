"""ICC(1)/ICC(2) against R's multilevel package (reference values in shared/reference-data)."""

from __future__ import annotations

import polars as pl
import pytest

from loyalty import stats


@pytest.mark.reference
def test_icc_matches_multilevel_on_bhr2000(reference_data):
    frame = pl.read_csv(reference_data / "bhr2000.csv")
    res = stats.icc(frame, "HRS", "GRP")
    assert res.msb == pytest.approx(34.40251, abs=1e-5)
    assert res.msw == pytest.approx(2.75258, abs=1e-5)
    assert res.f_value == pytest.approx(12.49826, abs=1e-5)
    assert res.icc1 == pytest.approx(0.1741008079, abs=1e-7)
    assert res.icc2 == pytest.approx(0.9199888939, abs=1e-7)
    assert res.n == 5400 and res.n_groups == 99
    assert res.p_value < 1e-100


def test_icc_is_zero_ish_without_group_differences_and_high_with_them():
    import numpy as np

    rng = np.random.default_rng(0)
    group = np.repeat(np.arange(50), 20)
    flat = pl.DataFrame({"g": group, "v": rng.normal(size=1000)})
    assert abs(stats.icc(flat, "v", "g").icc1) < 0.05
    strong = pl.DataFrame({"g": group, "v": rng.normal(size=1000) + 2 * rng.normal(size=50)[group]})
    assert stats.icc(strong, "v", "g").icc1 > 0.6
