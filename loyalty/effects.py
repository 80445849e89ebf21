"""The measured effect of actions: branches with an action against comparable branches without.

For every action carried out (status running or done) the *pre* wave is the last survey wave
that ended before it started, and wave *k* after it is the k-th wave after that (k = 1: the
wave in which the action started). A branch's change from the pre wave to wave k is compared
with the change of comparable branches that had not started any action by wave k (same
region, format and size band as indicators; the same pre-action level of the outcome, of the
targeted dimension and of engagement as covariates), one stack per start cohort and dimension
(:func:`loyalty.stats.differences.did`). A branch counts with its first action; a branch whose first
action was dropped is left out of both sides from then on; planned actions have not started.

Confidentiality: the inputs are the suppressed branch table (:func:`loyalty.analysis.branch_table`),
so a branch with fewer respondents than the minimum in either wave has no engagement there and
is left out of every outcome (its pre-level is a covariate of each) — no hidden score
contributes to a shown estimate. Actions are not randomised: the estimate is a comparison,
not proof (the page and the story say so).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from loyalty import access, actions, analysis
from loyalty.actions import CARRIED_OUT
from loyalty.stats.differences import DidResult, did_many

#: Outcomes, in the order tables show them; "dimension" is the dimension each action targets.
OUTCOMES = ("dimension", "engagement", "nps", "retention", "ros")
#: Decimals per outcome on screen.
DIGITS = {"dimension": 2, "engagement": 2, "nps": 1, "retention": 1, "ros": 1}
STRATA = ("region", "format", "size_band", "stack")


def size_bands(branches: pl.DataFrame) -> pl.DataFrame:
    """``branch_id`` → ``size_band`` (thirds of the company by headcount: small/medium/large)."""
    share = pl.col("headcount").rank("ordinal") / pl.len()
    return branches.select(
        "branch_id",
        pl.when(share <= 1 / 3)
        .then(pl.lit("small"))
        .when(share <= 2 / 3)
        .then(pl.lit("medium"))
        .otherwise(pl.lit("large"))
        .alias("size_band"),
    )


def first_actions(exposures: pl.DataFrame, waves: pl.DataFrame) -> pl.DataFrame:
    """Per branch its first started action (not planned): ``branch_id``, ``dimension_id``,
    ``status``, ``pre_seq`` (seq of the last wave ending before the start, null if none) and
    ``start_seq`` (seq of the first wave ending on or after the start; null: after the last
    wave)."""
    started = exposures.filter(pl.col("status") != "planned").sort("start_date", "action_id")
    spans = waves.select("seq", "end_date").sort("seq")
    ends = spans["end_date"].to_list()
    seqs = spans["seq"].to_list()

    def pre(day) -> int | None:
        before = [s for s, e in zip(seqs, ends, strict=True) if e < day]
        return before[-1] if before else None

    def start(day) -> int | None:
        after = [s for s, e in zip(seqs, ends, strict=True) if e >= day]
        return after[0] if after else None

    first = started.group_by("branch_id", maintain_order=True).first()
    return first.with_columns(
        pl.col("start_date").map_elements(pre, return_dtype=pl.Int64).alias("pre_seq"),
        pl.col("start_date").map_elements(start, return_dtype=pl.Int64).alias("start_seq"),
    ).select("branch_id", "action_id", "dimension_id", "status", "pre_seq", "start_seq")


def stacked(
    table: pl.DataFrame, exposures: pl.DataFrame, waves: pl.DataFrame, horizon: int
) -> pl.DataFrame:
    """One row per (stack, branch) for waves ``horizon`` after the pre wave: ``stack``
    (dimension and pre wave), ``dimension_id``, ``treated``, for each outcome its pre-level
    ``<outcome>_pre`` and change ``<outcome>_change``, the targeted dimension's pre-level
    ``target_pre`` and engagement's ``engagement_pre``; strata columns."""
    dims = [c for c in table.columns if c.startswith("dim_")]
    values = ["engagement", "nps", "retention", "ros", *dims]
    panel = table.select("branch_id", "wave_seq", *values)
    first = first_actions(exposures, waves)
    master = table.select("branch_id", "region", "format", "headcount").unique("branch_id")
    master = master.sort("branch_id")  # the same rows in the same order on every run
    info = master.drop("headcount").join(size_bands(master), on="branch_id")
    stacks = (
        first.filter(pl.col("status").is_in(CARRIED_OUT), pl.col("pre_seq").is_not_null())
        .select("dimension_id", "pre_seq")
        .unique()
        .sort("pre_seq", "dimension_id")
    )
    parts = []
    for dimension_id, pre_seq in stacks.iter_rows():
        post_seq = pre_seq + horizon
        column = f"dim_{dimension_id}"
        if column not in dims:
            continue
        treated = first.filter(
            pl.col("dimension_id") == dimension_id,
            pl.col("pre_seq") == pre_seq,
            pl.col("status").is_in(CARRIED_OUT),
        ).select("branch_id", pl.lit(1).alias("treated"))
        not_yet = first.filter(pl.col("start_seq").is_null() | (pl.col("start_seq") > post_seq))
        never = info.join(first, on="branch_id", how="anti").select("branch_id")
        controls = pl.concat([never, not_yet.select("branch_id")]).select(
            "branch_id", pl.lit(0).alias("treated")
        )
        rows = pl.concat([treated, controls])
        pre = panel.filter(pl.col("wave_seq") == pre_seq).drop("wave_seq")
        post = panel.filter(pl.col("wave_seq") == post_seq).drop("wave_seq")
        if not post.height:
            continue
        both = rows.join(pre, on="branch_id").join(post, on="branch_id", suffix="_post")
        parts.append(
            both.select(
                "branch_id",
                "treated",
                pl.lit(f"{dimension_id}@{pre_seq}").alias("stack"),
                pl.lit(dimension_id).alias("dimension_id"),
                pl.col(column).alias("target_pre"),
                pl.col("engagement").alias("engagement_pre"),
                (pl.col(f"{column}_post") - pl.col(column)).alias("dimension_change"),
                pl.col(column).alias("dimension_pre"),
                *(
                    (pl.col(f"{v}_post") - pl.col(v)).alias(f"{v}_change")
                    for v in ("engagement", "nps", "retention", "ros")
                ),
                *(pl.col(v).alias(f"{v}_pre") for v in ("nps", "retention", "ros")),
            ).join(info, on="branch_id")
        )
    if not parts:
        return pl.DataFrame()
    return pl.concat(parts).sort("stack", "branch_id")  # joins need not keep row order


