"""Cronbach's alpha against R (psych, multilevel) and McDonald's omega on known structures."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from loyalty import stats

NEUROTICISM = ["N1", "N2", "N3", "N4", "N5"]
AGREEABLENESS = ["A1", "A2", "A3", "A4", "A5"]


@pytest.fixture(scope="module")
def bfi(reference_data):
    return pl.read_csv(reference_data / "bfi.csv")


@pytest.mark.reference
def test_alpha_pairwise_matches_psych_on_bfi(bfi):
    res = stats.cronbach_alpha(bfi, NEUROTICISM)  # pairwise is the default, as psych::alpha
    assert res.alpha == pytest.approx(0.813963, abs=1e-6)
    assert res.std_alpha == pytest.approx(0.814675, abs=1e-6)
    assert res.average_r == pytest.approx(0.467854, abs=1e-6)
    assert res.missing == "pairwise" and res.n_items == 5


@pytest.mark.reference
def test_alpha_listwise_matches_on_bfi(bfi):
    res = stats.cronbach_alpha(bfi, NEUROTICISM, missing="listwise")
    assert res.alpha == pytest.approx(0.8133031432, abs=1e-6)
    assert res.n == 2694


@pytest.mark.reference
def test_alpha_listwise_matches_multilevel_cronbach_on_bhr2000(reference_data):
    bhr = pl.read_csv(reference_data / "bhr2000.csv")
    res = stats.cronbach_alpha(bhr, bhr.columns[1:12], missing="listwise")
    assert res.alpha == pytest.approx(0.8913432598, abs=1e-7)
    assert res.n == 5400


@pytest.mark.reference
def test_alpha_with_a_reverse_keyed_item_matches_the_psych_documentation(bfi):
    """psych's help page, alpha(bfi[1:5], check.keys = TRUE) with A1 reversed, prints
    raw_alpha 0.70, std.alpha 0.71, average_r 0.33 (two decimals)."""
    res = stats.cronbach_alpha(bfi, AGREEABLENESS, reverse=["A1"], low=1, high=6)
    assert res.alpha == pytest.approx(0.70, abs=0.005)
    assert res.std_alpha == pytest.approx(0.71, abs=0.005)
    assert res.average_r == pytest.approx(0.33, abs=0.005)
    unreversed = stats.cronbach_alpha(bfi, AGREEABLENESS)
    assert unreversed.alpha < 0.5  # the wrong key visibly hurts


def _items(rng, n=400, loadings=(0.8, 0.7, 0.6, 0.5)):
    f = rng.normal(size=n)
    return {f"i{k}": lam * f + rng.normal(size=n) for k, lam in enumerate(loadings)}


def test_alpha_by_hand():
    # three items: a, b = a + 1 (same variance), c = 2a -> covariances in units of var(a)
    a = np.array([1.0, 2.0, 4.0, 5.0, 3.0])
    frame = pl.DataFrame({"a": a, "b": a + 1, "c": 2 * a})
    c = np.array([[1, 1, 2], [1, 1, 2], [2, 2, 4]]) * a.var(ddof=1)
    expected = 3 / 2 * (1 - np.trace(c) / c.sum())
    res = stats.cronbach_alpha(frame, ["a", "b", "c"])
    assert res.alpha == pytest.approx(expected, abs=1e-12)
    assert res.std_alpha == pytest.approx(1.0) and res.average_r == pytest.approx(1.0)


def test_pairwise_covariances_match_pandas():
    import pandas as pd  # a dependency of streamlit, always installed

    rng = np.random.default_rng(3)
    data = _items(rng)
    for key in data:
        data[key][rng.random(400) < 0.15] = np.nan
    frame = pl.DataFrame(data).fill_nan(None)
    cov = pd.DataFrame(data).cov().to_numpy()  # pairwise-complete, as R's cov(use="pairwise")
    k = cov.shape[0]
    expected = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    res = stats.cronbach_alpha(frame, list(data))
    assert res.alpha == pytest.approx(expected, abs=1e-12)
    assert res.n == frame.filter(pl.any_horizontal(pl.all().is_not_null())).height
    listwise = stats.cronbach_alpha(frame, list(data), missing="listwise")
    assert listwise.n == frame.drop_nulls().height < res.n
    assert listwise.alpha != pytest.approx(res.alpha, abs=1e-6)


def test_reverse_keying_is_low_plus_high_minus_x():
    rng = np.random.default_rng(4)
    raw = rng.integers(1, 6, size=(200, 3)).astype(float)
    frame = pl.DataFrame({"a": raw[:, 0], "b": raw[:, 1], "c": raw[:, 2]})
    recoded = frame.with_columns(b=6 - pl.col("b"))
    assert stats.cronbach_alpha(frame, ["a", "b", "c"], reverse=["b"], low=1, high=5) == (
        stats.cronbach_alpha(recoded, ["a", "b", "c"])
    )
    with pytest.raises(ValueError, match="low and high"):
        stats.cronbach_alpha(frame, ["a", "b", "c"], reverse=["b"])
    with pytest.raises(ValueError):
        stats.cronbach_alpha(frame, ["a", "b"], reverse=["c"], low=1, high=5)
    with pytest.raises(ValueError):
        stats.cronbach_alpha(frame, ["a", "b"], missing="mean")


def test_alpha_is_nan_when_not_defined():
    one_item = stats.cronbach_alpha(pl.DataFrame({"a": [1.0, 2.0, 3.0]}), ["a"])
    assert math.isnan(one_item.alpha)
    one_row = stats.cronbach_alpha(pl.DataFrame({"a": [1.0], "b": [2.0]}), ["a", "b"])
    assert math.isnan(one_row.alpha) and one_row.n == 1


def _exact_covariance_sample(cov: np.ndarray, n: int, seed: int) -> np.ndarray:
    """Rows whose sample covariance is exactly ``cov`` (whitened noise, then coloured)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, cov.shape[0]))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)).T)
    return 3 + z @ np.linalg.cholesky(cov).T


