"""The demo generator: structure, determinism, and the ground truth it was built from."""

from __future__ import annotations

import io

import numpy as np
import polars as pl
import pytest

from loyalty import analysis, demo, stats


def test_a_chain_of_one_branch_is_refused_with_a_reason():
    # it crashed deep in the generator (a standard deviation of one value, then NaN odds)
    with pytest.raises(ValueError, match="at least 2 branches"):
        demo.generate(demo.DemoParams(n_branches=1, n_waves=1))


def test_same_seed_gives_identical_data(demo_data):
    again = demo.generate()
    for name in ("branches", "responses", "scores", "loyalty", "churn", "financials"):
        assert getattr(again, name).equals(getattr(demo_data, name)), name
    other = demo.generate(demo.DemoParams(seed=1))
    assert not other.scores.equals(demo_data.scores)


def test_chain_structure_matches_the_brief(demo_data):
    b = demo_data.branches
    assert b.height == 120
    assert set(b["region"]) == set(demo.REGIONS)
    assert set(b["format"]) == set(demo.FORMATS)
    assert b["headcount"].min() >= 3 and b["headcount"].max() <= 60
    assert demo_data.waves["wave"].to_list() == ["2024-H1", "2024-H2", "2025-H1", "2025-H2"]
    items = demo_data.items
    assert items.height == 12 and items["dimension_id"].n_unique() == 4
    assert items["reverse"].sum() == 2
    assert b["branch_id"].n_unique() == b["name"].n_unique() == 120
    per_branch = demo_data.responses.group_by("branch_id", "wave").len()
    small = per_branch.filter(pl.col("len") < 5)["branch_id"].n_unique()
    assert small >= 3, "several branches must have fewer than five respondents"


def test_scores_are_on_the_scale_and_reverse_items_run_the_other_way(demo_data):
    scores = demo_data.scores
    assert scores["score"].min() >= 1 and scores["score"].max() <= 5
    wide = scores.pivot(on="item_id", index="response_id", values="score")
    r_same = np.corrcoef(wide["COM1"], wide["COM2"])[0, 1]
    r_reverse = np.corrcoef(wide["COM1"], wide["COM3"])[0, 1]
    assert r_same > 0.2 and r_reverse < -0.2


def test_employee_level_icc_is_in_the_intended_range(demo_store):
    # ICC(1) about .10-.15 by design; one wave of 120 branches varies by a few hundredths
    values = [
        stats.icc(analysis.respondent_engagement(demo_store, wave), "engagement", "branch_id").icc1
        for wave in analysis.waves(demo_store)
    ]
    assert 0.10 <= float(np.mean(values)) <= 0.15, values
    assert all(0.07 <= v <= 0.19 for v in values), values


def test_top_loyalty_quartile_earns_two_to_three_times_the_bottom(demo_store):
    ratios = []
    for wave in analysis.waves(demo_store):
        table = analysis.branch_table(demo_store, wave)
        ratios.append(analysis.headline_ratio(table, n_boot=200).ratio)
    assert 2.0 <= float(np.mean(ratios)) <= 3.0, ratios


def test_loyalty_follows_lagged_engagement_in_the_ground_truth(demo_data):
    truth = demo_data.truth
    lagged = np.corrcoef(truth["lagged_driver_engagement"], truth["nps"])[0, 1]
    assert lagged > 0.5
    assert np.corrcoef(truth["nps"], truth["ros"])[0, 1] > 0.5


def test_churn_reasons_match_the_study_and_staff_share_rises_with_low_engagement(demo_data):
    churn = demo_data.churn
    total = churn["customers"].sum()
    share = {
        r: churn.filter(pl.col("reason") == r)["customers"].sum() / total
        for r in ("price", "quality")
    }
    staff = churn.filter(pl.col("reason").str.starts_with("staff_"))["customers"].sum() / total
    assert share["price"] == pytest.approx(0.09, abs=0.02)
    assert share["quality"] == pytest.approx(0.14, abs=0.025)
    assert staff == pytest.approx(0.67, abs=0.03)
    per_branch = (
        churn.group_by("branch_id", "wave")
        .agg(
            (
                pl.col("customers").filter(pl.col("reason").str.starts_with("staff_")).sum()
                / pl.col("customers").sum()
            ).alias("staff")
        )
        .join(demo_data.truth, on=["branch_id", "wave"])
    )
    assert np.corrcoef(per_branch["staff"], per_branch["engagement"])[0, 1] < -0.3


def test_loyalty_and_finance_figures_are_consistent(demo_data):
    loy = demo_data.loyalty
    assert (loy["retained_customers"] <= loy["active_customers"]).all()
    lost = loy.select(
        "branch_id",
        "wave",
        (pl.col("active_customers") - pl.col("retained_customers")).alias("lost"),
    )
    named = demo_data.churn.group_by("branch_id", "wave").agg(pl.col("customers").sum())
    joined = lost.join(named, on=["branch_id", "wave"])
    assert (joined["lost"] == joined["customers"]).all()
    fin = demo_data.financials
    assert (fin["revenue"] > 0).all() and (fin["gross_margin"] < fin["revenue"]).all()


def test_any_size_can_be_generated(tmp_path):
    data = demo.generate(demo.DemoParams(n_branches=10_000, n_waves=2, n_respondents=60_000))
    assert data.branches.height == 10_000
    assert data.branches["branch_id"][-1] == "B10000"
    assert data.branches["name"].n_unique() == 10_000
    assert abs(data.responses.height - 60_000) < 2_000
    assert data.scores.height == 12 * data.responses.height


def test_sample_files_are_written_as_users_bring_them(tmp_path, demo_data):
    paths = demo.write_samples(demo_data, tmp_path)
    survey = next(p for p in paths if p.name.startswith("mitarbeiterbefragung"))
    raw = survey.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # cp1252, as German Excel writes it
    text = raw.decode("cp1252")
    header = text.splitlines()[0].split(";")
    assert header[:3] == ["Antwort-ID", "Filiale", "Welle"]
    assert "Betriebszugehörigkeit (Jahre)" in header
    frame = pl.read_csv(io.StringIO(text), separator=";", decimal_comma=True)
    assert frame["Bearbeitungszeit (Min.)"].dtype == pl.Float64
    assert frame.height == demo_data.responses.filter(pl.col("wave") == "2025-H2").height
    finance = next(p for p in paths if p.suffix == ".xlsx")
    sheet = pl.read_excel(finance, sheet_name="Ergebnisse")
    assert sheet.columns[:2] == ["Filiale", "Filialname"] and sheet.height == 120


def test_sample_files_import_through_the_cli_door(tmp_path, demo_data, demo_db):
    """The samples `loyalty demo` writes are what a user imports: the questionnaire file
    loads, and the German survey export passes the check for its wave unchanged."""
    import shutil

    from loyalty.importing import instrument, run
    from loyalty.store import Store

    paths = demo.write_samples(demo_data, tmp_path)
    questionnaire = instrument.load_instrument(next(p for p in paths if p.suffix == ".yaml"))
    assert [i.item_id for i in questionnaire.items] == demo_data.items["item_id"].to_list()
    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    store = Store(db)
    survey = next(p for p in paths if p.name.startswith("mitarbeiterbefragung"))
    out = run.run_import(store, survey, kind="engagement", wave="2025-H2", actor="t", dry_run=True)
    store.close()
    assert (
        out.report.ok and out.report.validation.rows_valid == survey.read_bytes().count(b"\n") - 1
    )
