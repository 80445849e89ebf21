"""The core façade: suppression first, then the viewer's scope, inside the core; one memo."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from loyalty import access, analysis, story, tables
from loyalty.dashboard import Dashboard, Memo

WAVE = "2025-H2"


@pytest.fixture(scope="module")
def company(demo_store):
    return Dashboard(demo_store, n_boot=200)


@pytest.fixture(scope="module")
def scope(company):
    table = company.branch_table(WAVE)
    north = table.filter(pl.col("region") == "Nord")["branch_id"].to_list()
    return frozenset(north)


def test_a_scoped_table_is_the_company_table_cut_not_recomputed(company, scope):
    full = company.branch_table(WAVE)
    mine = company.view(scope).branch_table(WAVE)
    assert set(mine["branch_id"]) == scope
    # suppression as in the whole company: the same rows, flag for flag
    expected = full.filter(pl.col("branch_id").is_in(sorted(scope)))
    assert mine.equals(expected)
    assert full["suppressed"].any()  # the demo has hidden branches to get right


def test_every_branch_level_result_stays_in_the_scope(company, scope):
    mine = company.view(scope)
    assert set(mine.estimates(WAVE)["branch_id"]) <= scope
    assert set(mine.expected_vs_actual(WAVE)["branch_id"]) <= scope
    assert set(mine.branch_names(WAVE).ids) <= scope
    assert mine.chain_links(WAVE)[0].result.n <= len(scope)
    outside = next(b for b in company.branch_table(WAVE)["branch_id"] if b not in scope)
    with pytest.raises(access.NotPermitted):
        mine.churn(WAVE, outside)


def test_the_exclusions_are_the_scope_s_tables_kept_once(company, scope):
    """What the Methods page lists: the shown branches' exclusions for the measure, computed
    once per wave and measure (the page's fragment asks on every run)."""
    mine = company.view(scope)
    for loyalty in ("nps", "retention"):
        excluded = mine.exclusions(WAVE, loyalty)
        assert excluded.height > 0
        assert set(excluded["branch_id"]) <= scope
        assert excluded.equals(analysis.exclusions(mine.branch_table(WAVE, loyalty)))
        assert mine.exclusions(WAVE, loyalty) is excluded
    assert company.exclusions(WAVE).height > mine.exclusions(WAVE).height


def test_estimates_use_every_shown_branch_of_the_company(company, scope):
    """Shrinkage toward the company: a scoped estimate equals the company's for that branch."""
    full = company.estimates(WAVE)
    mine = company.view(scope).estimates(WAVE)
    branch = mine["branch_id"][0]
    assert tables.row_of(mine, branch) == tables.row_of(full, branch)


def test_the_company_table_is_computed_once_for_every_scope(demo_store, monkeypatch, scope):
    calls = []
    real = analysis.branch_table

    def counted(*args, **kwargs):
        calls.append(args[1:])
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis, "branch_table", counted)
    core = Dashboard(demo_store, n_boot=100)
    core.chain_links(WAVE)
    core.view(scope).chain_links(WAVE)
    core.view(scope).headline(WAVE)
    assert calls == [(WAVE,)]


def test_every_waves_table_is_built_from_each_waves_the_newest_first(demo_store, monkeypatch):
    """The default view's table first (the warm-up asks for every wave's table early); each
    wave's once, also when that wave is asked for on its own afterwards."""
    calls = []
    real = analysis.branch_table

    def counted(store, wave=None, **kwargs):
        calls.append(wave)
        return real(store, wave, **kwargs)

    monkeypatch.setattr(analysis, "branch_table", counted)
    core = Dashboard(demo_store, n_boot=100)
    whole = core.branch_table(None)
    waves = core.waves()
    assert calls == list(reversed(waves))
    core.branch_table(waves[0])
    assert len(calls) == len(waves)
    assert whole["wave"].unique(maintain_order=True).to_list() == waves


def test_the_default_wave_is_the_newest_complete_one(company):
    assert company.default_wave() == company.complete_waves()[-1] == WAVE
    assert company.resolve_wave(None) == WAVE
    assert company.resolve_wave("2024-H2") == "2024-H2"
    with pytest.raises(ValueError):
        company.resolve_wave("1999-H1")


def test_the_warm_plan_starts_with_the_default_view_and_names_real_methods(company, scope):
    plan = list(company.warm_plan(("de", "en")))
    assert plan[0].method == "waves"
    first_view = next(r for r in plan if r.method == "headline")
    assert first_view.args == (WAVE, "nps") and first_view.scope is None
    # every wave's table first, the newest first, one a step
    tables = [r.args for r in plan[: plan.index(first_view)] if r.method == "branch_table"]
    assert tables == [(w, "nps") for w in reversed(company.waves())] + [(WAVE, "nps")]
    assert [r.args[1] for r in plan if r.method == "story"] == ["de", "en"]
    for request in plan:
        assert callable(getattr(company, request.method)), request


