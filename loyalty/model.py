"""The chain as a model at the branch level: paths with intervals, drivers, expectations, lags.

Every function here takes the *suppressed* branch table of :mod:`loyalty.analysis`, so a branch
under the minimum group size has no engagement and drops out of every model that uses it
(nothing here can reveal its score). All results are branch-level associations in
observational data; the lag analysis says which way the evidence points, not that one causes
the other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.stats import norm

from loyalty import analysis, schema, stats

#: Branch size is the confounder the demo model builds in and the one every chain has:
#: the paths are adjusted for it.
COVARIATES: tuple[str, ...] = ("headcount",)

#: A smallest correlation that matters in practice (Cohen's "medium" effect is .3). With too
#: few branches even such an effect cannot be detected reliably; the app says so.
RELEVANT_R = 0.3


@dataclass(frozen=True)
class ChainModel:
    """Engagement -> loyalty -> return on sales, one row per branch (branch level)."""

    loyalty: str
    result: stats.MediationResult
    covariates: tuple[str, ...]
    level: str = "branch"


def chain_model(
    table: pl.DataFrame, loyalty: str = "nps", n_boot: int = 5000, seed: int = 0
) -> ChainModel:
    """Mediation engagement -> ``loyalty`` -> ``ros`` with OLS paths adjusted for branch size
    and a percentile-bootstrap interval for the indirect effect (:func:`stats.mediation`).

    a: +1 engagement point goes with +a loyalty points; b: +1 loyalty point goes with +b
    points return on sales at equal engagement; c': engagement's direct path; indirect = a*b.
    """
    result = stats.mediation(
        table, "engagement", loyalty, "ros", covariates=COVARIATES, n_boot=n_boot, seed=seed
    )
    return ChainModel(loyalty, result, COVARIATES)


#: ICC(2) from which branch means count as reliable (Bliese 2000), as on the Methods page.
RELIABLE_ICC2 = 0.70
#: How reliable branch means are, in words (``corrected.quality.<word>``): ICC(2) from .85,
#: from .70, from .50, below.
RELIABILITY_WORDS = ("high", "ok", "moderate", "low")


@dataclass(frozen=True)
class Corrected:
    """The links from engagement corrected for the reliability of branch means.

    ``links``: per link of the overview whose predictor is engagement (``schema.LINKS`` key),
    the latent-covariate model without covariates (compare with the observed r);
    ``a``, ``c``: the chain model's paths engagement -> loyalty and engagement -> return (total),
    adjusted for branch size like the chain model, on the chain model's branches.
    Branch level, on the branches with an engagement score (suppressed ones take no part).
    """

    loyalty: str
    links: dict[str, stats.LatentLinkResult]
    a: stats.LatentLinkResult
    c: stats.LatentLinkResult


def _latent(table: pl.DataFrame, y: str, covariates: tuple[str, ...] = ()):
    return stats.latent_link_groups(
        table, "n_respondents", "engagement", "engagement_sd", y, covariates=covariates
    )


def corrected_links(table: pl.DataFrame, loyalty: str = "nps") -> Corrected:
    """Each branch link from engagement, and the chain's paths a and c, on the *latent* branch
    mean of engagement (:func:`stats.latent_link_groups`, Croon & van Veldhoven 2007): a
    branch mean of a few answers is a noisy measure and pulls an observed link towards zero,
    the more so the lower the ICC(2). Uses only the branch table's n, mean and SD of the
    engagement answers (its sufficient statistics), so 10,000 branches cost well under a
    second."""
    shown = table.filter(pl.col("engagement").is_not_null())  # the branches the links use
    links = {
        key: _latent(shown, y.format(loyalty=loyalty))
        for key, x, y in schema.LINKS
        if x == "engagement"
    }
    chain = table.drop_nulls(["engagement", loyalty, "ros", *COVARIATES])
    return Corrected(
        loyalty=loyalty,
        links=links,
        a=_latent(chain, loyalty, COVARIATES),
        c=_latent(chain, "ros", COVARIATES),
    )


@dataclass(frozen=True)
class Power:
    """Can this many branches detect a relevant association (power .80, alpha .05)?"""

    n: int
    min_detectable_r: float
    enough: bool


def power(n: int) -> Power:
    """The smallest correlation ``n`` branches detect with power .80; ``enough`` when that is
    at most :data:`RELEVANT_R`."""
    if n < 4:
        return Power(n, float("nan"), False)
    r = float(stats.min_detectable_correlation(n))
    return Power(n, r, r <= RELEVANT_R)


def dimension_columns(table: pl.DataFrame) -> list[str]:
    return [c for c in table.columns if c.startswith("dim_")]


def drivers(
    table: pl.DataFrame, loyalty: str = "nps", n_boot: int = 2000, seed: int = 0
) -> pl.DataFrame:
    """Key drivers: relative weights (Johnson 2000) of the engagement dimensions for loyalty
    at the branch level, with bootstrap intervals, largest first. Adds ``dimension_id``."""
    dims = dimension_columns(table)
    weights = stats.relative_weights(table, dims, loyalty, n_boot=n_boot, seed=seed)
    return weights.with_columns(
        pl.col("predictor").str.strip_prefix("dim_").alias("dimension_id")
    ).sort("raw_weight", descending=True, nulls_last=True)


def expected_vs_actual(table: pl.DataFrame, loyalty: str = "nps") -> pl.DataFrame:
    """Each shown branch's loyalty against what its engagement predicts, and its return on
    sales against what its loyalty predicts (OLS, funnel limits at 95% and 99.8%).

    One row per branch: ``branch_id``, ``loyalty_expected``, ``loyalty_residual``,
    ``loyalty_outside`` ("above"/"below"/None at 95%), the same for ``ros_``.
    """
    parts = []
    for prefix, x, y in (("loyalty", "engagement", loyalty), ("ros", loyalty, "ros")):
        fit = stats.expected_vs_actual(table, x, y, "branch_id")
        parts.append(
            fit.select(
                "branch_id",
                pl.col("expected").alias(f"{prefix}_expected"),
                pl.col("residual").alias(f"{prefix}_residual"),
                pl.col("low_95").alias(f"{prefix}_low_95"),
                pl.col("high_95").alias(f"{prefix}_high_95"),
                pl.when(pl.col(y) > pl.col("high_95"))
                .then(pl.lit("above"))
                .when(pl.col(y) < pl.col("low_95"))
                .then(pl.lit("below"))
                .alias(f"{prefix}_outside"),
            )
        )
    return (
        table.select("branch_id")
        .join(parts[0], on="branch_id", how="left")
        .join(parts[1], on="branch_id", how="left")
    )


def lag_direction(table_all_waves: pl.DataFrame, loyalty: str = "nps") -> stats.LaggedEffects:
    """Cross-lagged regressions over consecutive waves within branches (branch fixed effects,
    cluster-robust by branch): does a change in engagement go before a change in loyalty
    beyond today's loyalty, and the other way round? Within branches, because a branch's
    stable level of engagement, measured with error, makes the pooled model find both
    directions (see :func:`stats.lagged_effects`); branch size is constant within a branch
    and so absorbed."""
    return stats.lagged_effects(
        table_all_waves,
        "branch_id",
        "wave_seq",
        "engagement",
        loyalty,
        covariates=COVARIATES,
        within=True,
    )


def engagement_estimates(
    respondents: pl.DataFrame,
    shown: pl.Series,
    n_draws: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
) -> pl.DataFrame:
    """Shrunken (empirical-Bayes) engagement per shown branch with its interval, and its rank
    (1 = highest) with an interval from draws of all branches' posterior at once.

    ``respondents`` is the employee-level frame of :func:`analysis.respondent_engagement` for
    one wave; only branches in ``shown`` (at or above the minimum group size) enter, so a
    hidden branch's answers neither appear nor move anyone's estimate. Ranks: ``n_draws``
    normal draws of every branch's shrunken value (its posterior SD from the interval), ranked
    per draw (vectorised), percentile interval of each branch's rank.
    """
    data = respondents.filter(pl.col("branch_id").is_in(shown.implode()))
    k = data["branch_id"].n_unique()
    est = stats.shrunken_means(data, "engagement", "branch_id", ci=ci) if k > 1 else None
    if est is None or est.height == 0:
        est = pl.DataFrame(
            schema={
                "branch_id": pl.String,
                "n": pl.Int64,
                **dict.fromkeys(("mean", "shrunken", "low", "high", "reliability"), pl.Float64),
            }
        )

        return est.with_columns(
            pl.lit(None, pl.Int64).alias(c) for c in ("rank", "rank_low", "rank_high")
        )
    z = float(norm.ppf(0.5 + ci / 2))
    centre = est["shrunken"].to_numpy()
    sd = (est["high"] - est["low"]).to_numpy() / (2 * z)
    point, low, high = stats.rank_intervals(centre, sd, n_draws, seed, ci)
    return est.with_columns(
        pl.Series("rank", point, pl.Int64),
        pl.Series("rank_low", low),
        pl.Series("rank_high", high),
    )


def peers(table: pl.DataFrame, branch_id: str, size_tolerance: float = 0.3) -> pl.DataFrame:
    """Peer group: the other branches of the same region *or* format whose headcount is within
    +/- ``size_tolerance`` of this branch's (at least 2 people either way)."""
    row = table.filter(pl.col("branch_id") == branch_id)
    if not row.height:
        return table.clear()
    region, fmt, size = row["region"][0], row["format"][0], row["headcount"][0]
    margin = max(2, round(size * size_tolerance))
    return table.filter(
        (pl.col("branch_id") != branch_id)
        & ((pl.col("region") == region) | (pl.col("format") == fmt))
        & pl.col("headcount").is_between(size - margin, size + margin)
    )


