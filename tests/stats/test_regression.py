"""Relative weights, expected vs actual (funnel) and cross-lagged effects."""

from __future__ import annotations

import math
import time

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm

from loyalty import stats
from loyalty.stats.regression import _relative_weights


def _predictors(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    x[:, 1] += 0.6 * x[:, 0]
    x[:, 2] += 0.5 * x[:, 1]
    y = x @ np.array([0.4, 0.3, 0.2, 0.0]) + rng.normal(size=n)
    return pl.DataFrame({"a": x[:, 0], "b": x[:, 1], "c": x[:, 2], "d": x[:, 3], "y": y})


def test_relative_weights_sum_to_the_ols_r2():
    frame = _predictors(500, seed=1)
    out = stats.relative_weights(frame, ["a", "b", "c", "d"], "y", n_boot=500, seed=2)
    x = sm.add_constant(frame.select("a", "b", "c", "d").to_numpy())
    r2 = sm.OLS(frame["y"].to_numpy(), x).fit().rsquared
    assert out["raw_weight"].sum() == pytest.approx(r2, abs=1e-12)
    assert out["r2"][0] == pytest.approx(r2, abs=1e-12)
    assert out["rescaled"].sum() == pytest.approx(100.0)
    assert out.columns == ["predictor", "raw_weight", "rescaled", "low", "high", "r2", "n"]
    assert (out["low"] <= out["raw_weight"]).all() and (out["raw_weight"] <= out["high"]).all()
    assert out["raw_weight"][3] < 0.01  # the irrelevant predictor
    assert out["n"][0] == 500


def test_uncorrelated_predictors_get_their_squared_correlations():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(200, 3))
    x, _ = np.linalg.qr(a - a.mean(axis=0))  # centred, exactly orthogonal -> uncorrelated
    y = x @ np.array([3.0, 2.0, 1.0]) + rng.normal(size=200) * 0.05
    frame = pl.DataFrame({"p": x[:, 0], "q": x[:, 1], "r": x[:, 2], "y": y})
    corr = np.corrcoef(np.column_stack([x, y]), rowvar=False)
    if np.abs(corr[:3, :3] - np.eye(3)).max() > 1e-12:
        pytest.fail("construction did not give uncorrelated predictors")
    out = stats.relative_weights(frame, ["p", "q", "r"], "y", n_boot=0)
    assert out["raw_weight"].to_numpy() == pytest.approx(corr[:3, 3] ** 2, abs=1e-12)


def test_batched_weights_equal_one_at_a_time():
    rng = np.random.default_rng(4)
    stack = []
    for _ in range(5):
        data = rng.normal(size=(50, 4)) @ rng.normal(size=(4, 4))
        stack.append(np.corrcoef(data, rowvar=False))
    stack = np.array(stack)
    batched = _relative_weights(stack[:, :3, :3], stack[:, :3, 3])
    for k in range(5):
        single = _relative_weights(stack[k, :3, :3], stack[k, :3, 3])
        assert batched[k] == pytest.approx(single, abs=1e-12)
        r2 = stack[k, :3, 3] @ np.linalg.solve(stack[k, :3, :3], stack[k, :3, 3])
        assert single.sum() == pytest.approx(r2, abs=1e-12)


def test_relative_weights_bootstrap_is_seeded_and_drops_incomplete_rows():
    frame = _predictors(120, seed=5).vstack(
        pl.DataFrame({"a": [None], "b": [0.0], "c": [0.0], "d": [0.0], "y": [1.0]})
    )
    one = stats.relative_weights(frame, ["a", "b", "c"], "y", n_boot=300, seed=1)
    assert one.equals(stats.relative_weights(frame, ["a", "b", "c"], "y", n_boot=300, seed=1))
    assert one["n"][0] == 120
    tiny = stats.relative_weights(frame.head(3), ["a", "b", "c"], "y")
    assert tiny["raw_weight"].is_nan().all()


@pytest.mark.perf
def test_relative_weights_timing():
    frame = _predictors(10_000, seed=6)
    start = time.perf_counter()
    stats.relative_weights(frame, ["a", "b", "c", "d"], "y", n_boot=2000, seed=0)
    elapsed = time.perf_counter() - start
    print(f"relative weights, 10,000 rows x 4 predictors x 2,000 resamples: {elapsed:.3f} s")
    assert elapsed < 3