def test_omega_recovers_a_known_one_factor_structure():
    lam = np.array([0.9, 0.8, 0.7, 0.6, 0.5])  # raw-scale loadings
    psi = np.array([0.5, 0.6, 0.4, 1.0, 0.8])  # raw-scale unique variances
    cov = np.outer(lam, lam) + np.diag(psi)
    x = _exact_covariance_sample(cov, 300, seed=1)
    frame = pl.DataFrame({f"i{k}": x[:, k] for k in range(5)})
    res = stats.omega(frame, list(frame.columns))
    assert res.omega == pytest.approx(lam.sum() ** 2 / (lam.sum() ** 2 + psi.sum()), abs=1e-5)
    sd = np.sqrt(np.diag(cov))
    std_lam, std_psi = lam / sd, psi / sd**2
    assert res.std_omega == pytest.approx(
        std_lam.sum() ** 2 / (std_lam.sum() ** 2 + std_psi.sum()), abs=1e-5
    )
    assert res.loadings == pytest.approx(tuple(std_lam), abs=1e-4)
    assert res.n == 300 and res.n_items == 5


def test_omega_equals_alpha_for_tau_equivalent_items():
    """Equal raw loadings (tau-equivalence): alpha and omega are the same reliability."""
    lam = np.full(4, 0.7)
    cov = np.outer(lam, lam) + np.diag([0.3, 0.6, 0.9, 0.5])
    x = _exact_covariance_sample(cov, 500, seed=2)
    frame = pl.DataFrame({f"i{k}": x[:, k] for k in range(4)})
    alpha = stats.cronbach_alpha(frame, list(frame.columns)).alpha
    assert stats.omega(frame, list(frame.columns)).omega == pytest.approx(alpha, abs=1e-5)


def test_omega_is_at_least_alpha_for_congeneric_items_and_handles_reverse_keys():
    rng = np.random.default_rng(6)
    data = _items(rng, n=3000, loadings=(0.9, 0.7, 0.5, 0.3))
    frame = pl.DataFrame(data)
    om = stats.omega(frame, list(data))
    assert om.omega >= stats.cronbach_alpha(frame, list(data)).alpha
    flipped = frame.with_columns(i1=10 - pl.col("i1"))
    again = stats.omega(flipped, list(data), reverse=["i1"], low=0, high=10)
    assert again.omega == pytest.approx(om.omega, abs=1e-6)
    assert min(again.loadings) > 0


def test_omega_needs_three_items():
    frame = pl.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 1.0, 4.0, 3.0]})
    assert math.isnan(stats.omega(frame, ["a", "b"]).omega)


@pytest.mark.reference
def test_omega_on_bfi_neuroticism_is_close_to_alpha(bfi):
    res = stats.omega(bfi, NEUROTICISM)
    alpha = stats.cronbach_alpha(bfi, NEUROTICISM, missing="listwise")
    assert res.n == alpha.n == 2694
    assert abs(res.omega - alpha.alpha) < 0.01 and res.std_omega > alpha.std_alpha


def test_feldt_interval_of_alpha_covers_the_true_alpha_about_95_percent():
    """Five parallel items (correlation .4): true alpha = 5 * .4 / (1 + 4 * .4); Feldt's
    interval covers it in about 95% of 400 simulated samples of 150."""
    rng = np.random.default_rng(11)
    k, rho, n = 5, 0.4, 150
    true = k * rho / (1 + (k - 1) * rho)
    cov = np.full((k, k), rho) + np.eye(k) * (1 - rho)
    hits = 0
    for _ in range(400):
        x = rng.multivariate_normal(np.zeros(k), cov, n)
        frame = pl.DataFrame({f"i{j}": x[:, j] for j in range(k)})
        res = stats.cronbach_alpha(frame, frame.columns, missing="listwise")
        assert res.alpha_ci[0] <= res.alpha <= res.alpha_ci[1]
        hits += res.alpha_ci[0] <= true <= res.alpha_ci[1]
    assert 0.92 <= hits / 400 <= 0.98
