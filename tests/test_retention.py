from __future__ import annotations

from datetime import date, datetime

import duckdb
import polars as pl
import psycopg
import pytest

from loyalty import analysis, demo, quality, retention, store, versions
from loyalty.store import Store

#: The demo's waves end 2024-06-30, 2024-12-31, 2025-06-30, 2025-12-31.
TODAY = date(2026, 11, 22)


def _seed(st: Store) -> None:
    data = demo.generate(demo.DemoParams(n_branches=20, n_waves=4))
    demo.seed_store(st, data)
    demo.seed_store(st, data)  # a second version of every wave: both must go


#: Tests marked so run on PostgreSQL too; the others on DuckDB.
BOTH = pytest.mark.parametrize("s", ["duckdb", "postgresql"], indirect=True)


@pytest.fixture
def s(request, stores_on):
    """A copy of one seeded store (DuckDB, or PostgreSQL where marked ``BOTH``)."""
    stores = stores_on(getattr(request, "param", "duckdb"))
    st = store.connect(stores.seeded("retention", _seed))
    yield st
    st.close()
    stores.drop_created()


def _counts(st: Store) -> dict[str, int]:
    return {
        t: int(st.sql(f"SELECT count(*) AS n FROM {t}")["n"][0])
        for t in ("responses", "response_scores", "branch_aggregates", "loyalty", "financials")
    }


def test_months_before_uses_calendar_months():
    assert retention.months_before(date(2026, 11, 22), 24) == date(2024, 11, 22)
    assert retention.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert retention.months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)
    assert retention.months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_retention_period_from_the_environment(s, monkeypatch):
    monkeypatch.delenv("LOYALTY_RETENTION_MONTHS", raising=False)
    assert retention.purge(s, now=TODAY, actor="t", dry_run=True).months == 24
    monkeypatch.setenv("LOYALTY_RETENTION_MONTHS", "12")
    result = retention.purge(s, now=TODAY, actor="t", dry_run=True)
    assert result.months == 12 and result.cutoff == date(2025, 11, 22)
    with pytest.raises(ValueError):
        retention.purge(s, 0, now=TODAY, actor="t")


@BOTH
def test_dry_run_changes_nothing(s):
    before = _counts(s)
    result = retention.purge(s, 12, TODAY, actor="t", dry_run=True)
    assert [w.wave for w in result.waves] == ["2024-H1", "2024-H2", "2025-H1"]
    assert all(len(w.import_ids) == 2 for w in result.waves)  # both versions
    assert _counts(s) == before
    assert s.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'purge'")["n"][0] == 0


@BOTH
def test_purge_deletes_old_responses_and_keeps_suppressed_branch_figures(s):
    old = {w: analysis.branch_table(s, w) for w in ("2024-H1", "2024-H2", "2025-H1")}
    kept = s.sql("SELECT count(*) AS n FROM responses WHERE wave = '2025-H2'")["n"][0]
    before = _counts(s)
    result = retention.purge(s, 12, datetime(2026, 11, 22, 8, 0), actor="ops")
    after = _counts(s)
    assert after["responses"] == kept and before["responses"] - kept == result.responses
    assert after["response_scores"] == before["response_scores"] - result.scores
    assert s.sql("SELECT DISTINCT wave FROM responses")["wave"].to_list() == ["2025-H2"]
    # loyalty and finance are branch-level and stay
    assert (after["loyalty"], after["financials"]) == (before["loyalty"], before["financials"])

    saved = retention.aggregates(s)
    assert sorted(saved["wave"].unique()) == sorted(old)
    for wave, table in old.items():
        shown = table.filter(pl.col("n_respondents") > 0).sort("branch_id")
        mine = saved.filter(pl.col("wave") == wave).sort("branch_id")
        assert mine["branch_id"].to_list() == shown["branch_id"].to_list()
        assert mine["n_respondents"].to_list() == shown["n_respondents"].to_list()
        assert mine["suppressed"].to_list() == shown["suppressed"].to_list()
        for col in [c for c in shown.columns if c.startswith("dim_")] + [
            "engagement",
            "engagement_sd",
        ]:
            assert mine[col].to_list() == pytest.approx(shown[col].to_list(), nan_ok=True)
    # no hidden score survives: every suppressed branch has no value at all
    raw = s.sql("SELECT * FROM branch_aggregates")
    assert raw.filter(pl.col("suppressed"))["value"].null_count() == raw["suppressed"].sum() > 0
    assert raw.filter(pl.col("n_respondents") < 5)["suppressed"].all()
    imports = s.sql(
        "SELECT wave, purged_at IS NOT NULL AS purged FROM imports WHERE kind = 'engagement'"
    )
    assert imports.filter(pl.col("purged"))["wave"].n_unique() == 3
    assert not imports.filter(pl.col("wave") == "2025-H2")["purged"].any()


