"""Mediation against R (MBESS, powerMediation via statsmodels' tests) and by construction."""

from __future__ import annotations

import math
import time

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
from scipy import stats as sps

from loyalty import stats


@pytest.fixture(scope="module")
def mackinnon(reference_data):
    return pl.read_csv(reference_data / "mackinnon2008.csv")


@pytest.fixture(scope="module")
def pmi(reference_data):
    return pl.read_csv(reference_data / "pmi.csv")


@pytest.mark.reference
def test_paths_match_r_on_mackinnon2008(mackinnon):
    res = stats.mediation(mackinnon, "room_temp", "thirst", "consume", n_boot=0)
    assert res.n == 50
    assert res.a == pytest.approx(0.3385926160, abs=1e-9)
    assert res.b == pytest.approx(0.4510390690, abs=1e-9)
    assert res.c_prime == pytest.approx(0.2076475478, abs=1e-9)
    assert res.c == pytest.approx(0.3603660461, abs=1e-9)
    assert res.indirect == pytest.approx(0.1527184983, abs=1e-9)
    assert res.proportion_mediated == pytest.approx(0.4237871, abs=1e-7)
    assert res.n_boot == 0 and math.isnan(res.indirect_ci[0])


@pytest.mark.reference
def test_sobel_interval_matches_powermediation(mackinnon):
    """The reference [0.007733533, 0.2976837] is powerMediation::testMediation.Sobel fed with
    a, b rounded to 4 decimals and their SEs to 3 (as in statsmodels' test); with those inputs
    the formula reproduces it to 1e-9. From unrounded estimates the interval moves by the
    rounding, 2.3e-4 at most."""
    interval, _, _ = stats.sobel_interval(0.3386, 0.122, 0.4510, 0.146)
    assert interval[0] == pytest.approx(0.007733533, abs=1e-9)
    assert interval[1] == pytest.approx(0.2976837, abs=1e-7)
    res = stats.mediation(mackinnon, "room_temp", "thirst", "consume", n_boot=0)
    assert round(res.a, 4) == 0.3386 and round(res.b, 4) == 0.4510
    assert res.sobel_ci[0] == pytest.approx(0.007733533, abs=3e-4)
    assert res.sobel_ci[1] == pytest.approx(0.2976837, abs=3e-4)
    # and exactly the delta-method formula with the OLS standard errors
    x = sm.add_constant(mackinnon["room_temp"].to_numpy().astype(float))
    fa = sm.OLS(mackinnon["thirst"].to_numpy().astype(float), x).fit()
    xm = np.column_stack([x, mackinnon["thirst"].to_numpy()])
    fb = sm.OLS(mackinnon["consume"].to_numpy().astype(float), xm).fit()
    se = math.sqrt(res.a**2 * fb.bse[2] ** 2 + res.b**2 * fa.bse[1] ** 2)
    assert res.sobel_se == pytest.approx(se, rel=1e-12)
    assert res.sobel_ci[1] - res.indirect == pytest.approx(1.959963984540054 * se, rel=1e-9)


@pytest.mark.reference
def test_bootstrap_interval_is_close_to_mbess_on_mackinnon2008(mackinnon):
    res = stats.mediation(mackinnon, "room_temp", "thirst", "consume", n_boot=10_000, seed=1)
    assert res.indirect_ci[0] == pytest.approx(0.0572, abs=0.03)
    assert res.indirect_ci[1] == pytest.approx(0.2898, abs=0.03)
    assert res.n_boot == 10_000


@pytest.mark.reference
def test_paths_and_bootstrap_match_hayes_on_pmi(pmi):
    res = stats.mediation(pmi, "cond", "pmi", "reaction", n_boot=10_000, seed=1)
    assert res.n == 123
    assert res.a == pytest.approx(0.4765252, abs=1e-7)
    assert res.b == pytest.approx(0.5064485, abs=1e-7)
    assert res.c_prime == pytest.approx(0.2543542, abs=1e-7)
    assert res.c == pytest.approx(0.4956897, abs=1e-7)
    assert res.indirect == pytest.approx(0.2413355, abs=1e-7)
    assert res.indirect_ci[0] == pytest.approx(0.004, abs=0.03)
    assert res.indirect_ci[1] == pytest.approx(0.515, abs=0.03)


