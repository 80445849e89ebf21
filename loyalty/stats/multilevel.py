"""Multilevel agreement and reliability.

ICC(1) and ICC(2) from a one-way ANOVA and from the REML null model, group-mean reliability,
shrunken (empirical-Bayes) group means, and the within-group agreement indices r_wg, r_wg(j),
a_wg and AD_M of Bliese's R package ``multilevel``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import optimize
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
    icc1_ci: tuple[float, float] = (float("nan"), float("nan"))
    icc2_ci: tuple[float, float] = (float("nan"), float("nan"))


def icc_intervals(
    f: float, n: int, j: int, ci: float = 0.95
) -> tuple[tuple[float, float], tuple[float, float]]:
    """F-based confidence intervals of ICC(1) and ICC(2) from the one-way ANOVA (McGraw &
    Wong 1996, case 1, with k = N/J): F_L = F / F_{1-a/2}(J-1, N-J), F_U = F F_{1-a/2}(N-J,
    J-1); ICC(1) in [(F_L - 1)/(F_L + k - 1), (F_U - 1)/(F_U + k - 1)], ICC(2) in
    [1 - 1/F_L, 1 - 1/F_U]."""
    nan = (float("nan"), float("nan"))
    if not np.isfinite(f) or j < 2 or n <= j:
        return nan, nan
    k = n / j
    q = sps.f.ppf(0.5 + ci / 2, j - 1, n - j)
    f_low, f_high = f / q, f * sps.f.ppf(0.5 + ci / 2, n - j, j - 1)
    icc1 = ((f_low - 1) / (f_low + k - 1), (f_high - 1) / (f_high + k - 1))
    icc2 = (1 - 1 / f_low, 1 - 1 / f_high)
    return (float(icc1[0]), float(icc1[1])), (float(icc2[0]), float(icc2[1]))


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
    return icc_from_groups(groups["n"].to_numpy(), groups["m"].to_numpy(), groups["ss"].to_numpy())


def icc_from_groups(n_j: np.ndarray, m_j: np.ndarray, ss_j: np.ndarray) -> IccResult:
    """:func:`icc` from per-group counts, means and within-group sums of squares (groups with
    no answer left out), for callers that hold group summaries rather than rows.

    >>> r = icc_from_groups(np.array([2, 2, 2]), np.array([1.5, 3.5, 6.0]), np.array([.5, .5, 2]))
    >>> round(r.icc1, 3), round(r.icc2, 3)
    (0.821, 0.902)
    """
    keep = np.asarray(n_j) > 0
    n_j = np.asarray(n_j, dtype=float)[keep]
    m_j = np.asarray(m_j, dtype=float)[keep]
    ss_j = np.asarray(ss_j, dtype=float)[keep]
    n, j = int(n_j.sum()), len(n_j)
    nan = float("nan")
    if j < 2 or n <= j:  # one group, or no group with two answers: undefined
        return IccResult(nan, nan, nan, nan, n, j, nan, nan)
    grand = float((n_j * m_j).sum() / n)
    ssb = float((n_j * (m_j - grand) ** 2).sum())
    ssw = float(ss_j.sum())
    msb, msw = np.float64(ssb) / (j - 1), np.float64(ssw) / (n - j)
    k = n / j
    with np.errstate(divide="ignore", invalid="ignore"):  # no variation at all: NaN, not raise
        f = msb / msw
        icc1 = (msb - msw) / (msb + (k - 1) * msw)
        icc2 = (msb - msw) / msb
    return IccResult(
        icc1=float(icc1),
        icc2=float(icc2),
        f_value=float(f),
        p_value=float(sps.f.sf(f, j - 1, n - j)) if np.isfinite(f) else nan,
        n=n,
        n_groups=j,
        msb=float(msb),
        msw=float(msw),
        icc1_ci=icc_intervals(float(f), n, j)[0],
        icc2_ci=icc_intervals(float(f), n, j)[1],
    )


# --- Mixed-model (REML) ICC, group-mean reliability and shrunken group means --------------


@dataclass(frozen=True)
class IccMixedResult:
    """Variance components of the random-intercept null model ``value ~ 1 + (1 | group)``."""

    tau00: float
    sigma2: float
    icc1: float
    loglik: float
    mean_group_reliability: float
    n: int
    n_groups: int
    mean: float


#: Group means are rounded to this many decimals where ties decide something (ranks, median
#: splits). DuckDB and polars add doubles in parallel, in an order that changes from run to run
#: by about 1e-15: unrounded, two groups with the same mean could compare unequal in one run
#: and equal in the next, and ranks and intervals built on them would change between runs.
MEAN_DECIMALS = 12


def _group_stats(frame: pl.DataFrame, value: str, group: str) -> pl.DataFrame:
    """Per group: n, mean and within-group sum of squares of the complete rows."""
    data = frame.select(group, value).drop_nulls().drop_nans()
    return (
        data.group_by(group)
        .agg(
            pl.len().alias("n"),
            pl.col(value).mean().alias("m"),
            ((pl.col(value) - pl.col(value).mean()) ** 2).sum().alias("ss"),
        )
        .sort(group)
    )


def _reml(n_j: np.ndarray, m_j: np.ndarray, ss_within: float) -> tuple[float, float, float, float]:
    """REML estimates (tau00, sigma2, mu, loglik) of the one-way random-intercept model.

    Uses the group sufficient statistics only. With lambda = tau00 / sigma2 and
    w_j = n_j / (1 + n_j lambda), sigma2 is profiled out (sigma2 = Q / (N - 1),
    Q = SS_within + sum w_j (m_j - mu)^2, mu the GLS mean) and the REML score in lambda,
    -(N-1) sum w_j^2 (m_j - mu)^2 / Q + sum w_j - sum w_j^2 / sum w_j, is solved with Brent's
    method (lambda = 0 when the score is not negative at 0, the boundary solution).
    """
    n_total, j = float(n_j.sum()), len(n_j)
    nan = float("nan")
    if j < 2 or n_total - j < 1 or ss_within <= 0:
        return nan, nan, nan, nan

    def parts(lam: float):
        w = n_j / (1 + n_j * lam)
        mu = float((w * m_j).sum() / w.sum())
        q = ss_within + float((w * (m_j - mu) ** 2).sum())
        return w, mu, q

    def score(lam: float) -> float:
        w, mu, q = parts(lam)
        sw = w.sum()
        return float(-(n_total - 1) * (w**2 * (m_j - mu) ** 2).sum() / q + sw - (w**2).sum() / sw)

    lam = 0.0
    if score(0.0) < 0:
        hi = max(1e-6, 1.0 / float(n_j.mean()))
        while score(hi) < 0 and hi < 1e15:
            hi *= 4
        lam = optimize.brentq(score, 0.0, hi, xtol=1e-300, rtol=4 * np.finfo(float).eps)
    w, mu, q = parts(lam)
    sigma2 = q / (n_total - 1)
    m2loglik = (
        (n_total - 1) * (np.log(2 * np.pi) + np.log(sigma2) + 1)
        + float(np.log1p(n_j * lam).sum())
        + float(np.log(w.sum()))
    )
    return lam * sigma2, sigma2, mu, float(-m2loglik / 2)


def icc_mixed(frame: pl.DataFrame, value: str, group: str) -> IccMixedResult:
    """ICC(1) from the REML random-intercept null model, and the mean group-mean reliability.

    The model ``value_ij = mu + u_j + e_ij`` with u_j ~ N(0, tau00), e_ij ~ N(0, sigma2) is fitted
    by restricted maximum likelihood, as ``nlme::lme(value ~ 1, random = ~1 | group)`` in
    Bliese's ``multilevel`` workflow (Bliese 2000; Raudenbush & Bryk 2002, ch. 4). The REML
    criterion is profiled to one dimension and solved from group sufficient statistics, so a
    million rows take milliseconds; it agrees with ``statsmodels`` ``MixedLM(reml=True)``
    (tested on bh1996). ICC(1) = tau00 / (tau00 + sigma2). The mean group reliability is the
    mean over groups of tau00 / (tau00 + sigma2 / n_j), as ``multilevel::GmeanRel``.
    ``loglik`` is the REML log-likelihood with the constant used by statsmodels.

    Rows with a missing value or group are dropped; fewer than two groups, no within-group
    replication or no within-group variation give NaN.

    >>> f = pl.DataFrame({"g": [1, 1, 2, 2, 3, 3], "v": [1.0, 2.0, 3.0, 4.0, 5.0, 7.0]})
    >>> round(icc_mixed(f, "v", "g").icc1, 3)  # balanced: equals the ANOVA ICC(1)
    0.821
    """
    stats_ = _group_stats(frame, value, group)
    n_j = stats_["n"].to_numpy().astype(float)
    m_j = stats_["m"].to_numpy().astype(float)
    tau, sigma2, mu, loglik = _reml(n_j, m_j, float(stats_["ss"].sum()))
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = float(np.mean(tau / (tau + sigma2 / n_j))) if len(n_j) else float("nan")
    return IccMixedResult(
        tau00=tau,
        sigma2=sigma2,
        icc1=tau / (tau + sigma2),
        loglik=loglik,
        mean_group_reliability=rel,
        n=int(n_j.sum()),
        n_groups=len(n_j),
        mean=mu,
    )


def shrunken_means(frame: pl.DataFrame, value: str, group: str, ci: float = 0.95) -> pl.DataFrame:
    """Empirical-Bayes (BLUP) group means shrunk toward the grand mean, with intervals.

    With tau00 and sigma2 from the REML null model (see :func:`icc_mixed`), each group's mean is
    shrunk by its reliability lambda_j = tau00 / (tau00 + sigma2 / n_j):
    shrunken_j = mu + lambda_j (mean_j - mu), mu the GLS grand mean (Raudenbush & Bryk 2002,
    eq. 3.56). The interval is shrunken_j +/- z * sqrt(PEV_j) with the prediction-error variance
    PEV_j = lambda_j sigma2 / n_j + (1 - lambda_j)^2 Var(mu) (Henderson 1975), which adds the
    uncertainty of the grand mean; the variance components are treated as known.

    Returns one row per group (sorted): ``group``, ``n``, ``mean`` (raw), ``shrunken``, ``low``,
    ``high``, ``reliability``. If the components cannot be estimated those columns are NaN.
    """
    stats_ = _group_stats(frame, value, group)
    n_j = stats_["n"].to_numpy().astype(float)
    m_j = stats_["m"].to_numpy().astype(float).round(MEAN_DECIMALS)  # equal means rank equal
    tau, sigma2, mu, _ = _reml(n_j, m_j, float(stats_["ss"].sum()))
    with np.errstate(invalid="ignore", divide="ignore"):
        lam = tau / (tau + sigma2 / n_j)
        var_mu = 1.0 / float(np.sum(1.0 / (tau + sigma2 / n_j)))
        shrunk = mu + lam * (m_j - mu)
        pev = lam * sigma2 / n_j + (1 - lam) ** 2 * var_mu
        half = sps.norm.ppf(0.5 + ci / 2) * np.sqrt(pev)
    return pl.DataFrame(
        {
            group: stats_[group],
            "n": stats_["n"].cast(pl.Int64),
            "mean": m_j,
            "shrunken": shrunk,
            "low": shrunk - half,
            "high": shrunk + half,
            "reliability": lam,
        }
    )


# --- Within-group agreement: rwg, rwg(j), awg, AD_M ---------------------------------------


def _as_list(items: str | Sequence[str]) -> list[str]:
    return [items] if isinstance(items, str) else list(items)


def _per_group(frame: pl.DataFrame, items: list[str], group: str, *aggs: pl.Expr) -> pl.DataFrame:
    """Listwise-complete rows (all items and the group), aggregated per group, sorted."""
    data = frame.select(group, *items).drop_nulls().drop_nans()
    return data.group_by(group).agg(pl.len().alias("n"), *aggs).sort(group)


def _finish(out: pl.DataFrame, group: str, name: str, values: np.ndarray) -> pl.DataFrame:
    return pl.DataFrame(
        {group: out[group], name: values, "n": out["n"].cast(pl.Int64)}
    ).with_columns(pl.col(name).fill_nan(None))


def rwg(frame: pl.DataFrame, item: str, group: str, error_variance: float = 2.0) -> pl.DataFrame:
    """Within-group agreement r_wg on one item (James, Demaree & Wolf 1984).

    r_wg = 1 - s^2 / sigma^2_EU with s^2 the group's sample variance (n - 1) and sigma^2_EU the
    variance expected under no agreement, (A^2 - 1) / 12 for a uniform null on A options
    (2.0 for five options). When s^2 > sigma^2_EU the value is truncated to 0, as in
    ``multilevel::rwg``. Groups of one get null.

    Returns ``group``, ``rwg``, ``n`` per group, sorted by group.
    """
    out = _per_group(frame, [item], group, pl.col(item).var().alias("v"))
    v = out["v"].to_numpy().astype(float)
    values = np.where(
        out["n"].to_numpy() > 1, 1 - np.minimum(v, error_variance) / error_variance, np.nan
    )
    return _finish(out, group, "rwg", values)


def rwg_j(
    frame: pl.DataFrame, items: Sequence[str], group: str, error_variance: float = 2.0
) -> pl.DataFrame:
    """Multi-item agreement r_wg(j) (James, Demaree & Wolf 1984), as ``multilevel::rwg.j``.

    With J items and S the mean of the items' within-group variances (rows complete on all
    items) relative to sigma^2_EU, r_wg(j) = J (1 - S) / (J (1 - S) + S); S is capped at 1, so
    disagreement beyond random gives 0. Groups of one get null.

    Returns ``group``, ``rwg_j``, ``n`` per group, sorted by group.
    """
    items = _as_list(items)
    out = _per_group(
        frame, items, group, *(pl.col(c).var().alias(f"v{i}") for i, c in enumerate(items))
    )
    s = np.minimum(
        out.select(f"v{i}" for i in range(len(items))).to_numpy().astype(float).mean(axis=1),
        error_variance,
    )
    ratio = s / error_variance
    j = len(items)
    with np.errstate(invalid="ignore", divide="ignore"):
        values = j * (1 - ratio) / (j * (1 - ratio) + ratio)
    values = np.where(out["n"].to_numpy() > 1, values, np.nan)
    return _finish(out, group, "rwg_j", values)


def awg(
    frame: pl.DataFrame, items: str | Sequence[str], group: str, low: float, high: float
) -> pl.DataFrame:
    """Agreement a_wg (Brown & Hauenstein 2005), per item then averaged, as ``multilevel::awg``.

    For one item with group mean M, sample variance s^2 and k raters on the scale [L, H]:
    a_wg = 1 - 2 s^2 / (((H + L) M - M^2 - H L) k / (k - 1)), the observed variance relative to
    the largest variance possible at that mean. Following ``multilevel``, an item is left out
    (undefined) when M lies so close to a scale end that the maximum variance is not reachable,
    M < (L (k - 1) + H) / k or M > (H (k - 1) + L) / k, and counts as 1 when M equals L or H.
    The group value is the mean over the defined items; groups of one get null.

    Returns ``group``, ``awg``, ``n`` per group, sorted by group.
    """
    items = _as_list(items)
    out = _per_group(
        frame,
        items,
        group,
        *(pl.col(c).mean().alias(f"m{i}") for i, c in enumerate(items)),
        *(pl.col(c).var().alias(f"v{i}") for i, c in enumerate(items)),
    )
    m = out.select(f"m{i}" for i in range(len(items))).to_numpy().astype(float)
    v = out.select(f"v{i}" for i in range(len(items))).to_numpy().astype(float)
    k = out["n"].to_numpy().astype(float)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        a = 1 - 2 * v / (((high + low) * m - m**2 - high * low) * (k / (k - 1)))
        a = np.where((m < (low * (k - 1) + high) / k) | (m > (high * (k - 1) + low) / k), np.nan, a)
        a = np.where((m == high) | (m == low), 1.0, a)
        a = np.where(k > 1, a, np.nan)
        defined = np.isfinite(a)
        values = np.where(defined.any(axis=1), np.nansum(a, axis=1) / defined.sum(axis=1), np.nan)
    return _finish(out, group, "awg", values)


def ad_m(
    frame: pl.DataFrame, items: str | Sequence[str], group: str, center: str = "mean"
) -> pl.DataFrame:
    """Average deviation AD_M (Burke, Finkelstein & Dusig 1999), as ``multilevel::ad.m``.

    Per item, the mean absolute deviation of the group's answers from the group mean (or median
    with ``center="median"``), divided by n; the group value is the mean over items. Smaller is
    more agreement (A/6 is the usual practical cut-off for A options). Groups of one get null.

    Returns ``group``, ``ad_m``, ``n`` per group, sorted by group.
    """
    if center not in ("mean", "median"):
        raise ValueError(f"unknown center {center!r}: use 'mean' or 'median'")
    items = _as_list(items)

    def dev(c: str) -> pl.Expr:
        mid = pl.col(c).mean() if center == "mean" else pl.col(c).median()
        return (pl.col(c) - mid).abs().mean()

    out = _per_group(frame, items, group, *(dev(c).alias(f"d{i}") for i, c in enumerate(items)))
    d = out.select(f"d{i}" for i in range(len(items))).to_numpy().astype(float).mean(axis=1)
    values = np.where(out["n"].to_numpy() > 1, d, np.nan)
    return _finish(out, group, "ad_m", values)