@BOTH
def test_purge_is_audited_without_any_score(s):
    retention.purge(s, 12, TODAY, actor="ops")
    log = s.sql("SELECT * FROM audit_log WHERE action = 'purge' ORDER BY event_id")
    assert log["target"].to_list() == ["wave 2024-H1", "wave 2024-H2", "wave 2025-H1"]
    assert set(log["actor"]) == {"ops"}
    assert all("responses" in d and "cut-off 2025-11-22" in d for d in log["detail"])


@BOTH
def test_purge_twice_does_nothing_the_second_time(s):
    first = retention.purge(s, 12, TODAY, actor="t")
    again = retention.purge(s, 12, TODAY, actor="t")
    assert first.waves and not again.waves
    assert retention.purge(s, 24, TODAY, actor="t", dry_run=True).waves == []


@BOTH
def test_purge_is_one_transaction(s, monkeypatch):
    before = _counts(s)
    calls = []

    def failing_audit(cur, actor, action, target, detail=""):
        calls.append(target)
        if len(calls) == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(retention, "audit", failing_audit)
    with pytest.raises(RuntimeError):
        retention.purge(s, 12, TODAY, actor="t")
    assert calls == ["wave 2024-H1", "wave 2024-H2"]
    assert _counts(s) == before  # the first wave's deletions were rolled back too
    assert s.sql("SELECT count(*) AS n FROM imports WHERE purged_at IS NOT NULL")["n"][0] == 0


def test_a_stricter_minimum_saves_fewer_scores(s):
    retention.purge(s, 12, TODAY, actor="t", min_size=10)
    raw = s.sql("SELECT * FROM branch_aggregates")
    assert set(raw["min_size"]) == {10}
    assert raw.filter(pl.col("n_respondents") < 10)["suppressed"].all()
    assert raw.filter(pl.col("suppressed"))["value"].null_count() == raw["suppressed"].sum()


@BOTH
def test_the_table_refuses_a_value_on_a_suppressed_row(s):
    broken = (duckdb.ConstraintException, psycopg.errors.CheckViolation)
    with pytest.raises(broken), s.transaction() as cur:
        cur.execute(
            "INSERT INTO branch_aggregates (import_id, wave, branch_id, n_respondents, "
            "suppressed, min_size, measure, value) VALUES (1, 'w', 'B1', 3, TRUE, 5, "
            "'engagement', 3.2)"
        )


@BOTH
def test_only_the_active_version_figures_are_read(s):
    retention.purge(s, 12, TODAY, actor="t")
    # branch figures were saved for the active version only; the old version has none
    rows = s.sql(
        "SELECT i.active, count(a.import_id) AS n FROM imports i LEFT JOIN branch_aggregates a "
        "USING (import_id) WHERE i.kind = 'engagement' AND i.purged_at IS NOT NULL GROUP BY 1"
    )
    assert dict(rows.rows())[False] == 0 and dict(rows.rows())[True] > 0
    assert retention.aggregates(s, "2024-H1")["wave"].unique().to_list() == ["2024-H1"]
    assert retention.aggregates(s, "2025-H2").height == 0  # not purged


def test_dashboards_keep_a_purged_wave_from_its_saved_branch_figures(stores, demo_data):
    """After the purge the branch table of the wave is the same as before (from the saved,
    suppressed aggregates); employee-level answers are gone. On DuckDB and PostgreSQL."""
    st = store.connect(stores.seeded("demo", lambda s: demo.seed_store(s, demo_data)))
    before = analysis.branch_table(st, None).sort("wave", "branch_id")
    result = retention.purge(st, months=24, now=datetime(2026, 11, 22), actor="t")
    assert [w.wave for w in result.waves] == ["2024-H1"]
    after = analysis.branch_table(st, None).sort("wave", "branch_id")
    assert after.columns == before.columns
    floats = [c for c, t in before.schema.items() if t == pl.Float64]
    others = [c for c in before.columns if c not in floats]
    assert after.select(others).equals(before.select(others))
    for c in floats:  # DuckDB's parallel sums may differ in the last bit between two runs
        diff = (after[c] - before[c]).abs().max()
        assert diff is None or diff < 1e-9, c

    assert analysis.respondent_engagement(st, "2024-H1").height == 0
    st.close()