def test_memo_computes_a_key_once_and_forgets_the_oldest():
    memo, calls = Memo(size=2), []
    for key in ("a", "a", "b", "c", "a"):
        memo.get(key, lambda key=key: calls.append(key) or key.upper())
    assert calls == ["a", "b", "c", "a"] and len(memo) == 2


def test_a_scope_s_company_figure_comes_from_its_shown_branches_only(company, scope):
    """The one confidentiality rule for figures over groups (docs/privacy.md, section 4): a
    hidden branch enters no figure, scoped or not."""
    table = company.view(scope).branch_table(WAVE)
    bench = company.view(scope).benchmarks()[WAVE]
    shown = table.filter(~pl.col("suppressed"))
    n = shown["n_respondents"].sum()
    assert bench.engagement_n == n
    assert bench.engagement == pytest.approx(
        (shown["engagement"] * shown["n_respondents"]).sum() / n
    )


def test_a_draft_story_does_not_wait_for_the_effects_of_actions(demo_store, monkeypatch):
    """While the effects of actions are not computed, a draft story has every other step as
    the full story tells it and a last step that says they are being computed; once they are
    computed, the draft is the full story."""
    dashboard = Dashboard(demo_store, n_boot=200)
    assert not dashboard.actions_ready()  # actions recorded, nothing computed yet
    full = Dashboard(demo_store, n_boot=200).story("2025-H2", "en")

    def never(self, horizon):
        raise AssertionError("a draft computed the effects of actions")

    monkeypatch.setattr(Dashboard, "action_effects", never)
    draft = dashboard.story("2025-H2", "en", draft=True)
    assert [s.key for s in draft] == [s.key for s in full]
    for a, b in zip(draft[:-1], full[:-1], strict=True):
        assert (a.title, a.lines) == (b.title, b.lines)
    last = draft[-1]
    assert last.key == "actions" and last.figure is None
    assert last.lines[0] == full[-1].lines[0]  # how many actions: known without effects
    assert "still being computed" in last.lines[1]
    monkeypatch.undo()

    dashboard.action_summary()
    assert dashboard.actions_ready()
    done = dashboard.story("2025-H2", "en", draft=True)
    assert [(s.title, s.lines) for s in done] == [(s.title, s.lines) for s in full]
    assert done[-1].figure is not None


def test_a_memo_knows_what_it_holds_and_what_its_shelf_keeps(tmp_path):
    from loyalty.results import Shelf

    shelf = Shelf(tmp_path, "store", 1, 5)
    key, other = ("action_effects", None, 200, 3, 1), ("action_effects", None, 200, 3, 2)
    memo = Memo(shelf=shelf)
    assert not memo.known(key)
    memo.get(key, lambda: 1.5)
    assert memo.known(key) and not memo.known(other)
    assert Memo(shelf=shelf).known(key)  # a new process reads it from the shelf
    assert not Memo().known(key)
    memo.get(("waves", None, 200), lambda: ["2025-H2"])  # not kept: known in memory only
    assert memo.known(("waves", None, 200))
    assert not Memo(shelf=shelf).known(("waves", None, 200))


def test_a_memo_and_the_core_say_what_is_being_computed_now(demo_store, held_estimate):
    """While a thread computes a key, the memo says so (and the core, for the effects of
    actions): before it starts and once it is done, not."""
    import threading

    dashboard = Dashboard(demo_store, n_boot=200)
    horizons = dashboard.story_horizons()
    started, gate = held_estimate
    assert not dashboard.effects_underway(horizons)
    worker = threading.Thread(target=dashboard.action_effects, args=(horizons[-1],))
    worker.start()
    try:
        assert started.wait(120)
        assert dashboard.effects_underway(horizons)
        assert not dashboard.effects_underway(horizons[:-1])  # only the other is computing
    finally:
        gate.set()
        worker.join(120)
    assert not dashboard.effects_underway(horizons) and dashboard.effects_known(horizons[-1:])
    memo = Memo()
    assert not memo.computing("k")
    memo.get("k", lambda: memo.computing("k"))  # asked while it computes itself
    assert memo.get("k", lambda: None) is True and not memo.computing("k")
    with pytest.raises(ZeroDivisionError):
        memo.get("bad", lambda: 1 / 0)
    assert not memo.computing("bad")  # failed: nobody computes it now
    assert memo.get("bad", lambda: 2) == 2  # the next ask computes it again


def test_the_horizons_the_warm_up_computes_are_those_of_its_story(company, scope):
    plan = list(company.warm_plan(("de", "en")))
    assert {r.scope for r in plan if r.method == "story"} == {None}
    assert company.warmed_horizons() == company.story_horizons() == [1, 2]
    # each horizon a step of its own, before the story
    effects = [i for i, r in enumerate(plan) if r.method == "action_effects"]
    assert [plan[i].args for i in effects] == [(1,), (2,)]
    assert max(effects) < min(i for i, r in enumerate(plan) if r.method == "story")
    assert company.view(scope).warmed_horizons() == []