#: The columns of :func:`priorities`, also when it has no row.
PRIORITY_SCHEMA = {
    "dimension_id": pl.String,
    "gap": pl.Float64,
    "share": pl.Float64,
    "priority": pl.Float64,
}


def priorities(
    table: pl.DataFrame, branch_id: str, weights: pl.DataFrame, company: dict[str, float | None]
) -> pl.DataFrame:
    """The key drivers for one branch: each dimension's gap to the company (branch minus
    company, points on the 1–5 scale) next to the dimension's relative weight for loyalty;
    ``priority`` = shortfall x weight share, largest first; null where the weight could not be
    estimated. Empty when the branch is hidden."""
    row = table.filter(pl.col("branch_id") == branch_id)
    if not row.height or row["suppressed"][0]:
        return pl.DataFrame(schema=PRIORITY_SCHEMA)
    values = row.row(0, named=True)
    # a weight that could not be estimated (too few branches: NaN) is none, and so is the
    # priority it would give (NaN sorted first and counted as > 0: the first dimension was
    # suggested even where it lay above the company)
    share = {
        d: w
        for d, w in zip(weights["dimension_id"], weights["rescaled"], strict=True)
        if w is not None and math.isfinite(w)
    }
    rows = []
    for dim, value in company.items():
        mine = values.get(f"dim_{dim}")
        if mine is None or value is None:
            continue
        gap = mine - value
        weight = share.get(dim)
        rows.append(
            {
                "dimension_id": dim,
                "gap": gap,
                "share": weight,
                "priority": None if weight is None else max(0.0, -gap) * weight,
            }
        )
    return pl.DataFrame(rows, schema=PRIORITY_SCHEMA).sort(
        "priority", descending=True, nulls_last=True
    )


