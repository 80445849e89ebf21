"""Methods & data quality: may branch means stand for their employees, do the scales hold?

Employee-level statistics (ICC, reliability) describe the respondents of a wave together and no
single group; like every figure shown they stand only on the branches shown, those at or above
the minimum group size: with a hidden branch's answers in them, its mean and spread would
follow from them and the shown branches' figures (the REML mean is a weighted mean over every
branch, the ANOVA's within sum of squares a sum over every branch). Agreement within branches
(r_wg(j)) is reported only as a distribution over those branches, never per branch.

Interpretation bands are the usual ones from the literature and are named where used:
ICC(1) (LeBreton & Senter 2008: .01 small, .10 medium, .25 large), ICC(2) and mean group
reliability (.70 as the usual threshold for reliable group means, Bliese 2000), r_wg(j)
(LeBreton & Senter 2008: < .30 lack of agreement, .30–.50 weak, .51–.70 moderate, .71–.90
strong, > .90 very strong) and Cronbach's alpha / omega (George & Mallery 2003: ≥ .9
excellent, ≥ .8 good, ≥ .7 acceptable, ≥ .6 questionable, ≥ .5 poor, else unacceptable).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from loyalty import analysis, confidentiality, stats
from loyalty.store import Store

ICC1_BANDS = ((0.25, "large"), (0.10, "medium"), (0.01, "small"), (float("-inf"), "none"))
RELIABILITY_BANDS = ((0.70, "reliable"), (float("-inf"), "unreliable"))
RWG_BANDS = (
    (0.90, "very_strong"),
    (0.70, "strong"),
    (0.50, "moderate"),
    (0.30, "weak"),
    (float("-inf"), "lack"),
)
ALPHA_BANDS = (
    (0.9, "excellent"),
    (0.8, "good"),
    (0.7, "acceptable"),
    (0.6, "questionable"),
    (0.5, "poor"),
    (float("-inf"), "unacceptable"),
)


def band(value: float | None, bands: tuple[tuple[float, str], ...]) -> str | None:
    """The name of the first band whose lower limit ``value`` reaches (None for no value)."""
    if value is None or not analysis.finite(value):
        return None
    return next(name for limit, name in bands if value > limit or limit == float("-inf"))


def _items(store: Store) -> pl.DataFrame:
    return store.sql(
        "SELECT item_id, dimension_id, scale_min, scale_max, reverse FROM items "
        "WHERE in_index ORDER BY seq"
    )


def _respondent_items(store: Store, wave: str) -> pl.DataFrame:
    """Row level, private: one row per respondent with a column per index item (reverse-keyed
    items recoded). Used only for statistics over the respondents of the shown branches
    (:func:`_shown`)."""
    long = store.sql(
        """
        SELECT r.branch_id, s.response_id, s.item_id,
               CASE WHEN i.reverse THEN i.scale_min + i.scale_max - s.score
                    ELSE s.score END AS v
        FROM active_scores s
        JOIN active_responses r USING (response_id)
        JOIN items i USING (item_id)
        WHERE i.in_index AND r.wave = ?
        """,
        [wave],
    )
    return long.pivot(on="item_id", index=["branch_id", "response_id"], values="v")


@dataclass(frozen=True)
class Aggregation:
    """May the branch mean stand for its employees? (employee level, one wave)"""

    icc: stats.IccResult
    icc_mixed: stats.IccMixedResult
    rwg_median: float
    n_branches_rwg: int
    rwg_share_strong: float


def aggregation(store: Store, wave: str, min_size: int | None = None) -> Aggregation:
    """ICC(1)/ICC(2) (one-way ANOVA, as ``multilevel``), the REML ICC with mean group
    reliability, and the distribution of r_wg(j) over the index items (uniform null,
    sigma^2_EU = (A^2 - 1)/12), each over the branches shown (at least the minimum group
    size; :func:`_shown`)."""
    items, wide = _items(store), _respondent_items(store, wave)
    counted, _wide, asked = _shown(items, wide, min_size)
    return _aggregation(counted, _rwg_values(items, counted, asked))


def _counted(items: pl.DataFrame, wide: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """The respondents of ``wide`` (one wave) the engagement figures count, with each one's
    index (``engagement``), and the index items of the dimensions the wave asked: as
    :func:`loyalty.analysis.respondent_engagement` decides in SQL (an answer in every
    dimension that at least :data:`loyalty.confidentiality.ASKED_SHARE` of the respondents
    answered)."""
    means, asked_items = [], []
    for (dimension,), part in items.group_by("dimension_id", maintain_order=True):
        cols = [c for c in part["item_id"].to_list() if c in wide.columns]
        if not cols:
            continue
        mean = pl.mean_horizontal(cols)
        if (
            wide.select(mean.is_not_null().sum()).item()
            >= confidentiality.ASKED_SHARE * wide.height
        ):
            means.append(mean.alias(f"dim_{dimension}"))
            asked_items += cols
    if not means:
        return wide.clear().with_columns(pl.lit(None, pl.Float64).alias("engagement")), []
    every = pl.all_horizontal(m.is_not_null() for m in means)
    counted = wide.filter(every).with_columns(pl.mean_horizontal(means).alias("engagement"))
    return counted, asked_items


def _shown(
    items: pl.DataFrame, wide: pl.DataFrame, min_size: int | None
) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """(the counted respondents, every respondent, the asked index items), each limited to the
    branches the branch table shows: at least the minimum of counted respondents (as
    :func:`loyalty.analysis.branch_table` counts them). Which dimensions the wave asked is
    decided over every respondent, as the branch table decides it."""
    counted, asked = _counted(items, wide)
    sizes = counted.group_by("branch_id").len()
    shown = sizes.filter(confidentiality.shown(pl.col("len"), min_size))["branch_id"]
    keep = pl.col("branch_id").is_in(shown.implode())
    return counted.filter(keep), wide.filter(keep), asked


def _aggregation(resp: pl.DataFrame, rwg: pl.Series) -> Aggregation:
    return Aggregation(
        icc=stats.icc(resp, "engagement", "branch_id"),
        icc_mixed=stats.icc_mixed(resp, "engagement", "branch_id"),
        rwg_median=float(rwg.median()) if rwg.len() else float("nan"),
        n_branches_rwg=rwg.len(),
        rwg_share_strong=float((rwg > 0.70).mean()) if rwg.len() else float("nan"),
    )


def rwg_values(store: Store, wave: str, min_size: int | None = None) -> pl.Series:
    """The r_wg(j) values of the branches at or above the minimum, sorted (for a histogram:
    no branch id attached)."""
    items = _items(store)
    counted, _wide, asked = _shown(items, _respondent_items(store, wave), min_size)
    return _rwg_values(items, counted, asked)


def _rwg_values(items: pl.DataFrame, wide: pl.DataFrame, asked: list[str]) -> pl.Series:
    """Over the respondents the engagement figures count in the branches shown (``wide`` and
    ``asked``: what :func:`_shown` gives), on the items of the dimensions the wave asked."""
    if not asked or wide.is_empty():
        return pl.Series("rwg_j", [], pl.Float64)
    options = int(items["scale_max"].max() - items["scale_min"].min() + 1)
    values = stats.rwg_j(wide, asked, "branch_id", error_variance=(options**2 - 1) / 12)["rwg_j"]
    return values.drop_nulls().sort()


def reliability(store: Store, wave: str, min_size: int | None = None) -> pl.DataFrame:
    """Cronbach's alpha (pairwise, as ``psych::alpha``, with Feldt's interval) and omega total
    (one-factor ML) per dimension and for the whole index, employee level, over the
    respondents of the branches shown (:func:`_shown`). Reverse-keyed items are recoded. Only
    the dimensions the wave asked (:func:`_counted`), as in the index."""
    items = _items(store)
    _counted_shown, wide, asked = _shown(items, _respondent_items(store, wave), min_size)
    return _reliability(items, wide, asked, analysis.dimensions(store))


def _reliability(
    items: pl.DataFrame, wide: pl.DataFrame, asked: list[str], dims: pl.DataFrame
) -> pl.DataFrame:
    """Over every respondent of ``wide`` (pairwise), on the items ``asked`` (:func:`_counted`)."""
    rows = []
    items = items.filter(pl.col("item_id").is_in(asked))
    groups = [
        (row["dimension_id"], items.filter(pl.col("dimension_id") == row["dimension_id"]))
        for row in dims.iter_rows(named=True)
        if row["dimension_id"] in items["dimension_id"]
    ]
    groups.append(("index", items))
    for dimension_id, part in groups:
        cols = part["item_id"].to_list()
        alpha = stats.cronbach_alpha(wide, cols)
        omega = stats.omega(wide, cols) if len(cols) >= 3 else None
        rows.append(
            {
                "dimension_id": dimension_id,
                "n_items": len(cols),
                "n": alpha.n,
                "alpha": alpha.alpha,
                "alpha_low": alpha.alpha_ci[0],
                "alpha_high": alpha.alpha_ci[1],
                "std_alpha": alpha.std_alpha,
                "omega": omega.omega if omega else None,
                "band": band(alpha.alpha, ALPHA_BANDS),
            }
        )
    return pl.DataFrame(rows)


def data_quality(
    store: Store, wave: str, min_size: int | None = None
) -> tuple[Aggregation, pl.Series, pl.DataFrame]:
    """The Methods page's employee-level figures for one wave — aggregation checks, the r_wg(j)
    values, reliability — from one read of the respondents' item answers, each over the
    branches shown (:func:`_shown`)."""
    items = _items(store)
    # once: the three stand on the same respondents
    counted, wide, asked = _shown(items, _respondent_items(store, wave), min_size)
    rwg = _rwg_values(items, counted, asked)
    return (
        _aggregation(counted, rwg),
        rwg,
        _reliability(items, wide, asked, analysis.dimensions(store)),
    )


def has_answers(store: Store, wave: str) -> bool:
    """Whether the wave's individual answers are still there (not purged after the retention
    period): employee-level statistics need them."""
    return bool(
        store.sql("SELECT count(*) AS n FROM active_responses WHERE wave = ?", [wave])["n"][0]
    )


def response_counts(
    store: Store,
    tables: Mapping[str, pl.DataFrame] | None = None,
    min_size: int | None = None,
) -> pl.DataFrame:
    """Per wave: respondents, headcount, response rate, branches with answers, and from the
    wave's branch table (``tables``: wave → :func:`loyalty.analysis.branch_table`, read from
    the store if not given) the respondents counted in its engagement figures (``counted``:
    with an answer in every index dimension) and the branches shown (at least the minimum
    group size of them). A wave whose answers were purged (``purged``) gives the responses its
    active version held (the import's row count) and the rest from the branch figures its
    purge saved, which its pages still show; they hold only branches with counted answers."""
    minimum = confidentiality.minimum(min_size)
    counts = store.sql(
        """
        WITH per_branch AS (
            SELECT wave, branch_id, count(*) AS n FROM active_responses GROUP BY wave, branch_id
        ),
        held AS (
            SELECT wave, sum(row_count) AS held FROM imports
            WHERE kind = 'engagement' AND active AND purged_at IS NOT NULL
              AND deleted_at IS NULL  -- and with the figures its purge saved
              AND EXISTS (SELECT 1 FROM branch_aggregates a WHERE a.import_id = imports.import_id)
            GROUP BY wave
        )
        SELECT w.wave, w.seq,
               (coalesce(sum(p.n), 0) + coalesce(max(h.held), 0))::BIGINT AS respondents,
               (SELECT sum(headcount) FROM branches)::BIGINT AS headcount,
               count(p.branch_id) AS branches_with_answers,
               max(h.held) IS NOT NULL AS purged
        FROM waves w LEFT JOIN per_branch p USING (wave) LEFT JOIN held h USING (wave)
        GROUP BY w.wave, w.seq ORDER BY w.seq
        """
    )
    if tables is None:
        tables = {w: analysis.branch_table(store, w) for w in counts["wave"]}
    counted = pl.DataFrame(
        [
            (
                w,
                int(t["n_respondents"].sum()),
                int((t["n_respondents"] >= minimum).sum()),
                int((t["n_respondents"] > 0).sum()),
            )
            for w, t in tables.items()
        ],
        schema={
            "wave": pl.String,
            "counted": pl.Int64,
            "branches_shown": pl.Int64,
            "saved_with_answers": pl.Int64,
        },
        orient="row",
    )
    answered = pl.col("respondents") > 0
    return (
        counts.join(counted, on="wave", how="left")
        .with_columns(
            *(
                pl.when(answered).then(pl.col(c)).otherwise(0).fill_null(0).alias(c)
                for c in ("counted", "branches_shown")
            ),
            pl.when("purged")
            .then(pl.col("saved_with_answers").fill_null(0))
            .otherwise(pl.col("branches_with_answers"))
            .alias("branches_with_answers"),
        )
        .select(
            "wave",
            "seq",
            "respondents",
            "headcount",
            "branches_with_answers",
            "counted",
            "branches_shown",
            "purged",
        )
    ).with_columns((100 * pl.col("respondents") / pl.col("headcount")).alias("response_rate"))
