"""Scale reliability: Cronbach's alpha (raw and standardised) and McDonald's omega total."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats as sps
from statsmodels.multivariate.factor import Factor


@dataclass(frozen=True)
class AlphaResult:
    alpha: float
    std_alpha: float
    average_r: float
    n: int
    n_items: int
    missing: str
    alpha_ci: tuple[float, float] = (float("nan"), float("nan"))


def alpha_interval(alpha: float, n: int, k: int, ci: float = 0.95) -> tuple[float, float]:
    """Feldt's (1965) F-based confidence interval of Cronbach's alpha: with
    F(n - 1, (n - 1)(k - 1)), [1 - (1 - alpha) F_{1-a/2}, 1 - (1 - alpha) F_{a/2}]."""
    if not np.isfinite(alpha) or n < 2 or k < 2:
        return (float("nan"), float("nan"))
    d1, d2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * sps.f.ppf(0.5 + ci / 2, d1, d2)
    high = 1 - (1 - alpha) * sps.f.ppf(0.5 - ci / 2, d1, d2)
    return float(low), float(high)


@dataclass(frozen=True)
class OmegaResult:
    omega: float
    std_omega: float
    loadings: tuple[float, ...]
    n: int
    n_items: int


def _item_matrix(
    frame: pl.DataFrame,
    items: Sequence[str],
    reverse: Sequence[str],
    low: float | None,
    high: float | None,
) -> np.ndarray:
    """Items as a float matrix with NaN for missing; reverse-keyed items recoded low + high - x."""
    items = list(items)
    unknown = [c for c in reverse if c not in items]
    if unknown:
        raise ValueError(f"reverse-keyed items {unknown} are not among the items {items}")
    if reverse and (low is None or high is None):
        raise ValueError("Give the scale's low and high ends to recode reverse-keyed items.")
    exprs = [
        ((low + high - pl.col(c)) if c in reverse else pl.col(c)).cast(pl.Float64).alias(c)
        for c in items
    ]
    return frame.select(exprs).fill_null(float("nan")).to_numpy()


def _pairwise_cov(x: np.ndarray) -> np.ndarray:
    """Covariances from pairwise-complete rows, each pair with its own means (R's
    ``cov(use = "pairwise")``); NaN where a pair has fewer than two rows."""
    m = np.isfinite(x).astype(float)
    z = np.where(m > 0, x, 0.0)
    n = m.T @ m
    s = z.T @ m  # s[i, j]: sum of item i over rows where i and j are both present
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = ((z.T @ z) - s * s.T / n) / (n - 1)
    return np.where(n > 1, cov, np.nan)


def _alpha_from_cov(cov: np.ndarray) -> tuple[float, float, float]:
    k = cov.shape[0]
    raw = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    avg_r = (corr.sum() - np.trace(corr)) / (k * (k - 1))
    return float(raw), float(k * avg_r / (1 + (k - 1) * avg_r)), float(avg_r)


def cronbach_alpha(
    frame: pl.DataFrame,
    items: Sequence[str],
    reverse: Sequence[str] = (),
    low: float | None = None,
    high: float | None = None,
    missing: str = "pairwise",
) -> AlphaResult:
    """Cronbach's alpha (Cronbach 1951), raw and standardised, as ``psych::alpha``.

    alpha = k / (k - 1) (1 - tr(C) / sum(C)) from the item covariance matrix C; the standardised
    alpha is k r / (1 + (k - 1) r) with r the average inter-item correlation of
    ``cov2cor(C)``. With ``missing="pairwise"`` (default, as ``psych::alpha``) C comes from
    pairwise-complete rows and ``n`` counts rows with at least one item; ``"listwise"`` uses
    only complete rows (as ``multilevel::cronbach``). Reverse-keyed items are recoded as
    low + high - x, so ``low`` and ``high`` (the scale ends) are then required.
    Fewer than two items or two rows give NaN.

    >>> f = pl.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 2, 4, 4], "c": [1.0, 3, 3, 5]})
    >>> round(cronbach_alpha(f, ["a", "b", "c"]).alpha, 3)
    0.933
    """
    if missing not in ("pairwise", "listwise"):
        raise ValueError(f"unknown missing {missing!r}: use 'pairwise' or 'listwise'")
    x = _item_matrix(frame, items, reverse, low, high)
    k = x.shape[1]
    if missing == "listwise":
        x = x[np.isfinite(x).all(axis=1)]
        n = x.shape[0]
        cov = np.cov(x, rowvar=False) if n > 1 and k > 1 else None
    else:
        x = x[np.isfinite(x).any(axis=1)]
        n = x.shape[0]
        cov = _pairwise_cov(x) if n > 1 and k > 1 else None
    if cov is None or not np.isfinite(cov).all():
        nan = float("nan")
        return AlphaResult(nan, nan, nan, n, k, missing)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha, std_alpha, average_r = _alpha_from_cov(cov)
    return AlphaResult(
        alpha, std_alpha, average_r, n, k, missing, alpha_interval(float(alpha), n, k)
    )


def _one_factor_ml(corr: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Standardised loadings and uniquenesses of a one-factor maximum-likelihood model."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = Factor(corr=corr, n_factor=1, method="ml", nobs=n).fit()
    loadings = np.asarray(fit.loadings, dtype=float).ravel()
    if loadings.sum() < 0:
        loadings = -loadings
    return loadings, np.asarray(fit.uniqueness, dtype=float).ravel()


def omega(
    frame: pl.DataFrame,
    items: Sequence[str],
    reverse: Sequence[str] = (),
    low: float | None = None,
    high: float | None = None,
) -> OmegaResult:
    """McDonald's omega total from a one-factor model (McDonald 1999, eq. 6.20b).

    Estimator: a one-factor maximum-likelihood factor analysis of the item correlation matrix
    of the complete rows (``statsmodels.multivariate.factor.Factor(method="ml")``). With
    loadings lambda and uniquenesses psi, omega = (sum lambda)^2 / ((sum lambda)^2 + sum psi).
    ``omega`` is for the unweighted sum of the raw items (loadings and uniquenesses rescaled by
    the item SDs, the counterpart of raw alpha); ``std_omega`` for standardised items.
    ``loadings`` are the standardised loadings. Needs three items (a one-factor model with two
    is not identified) and more rows than items; otherwise NaN.
    Reverse-keyed items are recoded as low + high - x first.
    """
    x = _item_matrix(frame, items, reverse, low, high)
    x = x[np.isfinite(x).all(axis=1)]
    n, k = x.shape
    nan = float("nan")
    if k < 3 or n <= k:
        return OmegaResult(nan, nan, (nan,) * k, n, k)
    sd = x.std(axis=0, ddof=1)
    if not (sd > 0).all():
        return OmegaResult(nan, nan, (nan,) * k, n, k)
    lam, psi = _one_factor_ml(np.corrcoef(x, rowvar=False), n)

    def total(load: np.ndarray, unique: np.ndarray) -> float:
        common = load.sum() ** 2
        return float(common / (common + unique.sum()))

    return OmegaResult(
        omega=total(lam * sd, psi * sd**2),
        std_omega=total(lam, psi),
        loadings=tuple(float(v) for v in lam),
        n=n,
        n_items=k,
    )