@dataclass(frozen=True)
class Effects:
    """The effect table for one horizon: one row per group (``all`` or a dimension) and
    outcome with the estimate, interval, naive before/after change and n of each side."""

    horizon: int
    table: pl.DataFrame
    n_boot: int


def estimate(
    table: pl.DataFrame,
    exposures: pl.DataFrame,
    waves: pl.DataFrame,
    horizon: int = 1,
    n_boot: int = 2000,
    seed: int = 0,
) -> Effects:
    """Effects per group (every action: ``all``; each targeted dimension) and outcome at
    ``horizon`` waves after the pre wave. ``table``: the suppressed branch table of all waves
    (the viewer's branches); ``exposures``: :func:`loyalty.actions.exposures` of those
    branches; ``waves``: ``wave``, ``seq``, ``end_date``."""
    rows = stacked(table, exposures, waves, horizon)
    out = []
    if rows.height:
        groups = ["all", *sorted(rows["dimension_id"].unique().to_list())]
        for group in groups:
            part = rows if group == "all" else rows.filter(pl.col("dimension_id") == group)
            outcomes = [
                (f"{o}_change", list(dict.fromkeys([f"{o}_pre", "target_pre", "engagement_pre"])))
                for o in OUTCOMES
            ]
            results = did_many(
                part, outcomes, "treated", strata=list(STRATA), n_boot=n_boot, seed=seed
            )
            out += [_row(group, o, res) for o, res in zip(OUTCOMES, results, strict=True)]
    schema = {
        "group": pl.String,
        "outcome": pl.String,
        "estimate": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
        "naive": pl.Float64,
        "naive_low": pl.Float64,
        "naive_high": pl.Float64,
        "n_treated": pl.Int64,
        "n_control": pl.Int64,
        "enough": pl.Boolean,
    }
    return Effects(horizon, pl.DataFrame(out, schema=schema, orient="row"), n_boot)


def _row(group: str, outcome: str, res: DidResult) -> tuple:
    def clean(x: float) -> float | None:
        return None if x != x else x  # NaN → null

    return (
        group,
        outcome,
        clean(res.estimate),
        clean(res.ci[0]),
        clean(res.ci[1]),
        clean(res.naive),
        clean(res.naive_ci[0]),
        clean(res.naive_ci[1]),
        res.n_treated,
        res.n_control,
        res.enough,
    )


def horizons(exposures: pl.DataFrame, waves: pl.DataFrame) -> list[int]:
    """The horizons with at least one carried-out action that has a pre wave and a wave that
    many waves later."""
    first = first_actions(exposures, waves).filter(
        pl.col("status").is_in(CARRIED_OUT), pl.col("pre_seq").is_not_null()
    )
    if not first.height:
        return []
    last = int(waves["seq"].max())
    return list(range(1, last - int(first["pre_seq"].min()) + 1))


def wave_spans(store) -> pl.DataFrame:
    """``wave``, ``seq``, ``end_date`` of every wave, in order (when each wave ended)."""
    return store.sql("SELECT wave, seq, end_date FROM waves ORDER BY seq")


@dataclass(frozen=True)
class Summary:
    """What the story tells about actions: how many per status, the effects in the wave an
    action started (``first``) and a wave later (``later``, where loyalty shows it)."""

    counts: dict[str, int]
    first: Effects | None
    later: Effects | None
    dimensions: pl.DataFrame


def visible_exposures(exposures: pl.DataFrame, scope: frozenset[str] | None) -> pl.DataFrame:
    if scope is None:
        return exposures
    return exposures.filter(pl.col("branch_id").is_in(sorted(scope)))


def summary(
    table: pl.DataFrame,
    exposures: pl.DataFrame,
    counts: dict[str, int],
    waves: pl.DataFrame,
    dimensions: pl.DataFrame,
    n_boot: int = 2000,
) -> Summary:
    """The :class:`Summary` from the viewer's branch table (all waves) and exposures."""
    found = horizons(exposures, waves)
    first = estimate(table, exposures, waves, 1, n_boot) if 1 in found else None
    later = estimate(table, exposures, waves, 2, n_boot) if 2 in found else None
    return Summary(counts, first, later, dimensions)


def summary_of(store, scope: frozenset[str] | None = None, n_boot: int = 2000) -> Summary:
    """:func:`summary` read from the store (the report's path; the app uses its caches)."""
    table = access.visible(analysis.branch_table(store, None), scope)
    current = actions.current(store, scope)
    counts = dict(current.group_by("status").len().iter_rows())
    return summary(
        table,
        visible_exposures(actions.exposures(store), scope),
        counts,
        wave_spans(store),
        analysis.dimensions(store),
        n_boot,
    )