def test_the_other_measure_s_table_is_the_first_one_s_with_its_loyalty_column(
    demo_store, monkeypatch
):
    """The retention table is not queried again: it is the NPS table with the column named
    ``loyalty`` taken from retention, the same frame as the store's own query gives (to the
    last bits of float sums, which DuckDB's parallel aggregation may add in another order)."""
    real = analysis.branch_table
    expected = {w: real(demo_store, w, loyalty="retention") for w in analysis.waves(demo_store)}
    calls = []

    def counted(store, wave=None, **kwargs):
        calls.append((wave, kwargs.get("loyalty")))
        return real(store, wave, **kwargs)

    monkeypatch.setattr(analysis, "branch_table", counted)
    core = Dashboard(demo_store, n_boot=100)
    every = core.branch_table(None, "retention")
    assert sorted(calls) == sorted((w, "nps") for w in expected)
    for wave, table in expected.items():
        mine = core.branch_table(wave, "retention")
        assert_frame_equal(mine, table, rel_tol=1e-12)
        assert mine["loyalty"].equals(mine["retention"].alias("loyalty"))
    assert_frame_equal(every, analysis.every_wave(list(reversed(expected.values()))), rel_tol=1e-12)
    assert len(calls) == len(expected)


@pytest.fixture
def computed(monkeypatch) -> list[str]:
    """The names of the results every core computes (or reads from its shelf) from now on,
    in order."""
    names: list[str] = []
    original = Memo._kept_or_computed

    def recording(self, key, compute):
        names.append(key[0])
        return original(self, key, compute)

    monkeypatch.setattr(Memo, "_kept_or_computed", recording)
    return names


def test_each_story_step_is_the_storys_and_computes_only_its_own_results(demo_store, computed):
    """``story_step(i)`` is step i of the whole story (title, lines, figure), computed from
    only the results that step shows: presenter mode's first step does not wait for the lags
    over every wave, the what-if or the quadrants. ``story_length`` counts the steps; a step
    past the last is an IndexError."""
    whole = Dashboard(demo_store, n_boot=200).story(WAVE, "de", "retention")
    shown_by = {
        "table": "table",
        "links": "links",
        "ratio": "headline",
        "quadrants": "quadrants",
        "churn": "churn",
        "what_if": "what_if",
        "lags": "lags",
        "corrected": "corrected",
    }
    results = {"links", "headline", "quadrants", "churn", "what_if", "lags", "corrected"}
    assert [s.key for s in whole] == list(story.STEP_KEYS)  # the demo has actions
    for index, expected in enumerate(whole):
        dashboard = Dashboard(demo_store, n_boot=200)  # nothing computed yet
        assert dashboard.story_length() == len(whole)
        computed.clear()
        step = dashboard.story_step(WAVE, "de", index, "retention")
        assert (step.key, step.title, step.lines) == (expected.key, expected.title, expected.lines)
        assert step.figure.to_json() == expected.figure.to_json()
        if step.key != "actions":  # (the table is read by most results: not compared)
            wanted = {shown_by[part] for part in story.READS[step.key]} - {"table"}
            assert set(computed) & results == wanted, step.key
    for past in (len(whole), -1):
        with pytest.raises(IndexError):
            Dashboard(demo_store, n_boot=200).story_step(WAVE, "de", past, "retention")
    # a region-limited viewer's steps are those of the story in its scope
    some = frozenset(Dashboard(demo_store).branch_table(WAVE)["branch_id"].to_list()[:60])
    scoped = Dashboard(demo_store, some, n_boot=200)
    for index, expected in enumerate(scoped.story(WAVE, "en")):
        step = Dashboard(demo_store, some, n_boot=200).story_step(WAVE, "en", index)
        assert (step.key, step.lines) == (expected.key, expected.lines)
        assert step.figure.to_json() == expected.figure.to_json()


def test_the_story_reads_what_its_reads_name_and_nothing_else(demo_store, computed):
    """``story_reads`` names every result the story is told from (those a page computes ahead):
    computed first, the story then computes only what concerns the actions."""
    dashboard = Dashboard(demo_store, n_boot=200)
    reads = dashboard.story_reads(WAVE, "retention")
    assert [r.method for r in reads] == [
        "branch_table",
        "chain_links",
        "headline",
        "quadrants",
        "churn",
        "what_if",
        "lags",
        "corrected_links",
    ]
    assert {r.scope for r in reads} == {None}
    for r in reads:
        getattr(dashboard, r.method)(*r.args)
    assert computed  # the reads computed something
    computed.clear()
    dashboard.story(WAVE, "en", "retention", draft=True)
    assert computed and all(name.startswith("action") for name in computed), computed
