"""Simple mediation X -> M -> Y with OLS paths, a Sobel interval and a vectorised bootstrap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
import statsmodels.api as sm
from scipy import stats as sps

from loyalty.stats._resample import (
    cross_products,
    resample_counts,
    solve_stack,
)
from loyalty.stats.intervals import percentile_interval

Interval = tuple[float, float]


@dataclass(frozen=True)
class MediationResult:
    a: float
    b: float
    c_prime: float
    c: float
    indirect: float
    indirect_ci: Interval
    proportion_mediated: float
    n: int
    a_ci: Interval
    b_ci: Interval
    c_prime_ci: Interval
    c_ci: Interval
    sobel_ci: Interval
    n_boot: int
    sobel_se: float
    sobel_p: float
    a_p: float
    b_p: float
    c_prime_p: float
    c_p: float


def sobel_interval(
    a: float, se_a: float, b: float, se_b: float, ci: float = 0.95
) -> tuple[Interval, float, float]:
    """Sobel (1982) normal interval for a*b with the first-order delta-method SE
    sqrt(a^2 se_b^2 + b^2 se_a^2), as ``powerMediation::testMediation.Sobel``.
    Returns (interval, se, two-sided p)."""
    se = float(np.sqrt(a**2 * se_b**2 + b**2 * se_a**2))
    z = sps.norm.ppf(0.5 + ci / 2)
    ab = a * b
    p = float(2 * sps.norm.sf(abs(ab) / se)) if se > 0 else float("nan")
    return (float(ab - z * se), float(ab + z * se)), se, p


def _fit(y: np.ndarray, x: np.ndarray, ci: float, col: int):
    fit = sm.OLS(y, x).fit()
    low, high = fit.conf_int(alpha=1 - ci)[col]
    return (
        float(fit.params[col]),
        float(fit.bse[col]),
        (float(low), float(high)),
        float(fit.pvalues[col]),
    )


def mediation(
    frame: pl.DataFrame,
    x: str,
    m: str,
    y: str,
    covariates: Sequence[str] = (),
    n_boot: int = 5000,
    seed: int | None = None,
    ci: float = 0.95,
) -> MediationResult:
    """Mediation of the effect of ``x`` on ``y`` through ``m`` (Baron & Kenny 1986; Hayes 2018,
    model 4), every path by OLS on the complete rows, with the same ``covariates`` in each model:

    - a: m ~ x + covariates; b and c': y ~ x + m + covariates; c: y ~ x + covariates.
    - indirect = a * b (equals c - c' without missing data); proportion mediated = a b / c.
    - ``a_ci``, ``b_ci``, ``c_prime_ci``, ``c_ci``: OLS t intervals; ``sobel_ci``: normal
      interval with the Sobel SE (see :func:`sobel_interval`).
    - ``indirect_ci``: percentile bootstrap over rows (Preacher & Hayes 2008), vectorised: all
      resample indices are drawn as one (B, n) matrix in chunks, turned into row counts, and
      the B pairs of regressions are solved at once from weighted cross-product matrices
      (standardised data, batched ``numpy.linalg.solve``). Degenerate resamples are dropped;
      ``n_boot`` reports the resamples used.

    Fewer than ``5 + len(covariates)`` complete rows give NaN.
    """
    covariates = list(covariates)
    cols = [x, *covariates, m, y]
    data = frame.select(cols).drop_nulls().drop_nans()
    n, k = data.height, len(covariates)
    nan = float("nan")
    if n < 5 + k:
        pair = (nan, nan)
        return MediationResult(
            nan, nan, nan, nan, nan, pair, nan, n, pair, pair, pair, pair, pair, 0, nan, nan,
            nan, nan, nan, nan,
        )  # fmt: skip
    raw = data.to_numpy().astype(float)
    ones = np.ones((n, 1))
    xc = np.hstack([ones, raw[:, : 1 + k]])  # 1, x, covariates
    xmc = np.hstack([xc, raw[:, [1 + k]]])  # 1, x, covariates, m
    mv, yv = raw[:, 1 + k], raw[:, 2 + k]
    a, se_a, a_ci, a_p = _fit(mv, xc, ci, 1)
    b, se_b, b_ci, b_p = _fit(yv, xmc, ci, 2 + k)
    c_prime, _, c_prime_ci, c_prime_p = _fit(yv, xmc, ci, 1)
    c, _, c_ci, c_p = _fit(yv, xc, ci, 1)
    sobel_ci, sobel_se, sobel_p = sobel_interval(a, se_a, b, se_b, ci)
    indirect = a * b

    draws = _bootstrap_indirect(raw, k, n_boot, seed)
    boot_ci = percentile_interval(draws, ci)
    with np.errstate(invalid="ignore", divide="ignore"):
        proportion = float(np.float64(indirect) / c)
    return MediationResult(
        a=a,
        b=b,
        c_prime=c_prime,
        c=c,
        indirect=indirect,
        indirect_ci=boot_ci,
        proportion_mediated=proportion,
        n=n,
        a_ci=a_ci,
        b_ci=b_ci,
        c_prime_ci=c_prime_ci,
        c_ci=c_ci,
        sobel_ci=sobel_ci,
        n_boot=int(np.isfinite(draws).sum()),
        sobel_se=sobel_se,
        sobel_p=sobel_p,
        a_p=a_p,
        b_p=b_p,
        c_prime_p=c_prime_p,
        c_p=c_p,
    )


def _bootstrap_paths(raw: np.ndarray, k: int, n_boot: int, seed: int | None) -> np.ndarray:
    """(n_boot, 4) draws of a, b, c', c in ``n_boot`` row resamples of
    ``raw`` = [x, covariates..., m, y], in the raw scale."""
    if n_boot <= 0:
        return np.empty((0, 4))
    n = raw.shape[0]
    sd = raw.std(axis=0)
    if not (sd > 0).all():
        return np.full((n_boot, 4), np.nan)
    z = np.hstack([np.ones((n, 1)), (raw - raw.mean(axis=0)) / sd])
    i_m, i_y = 2 + k, 3 + k
    design_a = np.arange(0, 2 + k)  # 1, x, covariates
    design_b = np.arange(0, 3 + k)  # 1, x, covariates, m
    sd_x, sd_m, sd_y = sd[0], sd[1 + k], sd[2 + k]
    rng = np.random.default_rng(seed)
    out = []
    for counts in resample_counts(n, n_boot, rng):
        s = cross_products(z, counts)
        a = solve_stack(s[:, design_a][:, :, design_a], s[:, design_a, i_m])[:, 1]
        full = solve_stack(s[:, design_b][:, :, design_b], s[:, design_b, i_y])
        c = solve_stack(s[:, design_a][:, :, design_a], s[:, design_a, i_y])[:, 1]
        # standardised slopes back to the raw scale
        out.append(
            np.column_stack(
                [
                    a * sd_m / sd_x,
                    full[:, -1] * sd_y / sd_m,
                    full[:, 1] * sd_y / sd_x,
                    c * sd_y / sd_x,
                ]
            )
        )
    return np.concatenate(out)


def _bootstrap_indirect(raw: np.ndarray, k: int, n_boot: int, seed: int | None) -> np.ndarray:
    """a*b in each of ``n_boot`` row resamples of ``raw`` = [x, covariates..., m, y]."""
    if n_boot <= 0:
        return np.array([])
    paths = _bootstrap_paths(raw, k, n_boot, seed)
    return paths[:, 0] * paths[:, 1]


def path_draws(
    frame: pl.DataFrame,
    x: str,
    m: str,
    y: str,
    covariates: Sequence[str] = (),
    n_boot: int = 5000,
    seed: int | None = None,
) -> np.ndarray:
    """The bootstrap draws behind :func:`mediation` (same rows, same resamples for the same
    seed): an (n_boot, 4) array of a, b, c', c, one row per resample, for intervals of
    anything computed from the paths (e.g. a what-if). Degenerate resamples are NaN rows."""
    covariates = list(covariates)
    data = frame.select([x, *covariates, m, y]).drop_nulls().drop_nans()
    if data.height < 5 + len(covariates):
        return np.full((max(n_boot, 0), 4), np.nan)
    return _bootstrap_paths(data.to_numpy().astype(float), len(covariates), n_boot, seed)