# --- expected vs actual -------------------------------------------------------------------


def test_expected_vs_actual_matches_statsmodels_prediction_intervals():
    rng = np.random.default_rng(7)
    n = 60
    x, w = rng.normal(size=n), rng.normal(size=n)
    y = 2 + 0.8 * x + 0.3 * w + rng.normal(size=n)
    frame = pl.DataFrame({"branch": [f"b{i}" for i in range(n)], "eng": x, "w": w, "ret": y})
    out = stats.expected_vs_actual(frame, "eng", "ret", "branch", covariates=["w"])
    fit = sm.OLS(y, sm.add_constant(np.column_stack([x, w]))).fit()
    assert out.columns[:3] == ["branch", "eng", "ret"]
    assert out["expected"].to_numpy() == pytest.approx(fit.fittedvalues, abs=1e-10)
    assert out["residual"].to_numpy() == pytest.approx(fit.resid, abs=1e-10)
    studentized = fit.get_influence().resid_studentized_internal
    assert out["std_residual"].to_numpy() == pytest.approx(studentized, abs=1e-10)
    for suffix, alpha in (("95", 0.05), ("998", 0.002)):
        frame_ = fit.get_prediction().summary_frame(alpha=alpha)
        assert out[f"low_{suffix}"].to_numpy() == pytest.approx(frame_["obs_ci_lower"], abs=1e-10)
        assert out[f"high_{suffix}"].to_numpy() == pytest.approx(frame_["obs_ci_upper"], abs=1e-10)
    assert (out["low_998"] < out["low_95"]).all()


def test_expected_vs_actual_flags_a_planted_outlier_and_drops_missing_rows():
    x = np.linspace(0, 10, 40)
    y = 1 + 0.5 * x + np.tile([0.1, -0.1], 20)
    y[7] += 5
    frame = pl.DataFrame({"u": list(range(40)), "x": x, "y": y}).vstack(
        pl.DataFrame({"u": [99], "x": [None], "y": [1.0]}, schema_overrides={"x": pl.Float64})
    )
    out = stats.expected_vs_actual(frame, "x", "y", "u")
    assert out.height == 40
    outside = out.filter(pl.col("y") > pl.col("high_998"))["u"].to_list()
    assert outside == [7]
    tiny = stats.expected_vs_actual(frame.head(2), "x", "y", "u")
    assert tiny["expected"].is_nan().all() and tiny.height == 2


# --- cross-lagged effects -------------------------------------------------------------------


def _panel(seed, x_on_y=0.4, y_on_x=0.0, units=150, times=4):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=units), rng.normal(size=units)
    rows = []
    for t in range(times):
        rows += [{"unit": u, "wave": 2021 + t, "x": x[u], "y": y[u]} for u in range(units)]
        x, y = (
            0.6 * x + y_on_x * y + 0.5 * rng.normal(size=units),
            0.5 * y + x_on_y * x + 0.5 * rng.normal(size=units),
        )
    return pl.DataFrame(rows)


def test_lagged_effects_find_the_simulated_direction():
    forward = stats.lagged_effects(_panel(1), "unit", "wave", "x", "y")
    assert forward.direction == "x_to_y"
    assert forward.x_to_y.coef == pytest.approx(0.4, abs=0.08)
    assert forward.x_to_y.n == 150 * 3 and forward.x_to_y.n_units == 150
    assert forward.n_times == 4
    backward = stats.lagged_effects(_panel(2, x_on_y=0.0, y_on_x=0.4), "unit", "wave", "x", "y")
    assert backward.direction == "y_to_x"
    both = stats.lagged_effects(_panel(3, x_on_y=0.3, y_on_x=0.3), "unit", "wave", "x", "y")
    assert both.direction == "both"
    neither = stats.lagged_effects(_panel(4, x_on_y=0.0), "unit", "wave", "x", "y")
    assert neither.direction == "neither"