@BOTH
def test_a_purged_wave_keeps_its_dimension_means_with_their_n_and_an_older_save_its_index(s):
    """The purge saves each dimension's n with its mean (``n_dim_*`` rows: the branch's n,
    marking means over the same respondents as the index) and the branch table shows them.
    A wave saved before that (no ``n_dim_*`` rows) counted respondents who skipped a
    dimension in the index and the other dimensions, so its index and dimension means
    together could give their answers: its index stays, its dimension means do not."""
    wave = "2024-H1"
    before = analysis.branch_table(s, wave).sort("branch_id")
    assert [w.wave for w in retention.purge(s, 24, TODAY, actor="t").waves] == [wave]
    saved = retention.aggregates(s, wave).sort("branch_id")
    shown = before.filter(~pl.col("suppressed"))
    for c in (c for c in before.columns if c.startswith("n_dim_")):
        counts = saved.filter(~pl.col("suppressed"))[c].cast(pl.Int64)
        assert counts.to_list() == shown[c].to_list() == shown["n_respondents"].to_list()
        assert saved.filter(pl.col("suppressed"))[c].null_count() == saved["suppressed"].sum()
    after = analysis.branch_table(s, wave).sort("branch_id")
    for c in (c for c in before.columns if c.startswith(("dim_", "n_dim_"))):
        diff = (after[c] - before[c]).abs().max()
        assert diff is not None and diff < 1e-9, c

    with s.transaction() as cur:  # as a purge before the counts were saved left it
        cur.execute("DELETE FROM branch_aggregates WHERE measure LIKE 'n_dim_%'")
    old = analysis.branch_table(s, wave).sort("branch_id")
    dims = [c for c in old.columns if c.startswith("dim_")]
    assert dims and all(old[c].null_count() == old.height for c in dims)
    assert old["engagement"].to_list() == pytest.approx(after["engagement"].to_list(), nan_ok=True)
    assert old["n_respondents"].to_list() == after["n_respondents"].to_list()


@BOTH
def test_a_purged_wave_keeps_its_counts_on_the_methods_page(s):
    """The responses per wave of a purged wave: what its active version held, counted and
    showed, read from what the purge saved, as before the purge; marked purged."""
    before = quality.response_counts(s).drop("purged")
    retention.purge(s, 12, TODAY, actor="t")
    after = quality.response_counts(s)
    assert after["purged"].to_list() == [True, True, True, False]
    assert after.drop("purged").equals(before)
    assert before["respondents"].min() > 0
    # an older version made active again: purged too, but nothing was saved of it
    older = s.sql(
        "SELECT min(import_id) AS i FROM imports WHERE kind = 'engagement' AND wave = '2024-H1'"
    )["i"][0]
    versions.activate(s, int(older), actor="t")
    row = quality.response_counts(s).row(0, named=True)
    assert (row["wave"], row["purged"], row["respondents"], row["counted"]) == (
        "2024-H1",
        False,
        0,
        0,
    )


@BOTH
def test_deleting_a_purged_version_deletes_the_figures_its_purge_saved(s):
    retention.purge(s, 12, TODAY, actor="t")
    active = s.sql(
        "SELECT import_id FROM imports WHERE kind = 'engagement' AND wave = '2024-H1' AND active"
    )["import_id"][0]
    saved = "SELECT count(*) AS n FROM branch_aggregates WHERE import_id = ?"
    assert s.sql(saved, [active])["n"][0] > 0
    versions.delete(s, int(active), actor="t", allow_active=True)
    assert s.sql(saved, [active])["n"][0] == 0
    assert retention.aggregates(s, "2024-H1").is_empty()
    assert not retention.aggregates(s, "2024-H2").is_empty()  # the other waves' stay