def peer_summary(peer_table: pl.DataFrame) -> dict[str, float | None]:
    """The peer group's figures as the company's are computed (engagement only from shown
    peers, respondent-weighted; NPS and retention pooled; return = profit / revenue)."""
    if not peer_table.height:
        return dict.fromkeys(("engagement", "nps", "retention", "ros"))
    bench = analysis.company_benchmark(peer_table)
    return {
        "engagement": bench.engagement,
        "nps": bench.nps,
        "retention": bench.retention,
        "ros": bench.ros,
    }


SELECTIONS = ("bottom_quartile", "region", "format", "branches", "all")
# The simulator's first question: the bottom quartile raised by 0.3 points (rule, values, delta).
WHAT_IF_DEFAULT: tuple[str, tuple[str, ...], float] = (SELECTIONS[0], (), 0.3)
#: The rises in engagement the what-if offers (points on the 1–5 scale), one decimal each.
WHAT_IF_STEPS: tuple[float, ...] = tuple(round(0.1 * k, 1) for k in range(1, 11))


def select_branches(table: pl.DataFrame, rule: str, values: tuple[str, ...] = ()) -> pl.DataFrame:
    """The branches a what-if applies to: ``bottom_quartile`` of engagement (shown branches),
    a ``region`` or ``format`` (``values``), hand-picked ``branches`` (ids) or ``all``."""
    if rule == "bottom_quartile":
        shown = table.filter(pl.col("engagement").is_not_null())
        if shown.is_empty():  # no quartile of nothing (a scope with every branch hidden)
            return shown
        q1 = shown["engagement"].quantile(0.25, "linear")
        return shown.filter(pl.col("engagement") <= q1)
    if rule == "region":
        return table.filter(pl.col("region").is_in(values))
    if rule == "format":
        return table.filter(pl.col("format").is_in(values))
    if rule == "branches":
        return table.filter(pl.col("branch_id").is_in(values))
    if rule == "all":
        return table
    raise ValueError(f"unknown selection {rule!r}: use one of {SELECTIONS}")


@dataclass(frozen=True)
class WhatIf:
    """Expected changes if the selected branches' engagement rose by ``delta`` points."""

    delta: float
    n_branches: int  # simulated
    n_left_out: int  # selected but without an engagement score (fewer than the minimum)
    mean_delta: float  # after capping at the top of the scale
    loyalty: str
    loyalty_change: float  # mean per simulated branch, loyalty points
    loyalty_ci: tuple[float, float]
    ros_change: float  # mean per simulated branch, percentage points
    ros_ci: tuple[float, float]
    profit_change: float  # euros per period, all simulated branches together
    profit_ci: tuple[float, float]
    revenue: float
    n_boot: int
    n_model: int  # branches the model was fitted on
    per_branch: pl.DataFrame


