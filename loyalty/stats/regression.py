"""Regression-based views: relative weights, expected vs actual (funnel), cross-lagged effects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
import statsmodels.api as sm
from scipy import stats as sps

from loyalty.stats._resample import cross_products, resample_counts
from loyalty.stats.intervals import percentile_interval

# --- Relative weights (Johnson 2000) --------------------------------------------------------


def _relative_weights(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """Raw relative weights for a stack of predictor correlation matrices (..., p, p) and
    predictor-outcome correlations (..., p); NaN where rxx is not positive definite."""
    evals, evecs = np.linalg.eigh(rxx)
    ok = evals.min(axis=-1) > 1e-10 * np.abs(evals).max(axis=-1)
    evals = np.where(ok[..., None], evals, np.nan)
    root = np.sqrt(evals)
    # Lambda = Q diag(sqrt(e)) Q' relates the predictors to their closest orthogonal
    # counterparts Z; beta = Lambda^{-1} r_xy regresses y on Z.
    lam = (evecs * root[..., None, :]) @ np.swapaxes(evecs, -1, -2)
    beta = (evecs / root[..., None, :]) @ (np.swapaxes(evecs, -1, -2) @ rxy[..., None])
    return (lam**2 @ beta**2)[..., 0]


def _corr_from_moments(s: np.ndarray, total: float) -> np.ndarray:
    """Correlation matrices from weighted cross products of [1, v1, ..., vq]: (B, q, q)."""
    mean = s[:, 0, 1:] / total
    cov = s[:, 1:, 1:] / total - mean[:, :, None] * mean[:, None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
        return cov / (sd[:, :, None] * sd[:, None, :])


def relative_weights(
    frame: pl.DataFrame,
    predictors: Sequence[str],
    outcome: str,
    n_boot: int = 2000,
    seed: int | None = 0,
    ci: float = 0.95,
) -> pl.DataFrame:
    """Relative weights of correlated predictors (Johnson 2000), with bootstrap intervals.

    The predictors are replaced by their closest orthogonal counterparts Z (from the
    eigendecomposition R_xx = Q E Q', Lambda = Q E^1/2 Q'), y is regressed on Z
    (beta = Lambda^-1 r_xy), and the raw weight of predictor j is sum_k Lambda_jk^2 beta_k^2.
    The raw weights add up to the R^2 of the OLS model on all predictors; ``rescaled`` is each
    weight in percent of R^2. ``low``/``high`` are percentile-bootstrap limits of the raw
    weight (Tonidandel, LeBreton & Johnson 2009): rows resampled, every resample's correlation
    matrix from weighted moments and all eigendecompositions in one batched ``eigh``.

    Returns one row per predictor: ``predictor``, ``raw_weight``, ``rescaled``, ``low``,
    ``high``, plus ``r2`` (the model's R^2) and ``n`` on every row. Complete rows only; fewer
    rows than predictors + 2 give NaN.
    """
    predictors = list(predictors)
    p = len(predictors)
    data = frame.select(*predictors, outcome).drop_nulls().drop_nans()
    n = data.height
    weights = np.full(p, np.nan)
    low, high = np.full(p, np.nan), np.full(p, np.nan)
    if n >= p + 2:
        raw = data.to_numpy().astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = np.corrcoef(raw, rowvar=False)
        if np.isfinite(corr).all():
            weights = _relative_weights(corr[:p, :p], corr[:p, p])
        if n_boot > 0:
            sd = raw.std(axis=0)
            z = np.hstack([np.ones((n, 1)), (raw - raw.mean(axis=0)) / np.where(sd > 0, sd, 1)])
            rng = np.random.default_rng(seed)
            draws = []
            for counts in resample_counts(n, n_boot, rng):
                c = _corr_from_moments(cross_products(z, counts), float(n))
                bad = ~np.isfinite(c).all(axis=(1, 2))
                c[bad] = np.eye(p + 1)
                w = _relative_weights(c[:, :p, :p], c[:, :p, p])
                w[bad] = np.nan
                draws.append(w)
            boot = np.concatenate(draws)
            for j in range(p):
                low[j], high[j] = percentile_interval(boot[:, j], ci)
    r2 = float(weights.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        rescaled = 100 * weights / r2
    return pl.DataFrame(
        {
            "predictor": predictors,
            "raw_weight": weights,
            "rescaled": rescaled,
            "low": low,
            "high": high,
            "r2": [r2] * p,
            "n": [n] * p,
        },
        schema_overrides={"n": pl.Int64},
    )


# --- Expected vs actual with funnel limits --------------------------------------------------


def expected_vs_actual(
    frame: pl.DataFrame,
    x: str,
    y: str,
    unit: str,
    covariates: Sequence[str] = (),
) -> pl.DataFrame:
    """Each unit's ``y`` against the value expected from ``x`` (and covariates) by OLS.

    ``expected`` is the OLS fitted value, ``residual`` = y - expected and ``std_residual`` the
    internally studentised residual e / (s sqrt(1 - h)). Funnel limits are the OLS prediction
    intervals at each unit's predictors, expected +/- t_{n-p} s sqrt(1 + h) (h the leverage,
    s the residual SD), at 95 % (``low_95``, ``high_95``) and 99.8 % (``low_998``,
    ``high_998``), the two control limits of Spiegelhalter's (2005) funnel plot; a unit
    outside them differs from its expectation by more than chance at that level.

    Returns one row per complete unit: ``unit``, ``x``, ``y`` (input names), ``expected``,
    ``residual``, ``std_residual``, ``low_95``, ``high_95``, ``low_998``, ``high_998``.
    Fewer rows than parameters + 1 give NaN columns.
    """
    covariates = list(covariates)
    data = frame.select(unit, x, y, *covariates).drop_nulls().drop_nans()
    n, p = data.height, 2 + len(covariates)
    design = np.hstack([np.ones((n, 1)), data.select(x, *covariates).to_numpy().astype(float)])
    yv = data[y].to_numpy().astype(float)
    names = ("std_residual", "low_95", "high_95", "low_998", "high_998")
    fitted = resid = np.full(n, np.nan)
    cols = dict.fromkeys(names, fitted)
    if n > p and np.linalg.matrix_rank(design) == p:
        q, _ = np.linalg.qr(design)
        fitted = q @ (q.T @ yv)
        resid = yv - fitted
        h = (q**2).sum(axis=1)
        s = np.sqrt(resid @ resid / (n - p))
        with np.errstate(invalid="ignore", divide="ignore"):
            cols["std_residual"] = resid / (s * np.sqrt(1 - h))
        spread = s * np.sqrt(1 + h)
        for name, level in (("95", 0.95), ("998", 0.998)):
            t = sps.t.ppf(0.5 + level / 2, n - p)
            cols[f"low_{name}"] = fitted - t * spread
            cols[f"high_{name}"] = fitted + t * spread
    return data.select(unit, x, y).with_columns(
        pl.Series("expected", fitted),
        pl.Series("residual", resid),
        *(pl.Series(name, cols[name]) for name in names),
    )


# --- Cross-lagged effects --------------------------------------------------------------------


@dataclass(frozen=True)
class CrossLag:
    """Coefficient of the lagged predictor in one direction of a cross-lagged panel model."""

    coef: float
    ci: tuple[float, float]
    p_value: float
    n: int
    n_units: int


@dataclass(frozen=True)
class LaggedEffects:
    x_to_y: CrossLag
    y_to_x: CrossLag
    direction: str  # "x_to_y", "y_to_x", "both" or "neither"
    n_times: int


def _cross_lag(
    pairs: pl.DataFrame, unit: str, outcome: str, lagged: list[str], ci: float, within: bool
):
    data = pairs.select(unit, outcome, *lagged).drop_nulls().drop_nans()
    if within:
        # unit fixed effects: demean every column within its unit (the within estimator)
        cols = [outcome, *lagged]
        data = data.filter(pl.len().over(unit) > 1).with_columns(
            (pl.col(c) - pl.col(c).mean().over(unit)) for c in cols
        )
    n = data.height
    units = data[unit].n_unique()
    nan = float("nan")
    if n < len(lagged) + 3 or units < 2:
        return CrossLag(nan, (nan, nan), nan, n, units)
    values = data.select(lagged).to_numpy().astype(float)
    if within:  # covariates constant within units are absorbed by the fixed effects
        keep = [0, 1] + [j for j in range(2, values.shape[1]) if values[:, j].std() > 1e-12]
        values = values[:, keep]
    design = values if within else np.hstack([np.ones((n, 1)), values])

    col = 0 if within else 1
    groups = data[unit].rank("dense").to_numpy()
    fit = sm.OLS(data[outcome].to_numpy().astype(float), design).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
    )
    low, high = fit.conf_int(alpha=1 - ci)[col]
    return CrossLag(
        float(fit.params[col]), (float(low), float(high)), float(fit.pvalues[col]), n, units
    )


def lagged_effects(
    frame: pl.DataFrame,
    unit: str,
    time: str,
    x: str,
    y: str,
    covariates: Sequence[str] = (),
    ci: float = 0.95,
    within: bool = False,
) -> LaggedEffects:
    """Cross-lagged regressions in both directions on a long panel (one row per unit and time).

    x -> y: y(t+1) ~ x(t) + y(t) + covariates(t); y -> x: x(t+1) ~ y(t) + x(t) + covariates(t)
    (the two regression equations of a cross-lagged panel model, Finkel 1995). "t + 1" is the
    next time in the sorted set of all times in the data, so a unit that skipped a period
    contributes no pair across the gap. Each equation is fitted by OLS with cluster-robust
    (CR1) standard errors by unit, because a unit with several periods contributes correlated
    pairs; intervals and p-values use t with (units - 1) degrees of freedom (statsmodels
    ``cov_type="cluster"``, ``use_t=True``). Coefficients are unstandardised.

    ``direction`` is "x_to_y" or "y_to_x" when only that coefficient's interval excludes 0,
    "both" or "neither" otherwise. Duplicate (unit, time) rows raise ValueError.

    With ``within=True`` each equation is estimated within units (unit fixed effects: every
    column demeaned within its unit over the unit's pairs, units with one pair dropped, no
    intercept). Stable differences between units then cannot masquerade as a lagged effect:
    with a persistent unit trait measured with error (a branch's engagement), the pooled
    model credits the trait to whichever variable carries it, often in both directions; the
    within model asks whether a *change* goes before a change (the idea of the random-intercept
    cross-lagged panel model, Hamaker, Kuiper & Grasman 2015). With few periods the
    coefficient of the lagged outcome itself is biased towards negative values (Nickell 1981);
    the cross-lagged coefficient is the one reported. Time-constant covariates drop out.
    """
    covariates = list(covariates)
    data = frame.select(unit, time, x, y, *covariates).drop_nulls([unit, time])
    if data.select(unit, time).is_duplicated().any():
        raise ValueError(f"Each {unit} may have only one row per {time}; aggregate first.")
    data = data.with_columns(pl.col(time).rank("dense").cast(pl.Int64).alias("_t"))
    following = data.select(
        unit,
        (pl.col("_t") - 1).alias("_t"),
        pl.col(x).alias("_x_next"),
        pl.col(y).alias("_y_next"),
    )
    pairs = data.join(following, on=[unit, "_t"], how="inner")
    x_to_y = _cross_lag(pairs, unit, "_y_next", [x, y, *covariates], ci, within)
    y_to_x = _cross_lag(pairs, unit, "_x_next", [y, x, *covariates], ci, within)

    def excludes_zero(lag: CrossLag) -> bool:
        return bool(lag.ci[0] > 0 or lag.ci[1] < 0)

    forward, backward = excludes_zero(x_to_y), excludes_zero(y_to_x)
    direction = {
        (True, True): "both",
        (True, False): "x_to_y",
        (False, True): "y_to_x",
        (False, False): "neither",
    }[(forward, backward)]
    return LaggedEffects(x_to_y, y_to_x, direction, int(data["_t"].n_unique()))
