"""Methods & data quality on the demo data: ICC in the generator's range, scales, counts."""

from __future__ import annotations

import polars as pl
import pytest

from loyalty import analysis, quality


def test_aggregation_recovers_the_designed_icc(demo_store):
    agg = quality.aggregation(demo_store, "2025-H2")
    assert 0.08 < agg.icc.icc1 < 0.17  # designed: about .10-.15
    assert agg.icc_mixed.icc1 == pytest.approx(agg.icc.icc1, abs=0.02)
    assert 0 < agg.icc_mixed.mean_group_reliability < agg.icc.icc2 + 0.1


def test_rwg_only_for_branches_at_or_above_the_minimum(demo_store):
    values = quality.rwg_values(demo_store, "2025-H2")
    table = analysis.branch_table(demo_store, "2025-H2")
    assert values.len() == int((table["n_respondents"] >= 5).sum())
    assert values.is_sorted() and values.min() >= 0 and values.max() <= 1
    assert isinstance(values, pl.Series) and values.name == "rwg_j"  # values only, no ids


def test_reliability_per_dimension_and_index(demo_store):
    rel = quality.reliability(demo_store, "2025-H2")
    assert rel["dimension_id"].to_list() == [
        "motivation",
        "commitment",
        "leadership",
        "customer_focus",
        "index",
    ]
    assert (rel["n_items"].to_list()) == [3, 3, 3, 3, 12]
    index = rel.row(4, named=True)
    assert index["alpha"] > 0.85 and index["band"] in ("good", "excellent")


def test_response_counts_match_the_store(demo_store, demo_data):
    counts = quality.response_counts(demo_store)
    expected = demo_data.responses.group_by("wave").len().sort("wave")
    assert counts["respondents"].to_list() == expected["len"].to_list()
    assert (counts["branches_shown"] <= counts["branches_with_answers"]).all()
    # every demo respondent answers every dimension; shown as in each wave's branch table
    assert counts["counted"].to_list() == counts["respondents"].to_list()
    tables = {w: analysis.branch_table(demo_store, w) for w in counts["wave"]}
    shown = [int((~tables[w]["suppressed"]).sum()) for w in counts["wave"]]
    assert counts["branches_shown"].to_list() == shown
    assert quality.response_counts(demo_store, tables).equals(counts)


@pytest.mark.parametrize(
    ("value", "bands", "name"),
    [
        (0.30, quality.ICC1_BANDS, "large"),
        (0.12, quality.ICC1_BANDS, "medium"),
        (0.05, quality.ICC1_BANDS, "small"),
        (0.0, quality.ICC1_BANDS, "none"),
        (0.95, quality.RWG_BANDS, "very_strong"),
        (0.40, quality.RWG_BANDS, "weak"),
        (0.75, quality.ALPHA_BANDS, "acceptable"),
        (0.3, quality.ALPHA_BANDS, "unacceptable"),
        (float("nan"), quality.ALPHA_BANDS, None),
    ],
)
def test_bands(value, bands, name):
    assert quality.band(value, bands) == name


def test_data_quality_bundle_equals_the_separate_functions(demo_store):
    agg, rwg, rel = quality.data_quality(demo_store, "2025-H2")
    separate = quality.aggregation(demo_store, "2025-H2")
    # DuckDB's parallel averages may differ in the last bit between two reads
    assert agg.icc.icc1 == pytest.approx(separate.icc.icc1, rel=1e-12)
    assert agg.icc_mixed.tau00 == pytest.approx(separate.icc_mixed.tau00, rel=1e-9)
    assert (agg.rwg_median, agg.n_branches_rwg) == (separate.rwg_median, separate.n_branches_rwg)

    assert rwg.equals(quality.rwg_values(demo_store, "2025-H2"))
    from polars.testing import assert_frame_equal

    # the read's row order may differ; omega's ML fit then stops within its tolerance (~5e-8)
    assert_frame_equal(rel, quality.reliability(demo_store, "2025-H2"), rel_tol=1e-6)


def test_engagement_from_the_wide_answers_equals_the_sql_index(demo_store):
    """aggregation() reads the answers once and derives each respondent's index from them;
    it equals analysis.respondent_engagement (SQL) for every respondent."""
    from loyalty import analysis, quality

    wave = "2025-H2"
    ours = quality._counted(
        quality._items(demo_store), quality._respondent_items(demo_store, wave)
    )[0].select("branch_id", "response_id", "engagement")
    sql = analysis.respondent_engagement(demo_store, wave)
    both = sql.join(ours, on=["branch_id", "response_id"], how="full", coalesce=True)
    assert both.height == sql.height == ours.height
    assert (both["engagement"] - both["engagement_right"]).abs().max() < 1e-12
