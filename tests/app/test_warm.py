"""Warming: after the server starts or an import lands, a background thread fills the pages'
caches, so that a first visit computes nothing (pages/_shared.py; serve.py starts it)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from loyalty import analysis, charts, demo, model, quality, retention, story
from loyalty.dashboard import Dashboard
from loyalty.importing import run
from loyalty.store import open_store

ROOT = Path(__file__).resolve().parents[2]

# The expensive computations behind the pages' caches.
COMPUTATIONS = [
    (analysis, "branch_table"),
    (analysis, "headline_ratio"),
    (analysis, "quadrant_table"),
    (analysis, "churn_shares"),
    (analysis, "churn_shares_by_branch"),
    (analysis, "chain_links"),
    (analysis, "company_benchmarks"),
    (model, "chain_model"),
    (model, "drivers"),
    (model, "expected_vs_actual"),
    (model, "engagement_estimates"),
    (model, "lag_direction"),
    (model, "what_if"),
    (quality, "data_quality"),
    (story, "tell"),
    (story, "tell_step"),  # presenter mode, step by step
    (story, "actions_step"),
]
PAGES = [
    None,
    "pages/branches.py",
    "pages/branch.py",
    "pages/compare.py",
    "pages/drivers.py",
    "pages/whatif.py",
    "pages/methods.py",
    "pages/present.py",
]


@pytest.fixture
def ui():
    """pages/_shared.py, the module the pages' AppTest runs import (the app's folder is on
    their path; here it is put there)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from pages import _shared

    return _shared


@pytest.fixture
def copy_db(demo_db, tmp_path, monkeypatch):
    """A copy of the demo store: a store path of its own, so no other test's caches count."""

    def make(name: str):
        path = tmp_path / f"{name}.duckdb"
        shutil.copy(demo_db, path)
        monkeypatch.setenv("LOYALTY_DB", str(path))
        return path

    return make


def _forbid_computing(monkeypatch) -> None:
    def computed(*args, **kwargs):
        raise AssertionError("computed on a page visit")

    for module, name in COMPUTATIONS:
        monkeypatch.setattr(module, name, computed)


def _visit_all(app) -> list[str]:
    """Every dashboard page's first visit, in English; the exceptions they raised."""
    problems = []
    for page in PAGES:
        at = app(page, lang="en").run()
        problems += [f"{page}: {e.message}" for e in at.exception]
    return problems


def test_a_warmed_store_serves_every_first_visit_from_the_caches(app, ui, copy_db, monkeypatch):
    db = copy_db("warmed")
    result = ui.warm(str(db), open_store(db).revision())
    assert result.done > 30  # the default view, the story in both languages, the other waves
    assert result.failed == 0 and not result.stopped
    _forbid_computing(monkeypatch)
    assert _visit_all(app) == []
    # a branch's own page too: its churn reasons are one filter of the wave's (warmed)
    at = app("pages/branch.py", lang="en", branch="B042").run()
    assert not at.exception and at.selectbox(key="branch_select").value == "B042"


def test_without_warming_a_first_visit_computes(app, copy_db, monkeypatch):
    """The counterpart: the same visits on a store nobody warmed do compute (so the test
    above would fail if warming missed an entry)."""
    copy_db("cold")
    _forbid_computing(monkeypatch)
    problems = _visit_all(app)
    assert len(problems) == len(PAGES)
    assert all("computed on a page visit" in p for p in problems)


#: The slow computations whose results are kept on disk (loyalty.results, dashboard.KEPT).
KEPT_COMPUTATIONS = [
    (analysis, "branch_table"),
    (analysis, "headline_ratio"),
    (analysis, "quadrant_table"),
    (analysis, "chain_links"),
    (analysis, "company_benchmarks"),
    (model, "chain_model"),
    (model, "corrected_links"),
    (model, "drivers"),
    (model, "expected_vs_actual"),
    (model, "engagement_estimates"),
    (model, "lag_direction"),
    (model, "what_if_paths"),
    (quality, "data_quality"),
]


