"""The effect of actions, validated on the demo generator's known truth: branches self-select
into actions because they scored low, and the estimate must not sell the rebound as success."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from loyalty import actions, actions_view, analysis, demo, effects
from loyalty.store import Store

ITEM_DIM = pl.DataFrame(
    {
        "item_id": [i[0] for i in demo.ITEMS],
        "dimension_id": [i[1] for i in demo.ITEMS],
        "reverse": [i[4] for i in demo.ITEMS],
    }  # fmt: skip
)


def _dimension_means(data: demo.DemoData) -> pl.DataFrame:
    return (
        data.scores.join(ITEM_DIM, on="item_id")
        .join(data.responses.select("response_id", "wave", "branch_id"), on="response_id")
        .with_columns(
            pl.when(pl.col("reverse"))
            .then(6 - pl.col("score"))
            .otherwise(pl.col("score"))
            .alias("v")  # fmt: skip
        )
        .group_by("branch_id", "wave", "dimension_id")
        .agg(pl.col("v").mean())
    )


@pytest.fixture(scope="module")
def simulation(tmp_path_factory):
    """A larger chain with actions (true effect +0.30 on the targeted dimension's latent
    level) and the same chain without any effect: same draws, same branches choosing."""
    params = demo.DemoParams(n_branches=500, seed=18)
    data = demo.generate(params)
    without = demo.generate(dataclasses.replace(params, action_effect=0.0))
    store = Store(tmp_path_factory.mktemp("sim") / "sim.duckdb")
    demo.seed_store(store, data)
    yield data, without, store
    store.close()


def _inputs(store: Store):
    waves = store.sql("SELECT wave, seq, end_date FROM waves")
    return analysis.branch_table(store, None), actions.exposures(store), waves


def test_the_generator_self_selects_low_scorers_into_actions(simulation):
    data, without, _ = simulation
    assert data.actions.equals(without.actions)  # who acts does not depend on the effect
    assert set(data.actions["status"]) == set(actions.STATUSES)
    means = _dimension_means(data)
    first = data.actions.explode("branch_ids").rename({"branch_ids": "branch_id"})
    waves = data.waves["wave"].to_list()
    # each action's dimension in the wave before it started, against the company's mean
    starts = first.filter(pl.col("status") != "planned").with_columns(
        pl.col("start_date")
        .dt.year()
        .cast(pl.String)
        .add(
            pl.when(pl.col("start_date").dt.month() <= 6)
            .then(pl.lit("-H1"))
            .otherwise(pl.lit("-H2"))
        )
        .alias("start_wave")  # fmt: skip
    )
    pre = starts.with_columns(
        pl.col("start_wave")
        .replace_strict(dict(zip(waves[1:], waves[:-1], strict=True)))
        .alias("wave")  # fmt: skip
    ).join(means, on=["branch_id", "wave", "dimension_id"])
    company = means.group_by("wave", "dimension_id").agg(pl.col("v").mean().alias("company"))
    gap = pre.join(company, on=["wave", "dimension_id"]).select(pl.col("v") - pl.col("company"))
    assert gap.to_series().mean() < -0.2  # they acted because they scored low


def test_the_estimate_recovers_the_known_effect_and_naive_before_after_does_not(simulation):
    data, without, store = simulation
    table, exposures, waves = _inputs(store)
    result = effects.estimate(table, exposures, waves, horizon=1, n_boot=1000)
    rows = effects.stacked(table, exposures, waves, 1).filter(
        pl.col("treated") == 1, pl.col("dimension_change").is_not_null()
    )
    seq = dict(zip(waves["seq"], waves["wave"], strict=True))
    post = rows.with_columns(
        pl.col("stack")
        .str.split("@")
        .list.get(1)
        .cast(pl.Int64)
        .add(1)
        .replace_strict(seq)
        .alias("wave")  # fmt: skip
    ).select("branch_id", "wave", "dimension_id")
    effect = (
        post.join(_dimension_means(data), on=["branch_id", "wave", "dimension_id"])
        .join(_dimension_means(without), on=["branch_id", "wave", "dimension_id"], suffix="_0")
        .select(pl.col("v") - pl.col("v_0"))
        .to_series()
    )
    truth = effect.mean()  # the true effect on the answers of exactly these branches
    assert 0.2 < truth < 0.31  # the latent +0.30, a little less after rounding to 1-5
    table_ = result.table
    for outcome, true in (("dimension", truth), ("engagement", truth / 4)):
        row = table_.filter(pl.col("group") == "all", pl.col("outcome") == outcome).row(
            0, named=True
        )
        assert row["enough"] and row["n_treated"] >= 60 and row["n_control"] >= 300
        assert row["ci_low"] <= true <= row["ci_high"], (outcome, row, true)
        # before/after of the branches alone: their low score was partly bad luck
        assert row["naive_low"] > true, (outcome, row, true)


def test_without_an_effect_the_estimate_finds_none(simulation, tmp_path):
    _, without, _ = simulation
    store = Store(tmp_path / "null.duckdb")
    demo.seed_store(store, without)
    table, exposures, waves = _inputs(store)
    row = (
        effects.estimate(table, exposures, waves, horizon=1, n_boot=1000)
        .table.filter(pl.col("group") == "all", pl.col("outcome") == "dimension")
        .row(0, named=True)
    )
    assert row["ci_low"] <= 0 <= row["ci_high"]
    assert row["naive_low"] > 0  # the rebound alone looks like success
    store.close()


def test_hidden_branches_contribute_no_engagement_and_n_is_per_side(demo_store):
    waves = demo_store.sql("SELECT wave, seq, end_date FROM waves")
    table = analysis.branch_table(demo_store, None)
    exposures = actions.exposures(demo_store)
    rows = effects.stacked(table, exposures, waves, 1)
    hidden = table.filter(pl.col("suppressed")).select("branch_id", "wave_seq")
    assert hidden.height  # the demo has branches under the minimum
    used = rows.filter(pl.col("dimension_change").is_not_null())
    pre = used.with_columns(
        pl.col("stack").str.split("@").list.get(1).cast(pl.Int64).alias("wave_seq")
    )
    for seq in (pre, pre.with_columns(pl.col("wave_seq") + 1)):
        assert not seq.join(hidden, on=["branch_id", "wave_seq"]).height
    result = effects.estimate(table, exposures, waves, horizon=1, n_boot=200).table
    overall = result.filter(pl.col("group") == "all", pl.col("outcome") == "dimension").row(
        0, named=True
    )
    assert overall["n_treated"] == used.filter(pl.col("treated") == 1)["branch_id"].n_unique()
    assert overall["n_control"] == used.filter(pl.col("treated") == 0)["branch_id"].n_unique()
    assert set(result["group"]) == {"all", *exposures["dimension_id"].unique()}
    assert effects.horizons(exposures, waves) == [1, 2, 3]


def test_the_effect_chart_counts_branches_in_the_readers_number_format():
    table = pl.DataFrame(
        {
            "group": ["all"],
            "outcome": ["dimension"],
            "estimate": [0.28],
            "ci_low": [0.27],
            "ci_high": [0.29],
            "naive": [0.5],
            "naive_low": [0.49],
            "naive_high": [0.51],
            "n_treated": [3271],
            "n_control": [8010],
            "enough": [True],
        }
    )
    found = effects.Effects(1, table, 200)
    dims = pl.DataFrame({"dimension_id": ["d1"], "name_de": ["X"], "name_en": ["X"]})
    for lang, expected in (
        ("de", "(n\u00a0=\u00a03.271 / 8.010)"),
        ("en", "(n\u00a0=\u00a03,271 / 8,010)"),
    ):
        fig = actions_view.effect_chart(found, "dimension", dims, lang)
        assert all(label.endswith(expected) for label in fig.data[0].y), fig.data[0].y