@pytest.mark.reference
def test_path_intervals_are_the_ols_t_intervals(pmi):
    res = stats.mediation(pmi, "cond", "pmi", "reaction", n_boot=0)
    x = sm.add_constant(pmi["cond"].to_numpy().astype(float))
    fit = sm.OLS(pmi["reaction"].to_numpy().astype(float), x).fit()
    assert res.c_ci == pytest.approx(tuple(fit.conf_int()[1]), abs=1e-12)
    assert res.c_p == pytest.approx(fit.pvalues[1], rel=1e-9)
    half = sps.t.ppf(0.975, 121) * fit.bse[1]
    assert res.c_ci[1] - res.c == pytest.approx(half, rel=1e-9)


@pytest.mark.reference
def test_two_two_two_mediation_on_team_means_is_internally_consistent(reference_data):
    """teams.csv holds team-level data (Hayes 2018, ch. 11): OLS identities must hold."""
    teams = pl.read_csv(reference_data / "teams.csv")
    res = stats.mediation(teams, "dysfunc", "negtone", "perform", n_boot=2000, seed=3)
    assert res.n == 60
    assert res.indirect == pytest.approx(res.a * res.b, abs=1e-15)
    assert res.c == pytest.approx(res.c_prime + res.a * res.b, abs=1e-12)
    assert res.indirect_ci[0] < res.indirect < res.indirect_ci[1]


@pytest.mark.reference
def test_total_effect_decomposes_with_covariates_on_estress(reference_data):
    estress = pl.read_csv(reference_data / "estress.csv")
    res = stats.mediation(
        estress, "estress", "affect", "withdraw", covariates=["ese", "sex", "tenure"], n_boot=0
    )
    assert res.n == 262
    assert res.c == pytest.approx(res.c_prime + res.indirect, abs=1e-12)
    x = estress.select("estress", "ese", "sex", "tenure").to_numpy().astype(float)
    fit = sm.OLS(estress["affect"].to_numpy().astype(float), sm.add_constant(x)).fit()
    assert res.a == pytest.approx(fit.params[1], abs=1e-12)


def _simulated(n, seed, a=0.5, b=0.3, c_prime=0.2):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    w = rng.normal(size=n)
    m = a * x + 0.4 * w + rng.normal(size=n)
    y = b * m + c_prime * x - 0.3 * w + rng.normal(size=n)
    return pl.DataFrame({"x": x, "w": w, "m": m, "y": y})


def test_vectorised_bootstrap_equals_scipy_bootstrap_with_the_same_draws():
    frame = _simulated(60, seed=1)
    res = stats.mediation(frame, "x", "m", "y", n_boot=3000, seed=7)

    def ab(x, m, y):
        a = np.polyfit(x, m, 1)[0]
        b = np.linalg.lstsq(np.column_stack([np.ones_like(x), x, m]), y, rcond=None)[0][2]
        return a * b

    cols = tuple(frame[c].to_numpy() for c in ("x", "m", "y"))
    ref = sps.bootstrap(
        cols, ab, paired=True, vectorized=False, n_resamples=3000, method="percentile",
        rng=np.random.default_rng(7),
    )  # fmt: skip
    assert res.indirect_ci[0] == pytest.approx(ref.confidence_interval.low, abs=1e-10)
    assert res.indirect_ci[1] == pytest.approx(ref.confidence_interval.high, abs=1e-10)