def test_lagged_effects_equal_ols_on_hand_built_pairs_with_cluster_errors():
    panel = _panel(5, units=30, times=3)
    res = stats.lagged_effects(panel, "unit", "wave", "x", "y")
    now = panel.filter(pl.col("wave") < 2023).sort("unit", "wave")
    nxt = panel.filter(pl.col("wave") > 2021).sort("unit", "wave")
    design = sm.add_constant(now.select("x", "y").to_numpy())
    fit = sm.OLS(nxt["y"].to_numpy(), design).fit(
        cov_type="cluster", cov_kwds={"groups": now["unit"].to_numpy()}, use_t=True
    )
    assert res.x_to_y.coef == pytest.approx(fit.params[1], abs=1e-12)
    assert res.x_to_y.ci == pytest.approx(tuple(fit.conf_int()[1]), abs=1e-12)
    assert res.x_to_y.p_value == pytest.approx(fit.pvalues[1], rel=1e-9)


def test_lagged_pairs_skip_gaps_and_reject_duplicates():
    panel = _panel(6, units=20, times=4).with_columns(pl.col("wave").cast(pl.Utf8))
    gappy = panel.filter(~((pl.col("unit") == 0) & (pl.col("wave") == "2022")))
    res = stats.lagged_effects(gappy, "unit", "wave", "x", "y")
    # unit 0 loses the pairs 2021->2022 and 2022->2023, and does not pair 2021 with 2023
    assert res.x_to_y.n == 20 * 3 - 2
    with pytest.raises(ValueError, match="one row per"):
        stats.lagged_effects(panel.vstack(panel.head(1)), "unit", "wave", "x", "y")
    single = stats.lagged_effects(panel.filter(pl.col("wave") == "2021"), "unit", "wave", "x", "y")
    assert math.isnan(single.x_to_y.coef) and single.direction == "neither"


def _trait_panel(seed, units=300, times=4):
    """x has a stable unit trait and is measured with error; x drives next period's y, y never
    drives x. The pooled model then also 'finds' y -> x (y carries the trait)."""
    rng = np.random.default_rng(seed)
    trait = rng.normal(0, 1.0, units)
    true_x = trait + rng.normal(0, 0.4, units)
    y = 0.8 * true_x + rng.normal(0, 0.5, units)
    rows = []
    for t in range(times):
        measured = true_x + rng.normal(0, 0.6, units)  # a branch mean of a few answers
        rows += [
            {"unit": u, "wave": t, "x": measured[u], "y": y[u], "size": float(u % 7)}
            for u in range(units)
        ]
        new_x = trait + 0.5 * (true_x - trait) + rng.normal(0, 0.3, units)
        y = 0.8 * true_x + rng.normal(0, 0.5, units)
        true_x = new_x
    return pl.DataFrame(rows)


def test_within_units_removes_the_trait_that_fakes_the_reverse_direction():
    panel = _trait_panel(11)
    pooled = stats.lagged_effects(panel, "unit", "wave", "x", "y")
    assert pooled.direction == "both"  # the trap
    within = stats.lagged_effects(panel, "unit", "wave", "x", "y", within=True)
    assert within.direction == "x_to_y"
    assert within.x_to_y.n_units == 300 and within.x_to_y.n == 900
    # a covariate constant within units is absorbed, not a singular design
    with_size = stats.lagged_effects(panel, "unit", "wave", "x", "y", ("size",), within=True)
    assert with_size.x_to_y.coef == pytest.approx(within.x_to_y.coef, abs=1e-9)


def test_within_equals_ols_on_demeaned_pairs():
    panel = _panel(6, units=40, times=4)
    res = stats.lagged_effects(panel, "unit", "wave", "x", "y", within=True)
    now = panel.filter(pl.col("wave") < 2024).sort("unit", "wave")
    nxt = panel.filter(pl.col("wave") > 2021).sort("unit", "wave")
    frame = now.select("unit", "x", "y").with_columns(nxt["y"].alias("y1"))
    demeaned = frame.with_columns(
        (pl.col(c) - pl.col(c).mean().over("unit")) for c in ("x", "y", "y1")
    )
    fit = sm.OLS(demeaned["y1"].to_numpy(), demeaned.select("x", "y").to_numpy()).fit(
        cov_type="cluster", cov_kwds={"groups": frame["unit"].to_numpy()}, use_t=True
    )
    assert res.x_to_y.coef == pytest.approx(fit.params[0], abs=1e-12)
    assert res.x_to_y.ci == pytest.approx(tuple(fit.conf_int()[0]), abs=1e-12)