@dataclass(frozen=True)
class Paths:
    """What every what-if of one table reads: the chain model's paths (no interval) and
    their bootstrap draws (rows: resamples; columns as :func:`stats.path_draws`)."""

    result: stats.MediationResult
    draws: np.ndarray


def what_if_paths(
    table: pl.DataFrame, loyalty: str = "nps", n_boot: int = 2000, seed: int = 0
) -> Paths:
    """The paths a what-if of ``table`` reads, whatever the branches and the step: computed
    once, they serve every move of the slider."""
    draws = stats.path_draws(
        table, "engagement", loyalty, "ros", covariates=COVARIATES, n_boot=n_boot, seed=seed
    )
    return Paths(
        chain_model(table, loyalty, n_boot=0).result, draws[np.isfinite(draws).all(axis=1)]
    )


def what_if(
    table: pl.DataFrame,
    selected: pl.DataFrame,
    delta: float,
    loyalty: str = "nps",
    scale_max: float = 5.0,
    n_boot: int = 2000,
    seed: int = 0,
    ci: float = 0.95,
    paths: Paths | None = None,
) -> WhatIf:
    """Raise engagement of ``selected`` branches by ``delta`` (capped at ``scale_max``) and
    read off the chain model (:func:`chain_model`, adjusted for branch size): loyalty moves
    by a * delta, return on sales by the total path c * delta, operating profit by
    revenue * c * delta / 100 per branch. Intervals: percentile bootstrap over the same
    resamples of branches for every quantity (:func:`stats.path_draws`), so the total's
    interval carries the uncertainty of the paths, not only of a sum.

    Branches without an engagement score (fewer answers than the minimum) are left out and
    counted: a what-if needs their level, which must not be shown or used. ``paths``: those
    of :func:`what_if_paths` for the same table, measure, ``n_boot`` and ``seed``, if known.
    """
    chosen = selected.filter(pl.col("engagement").is_not_null() & pl.col("revenue").is_not_null())
    steps = np.clip(np.minimum(delta, scale_max - chosen["engagement"].to_numpy()), 0, None)
    revenue = chosen["revenue"].to_numpy().astype(float)
    paths = paths or what_if_paths(table, loyalty, n_boot, seed)
    result, draws = paths.result, paths.draws
    mean_step = float(steps.mean()) if steps.size else 0.0
    weighted = float(revenue @ steps) / 100

    def interval(values: np.ndarray) -> tuple[float, float]:
        return stats.percentile_interval(values, ci)

    # per branch the change is its own factor times a path, so its interval is that factor
    # times the path's bootstrap interval (same resamples as the totals)
    c_low, c_high = interval(draws[:, 3])
    a_low, a_high = interval(draws[:, 0])
    factor = revenue * steps / 100
    per_branch = chosen.select("branch_id", "name", "engagement", "revenue").with_columns(
        pl.Series("step", steps),
        pl.Series("loyalty_change", result.a * steps),
        pl.Series("loyalty_low", a_low * steps),
        pl.Series("loyalty_high", a_high * steps),
        pl.Series("ros_change", result.c * steps),
        pl.Series("profit_change", result.c * factor),
        pl.Series("profit_low", c_low * factor),
        pl.Series("profit_high", c_high * factor),
    )
    return WhatIf(
        delta=delta,
        n_branches=chosen.height,
        n_left_out=selected.height - chosen.height,
        mean_delta=mean_step,
        loyalty=loyalty,
        loyalty_change=result.a * mean_step,
        loyalty_ci=interval(draws[:, 0] * mean_step),
        ros_change=result.c * mean_step,
        ros_ci=interval(draws[:, 3] * mean_step),
        profit_change=result.c * weighted,
        profit_ci=interval(draws[:, 3] * weighted),
        revenue=float(revenue.sum()),
        n_boot=int(draws.shape[0]),
        n_model=result.n,
        per_branch=per_branch,
    )


def closest_peers(peer_table: pl.DataFrame, headcount: int, k: int = 3) -> list[str]:
    """The ``k`` peers closest in size (ties by id), for a comparison."""
    if not peer_table.height:
        return []
    return (
        peer_table.with_columns((pl.col("headcount") - headcount).abs().alias("_d"))
        .sort("_d", "branch_id")
        .head(k)["branch_id"]
        .to_list()
    )