def test_bootstrap_with_covariates_equals_a_loop_of_fits():
    from loyalty.stats.indirect import _bootstrap_indirect

    frame = _simulated(40, seed=2)
    raw = frame.select("x", "w", "m", "y").to_numpy()
    draws = _bootstrap_indirect(raw, 1, 50, seed=5)
    idx = np.random.default_rng(5).integers(0, 40, size=(50, 40))
    for b, rows in enumerate(idx):
        s = raw[rows]
        ones = np.ones(40)
        a = np.linalg.lstsq(np.column_stack([ones, s[:, 0], s[:, 1]]), s[:, 2], rcond=None)[0]
        full = np.column_stack([ones, s[:, 0], s[:, 1], s[:, 2]])
        bb = np.linalg.lstsq(full, s[:, 3], rcond=None)[0]
        assert draws[b] == pytest.approx(a[1] * bb[3], rel=1e-8)


def test_mediation_recovers_simulated_paths():
    frame = _simulated(4000, seed=3)
    res = stats.mediation(frame, "x", "m", "y", covariates=["w"], n_boot=1000, seed=0)
    assert res.a == pytest.approx(0.5, abs=0.05) and res.b == pytest.approx(0.3, abs=0.05)
    assert res.c_prime == pytest.approx(0.2, abs=0.05)
    assert res.indirect_ci[0] < 0.15 < res.indirect_ci[1]
    assert res.sobel_ci[0] < res.indirect < res.sobel_ci[1]
    assert res.proportion_mediated == pytest.approx(res.indirect / res.c)
    assert res.c == pytest.approx(res.c_prime + res.indirect, abs=1e-12)


def test_seeded_missing_rows_dropped_and_too_few_rows():
    frame = _simulated(80, seed=4).vstack(
        pl.DataFrame({"x": [None, 1.0], "w": [0.0, 0.0], "m": [1.0, float("nan")], "y": [1.0, 1.0]})
    )
    a = stats.mediation(frame, "x", "m", "y", n_boot=500, seed=9)
    assert a == stats.mediation(frame, "x", "m", "y", n_boot=500, seed=9)
    assert a.n == 80
    tiny = stats.mediation(frame.head(4), "x", "m", "y", n_boot=100, seed=1)
    assert math.isnan(tiny.indirect) and tiny.n == 4


def _mediation_of_10000_rows_and_5000_resamples():
    frame = _simulated(10_000, seed=5)
    start = time.perf_counter()
    res = stats.mediation(frame, "x", "m", "y", n_boot=5000, seed=1)
    return res, time.perf_counter() - start


def test_bootstrap_of_10000_rows_and_5000_resamples_runs_them_all():
    res, _ = _mediation_of_10000_rows_and_5000_resamples()
    assert res.n_boot == 5000 and res.n == 10_000


@pytest.mark.perf
def test_bootstrap_of_10000_rows_and_5000_resamples_is_fast():
    _, elapsed = _mediation_of_10000_rows_and_5000_resamples()
    print(f"mediation, 10,000 rows x 5,000 resamples: {elapsed:.3f} s")
    assert elapsed < 2.0


def test_path_draws_are_the_resamples_behind_mediation():
    rng = np.random.default_rng(8)
    x = rng.normal(size=300)
    m = 0.5 * x + rng.normal(size=300)
    y = 0.4 * m + 0.2 * x + rng.normal(size=300)
    frame = pl.DataFrame({"x": x, "m": m, "y": y})
    res = stats.mediation(frame, "x", "m", "y", n_boot=1000, seed=4)
    draws = stats.path_draws(frame, "x", "m", "y", n_boot=1000, seed=4)
    assert draws.shape == (1000, 4)
    ab = draws[:, 0] * draws[:, 1]
    assert tuple(np.percentile(ab, [2.5, 97.5])) == pytest.approx(res.indirect_ci, abs=1e-12)
    # in every resample OLS keeps c = c' + a b
    np.testing.assert_allclose(draws[:, 3], draws[:, 2] + ab, atol=1e-10)
    assert np.median(draws[:, 0]) == pytest.approx(res.a, abs=0.02)
    assert np.median(draws[:, 3]) == pytest.approx(res.c, abs=0.03)