def test_after_a_restart_the_warm_up_and_the_pages_read_the_kept_results(
    app, ui, copy_db, monkeypatch
):
    """A server warmed a store, then a new one starts on it (its memory caches empty): its
    warm-up and every page read the slow results the first one kept, computing none."""
    import streamlit as st

    db = copy_db("restarted")
    assert ui.warm(str(db), open_store(db).revision()).failed == 0
    assert list(Path(f"{db}.results").rglob("*.pickle"))
    st.cache_data.clear()
    st.cache_resource.clear()  # the restart: the process's caches and memos are gone

    def computed(*args, **kwargs):
        raise AssertionError("computed again after a restart")

    for module, name in KEPT_COMPUTATIONS:
        monkeypatch.setattr(module, name, computed)
    result = ui.warm(str(db), open_store(db).revision())
    assert result.failed == 0, result.first_error
    assert _visit_all(app) == []


def test_a_stale_warm_up_stops_at_its_next_step(ui, copy_db):
    db = copy_db("stale")
    result = ui.warm(str(db), open_store(db).revision(), current=lambda: False)
    assert result.done == 0 and result.stopped


def test_a_wave_whose_answers_were_purged_is_warmed_without_failures(ui, copy_db):
    """serve.py purges old answers on start (retention): such a wave has branch figures only;
    the warm-up leaves out what needs answers instead of failing on it."""
    db = copy_db("purged")
    store = open_store(db)
    purged = retention.purge(store, actor="test", months=12)
    assert purged.waves  # the demo's oldest waves are older than a year
    result = ui.warm(str(db), store.revision())
    assert result.failed == 0, result.first_error
    assert result.done > 30


def test_a_page_run_counts_as_a_visit_the_warm_up_waits_for(app, ui, copy_db, monkeypatch):
    """app.py runs the page inside ``ui.visit()``: while it runs, a warm-up step waits."""
    copy_db("visited")
    running = []
    real = analysis.headline_ratio

    def seen(*args, **kwargs):
        running.append(ui.warmer.visits.running())
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis, "headline_ratio", seen)
    at = app(lang="en").run()
    assert not at.exception
    assert running and set(running) == {1}
    assert ui.warmer.visits.running() == 0


def test_the_served_app_warms_each_new_revision_once(
    app, ui, copy_db, demo_data, tmp_path, monkeypatch
):
    """As serve.py does: warming enabled; the first page run after an import starts warming
    the new revision in the background, once."""
    db = copy_db("served")
    store = open_store(db)
    before = store.revision()
    monkeypatch.setattr(ui.warmer, "enabled", False)  # restored after the test
    first = ui.enable_warming(str(db), before)
    assert first is not None and ui.enable_warming(str(db), before) is None
    first.join(timeout=120)
    at = app(lang="en").run()
    assert not at.exception

    survey = next(p for p in demo.write_samples(demo_data, tmp_path) if "befragung" in p.name)
    run.run_import(store, survey, kind="engagement", wave="2025-H2", actor="test")
    after = store.revision()
    assert after != before
    at.run()
    assert not at.exception
    thread = ui.warmer.thread((str(db), after))
    thread.join(timeout=120)
    assert not thread.is_alive()
    at.run()  # another run of the same revision starts nothing new
    mine = [key for key in ui.warmer.started() if key[0] == str(db)]
    assert mine == [(str(db), before), (str(db), after)]
    result = ui.warmer.results[(str(db), after)]
    assert result.failed == 0 and result.done > 30 and not result.stopped


def test_the_app_tells_the_story_from_its_cached_results_with_the_same_numbers(ui, copy_db):
    """The Present page's story is told from the pages' cached results (story.tell); every
    title and line equals the story computed from the store (Dashboard.story), in both
    languages and for an older wave too."""
    from pages import _cache as cache  # the path is set by the ui fixture

    db = copy_db("story")
    store = open_store(db)
    for wave, lang in (("2025-H2", "en"), ("2024-H2", "de")):
        packed = cache._story(str(db), store.revision(), None, 0, wave, lang, "nps")
        told = story.frame_of(story.unpack(packed))
        assert told.equals(story.frame_of(Dashboard(store).story(wave, lang))), (wave, lang)
        # presenter mode's own steps: the same steps one by one, figures restyled for the room
        shown = list(cache._presenter_steps(str(db), store.revision(), None, wave, lang, "nps"))
        assert [(s.key, s.title, s.lines) for s in shown] == [
            (s.key, s.title, s.lines) for s in story.unpack(packed)
        ]
        assert {s.figure.layout.font.size for s in shown} == {charts.PRESENT_FONT}
