"""Presenter mode: steps through the story, keeps the step in the URL, builds the deck."""

from __future__ import annotations

import io
import shutil

import polars as pl
import pytest

from loyalty import access, actions, users
from loyalty.dashboard import Dashboard
from loyalty.store import open_store


def test_presenter_walks_the_story_forward_and_back(app, demo_store):
    steps = Dashboard(demo_store).story("2025-H2", "en")
    at = app("pages/present.py", lang="en").run()
    assert not at.exception
    assert at.title[0].value == steps[0].title
    assert f"Step 1 of {len(steps)}" in at.markdown[0].value
    assert steps[-1].title == "What we did and what it changed"  # issue 18
    assert at.button(key="present_prev").disabled
    seen = [at.title[0].value]
    for i in range(1, len(steps)):
        at.button(key="present_next").click().run()
        assert not at.exception
        assert at.query_params["step"] == str(i + 1)
        seen.append(at.title[0].value)
    assert seen == [s.title for s in steps]
    assert at.button(key="present_next").disabled
    at.button(key="present_prev").click().run()
    assert at.title[0].value == steps[-2].title


def test_presenter_deep_link_to_a_step_and_wave(app, demo_store):
    steps = Dashboard(demo_store).story("2024-H1", "de")
    at = app("pages/present.py", lang="de", step="3", wave="2024-H1").run()
    assert not at.exception
    assert at.title[0].value == steps[2].title
    assert list(steps[2].lines)[0] in [m.value for m in at.markdown]
    # out-of-range and garbage steps fall back to a valid step
    at = app("pages/present.py", lang="de", step="99").run()
    assert at.title[0].value == Dashboard(demo_store).story("2025-H2", "de")[-1].title
    at = app("pages/present.py", lang="de", step="x").run()
    assert not at.exception and "Schritt 1 von 7" in at.markdown[0].value


def test_presenter_builds_a_deck_with_one_slide_per_step(app):
    from pptx import Presentation

    at = app("pages/present.py", lang="en").run()
    at.button(key="build_pptx").click().run(timeout=120)
    assert not at.exception
    built = at.session_state["present_export_pptx"]
    deck = Presentation(io.BytesIO(built[1]))
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles[0] == "The loyalty chain"
    assert len(titles) == 8
    assert titles[-1] == "What we did and what it changed"


@pytest.fixture
def own_db(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "present.duckdb"
    shutil.copy(demo_db, path)
    monkeypatch.setenv("LOYALTY_DB", str(path))
    return open_store(path)


def test_a_newly_recorded_action_reaches_the_presenter_step_at_once(app, own_db):
    """Recording an action leaves the store's revision alone; the story's actions step must
    not be served from the cache of before."""
    at = app("pages/present.py", lang="en", step="7").run()
    assert not at.exception and at.title[0].value == "What we did and what it changed"
    before = [m.value for m in at.markdown]
    first = actions.current(own_db).row(0, named=True)
    draft = actions.Draft(
        dimension_id=first["dimension_id"],
        title="Weekly huddles",
        owner="HR",
        start_date=first["start_date"],
        status="planned",
        target_type="branch",
        target_value=first["branch_ids"][0],
    )
    viewer = access.Viewer.of(own_db, users.Principal("admin-user", "admin"))
    actions.add(own_db, viewer, draft, actor="test")
    assert actions.current(own_db).filter(pl.col("status") == "planned").height >= 1
    at.run()
    assert not at.exception
    assert [m.value for m in at.markdown] != before


def test_during_the_warm_up_the_story_shows_without_waiting_for_the_effects_of_actions(
    app, own_db, held_effects
):
    """Served (warm-up enabled), the presenter waits at most PATIENCE for the effects of
    actions: the story shows, its last step says they are being computed, and once they are
    the step is the full one."""
    held_effects.set()  # the full story to compare with, computed here
    full = Dashboard(own_db).story("2025-H2", "en")
    held_effects.clear()
    at = app("pages/present.py", lang="en", step="1").run()
    assert not at.exception
    assert at.title[0].value == full[0].title and len(at.get("plotly_chart")) == 1
    at = app("pages/present.py", lang="en", step="7").run()
    assert not at.exception
    assert at.title[0].value == "What we did and what it changed"
    assert "Step 7 of 7" in at.markdown[0].value
    texts = [m.value for m in at.markdown]
    assert "is still being computed for the current data" in " ".join(texts)
    assert at.info[0].value.startswith("Being computed")
    assert not at.get("plotly_chart")
    held_effects.set()
    for _ in range(600):  # the background job ends once the effects are let through
        at.run()
        if not at.info:
            break
    assert not at.exception and not at.info
    assert [m.value for m in at.markdown][1:] == list(full[-1].lines)
    assert len(at.get("plotly_chart")) == 1


def test_while_the_warm_up_runs_the_presenter_waits_for_it_not_beside_it(
    app, own_db, held_effects, monkeypatch
):
    """The warm-up's plan computes the story's effects: while it runs, presenter mode starts
    no computation of its own on the same cores; once it has ended without them, it does."""
    from pages import _pending
    from pages import _shared as ui

    started = []
    job = _pending._effects_job

    def counted(*args):
        started.append(args[-1])
        return job(*args)

    monkeypatch.setattr(_pending, "_effects_job", counted)
    monkeypatch.setattr(ui.warmer, "running", lambda key: True)
    at = app("pages/present.py", lang="en", step="7").run()
    assert not at.exception and at.info[0].value.startswith("Being computed")
    assert started == []
    monkeypatch.setattr(ui.warmer, "running", lambda key: False)  # it ended without them
    held_effects.set()
    for _ in range(600):
        at.run()
        if not at.info:
            break
    assert not at.exception and not at.info and sorted(set(started)) == [1, 2]


def test_the_presenter_waits_for_the_effects_only_once_the_warm_up_computes_them(
    app, own_db, held_effects, monkeypatch
):
    """In the warm-up's first seconds (its plan has not reached the effects of actions, which
    take seconds at 10,000 branches) the presenter does not wait for them at all; while the
    warm-up computes them, it waits at most PATIENCE."""
    from pages import _pending
    from pages import _shared as ui

    waits = []

    def until(condition, within, every=0.1):
        waits.append(within)
        return condition()

    monkeypatch.setattr(_pending.warming, "until", until)
    monkeypatch.setattr(ui.warmer, "running", lambda key: True)
    asides, aside = [], ui.warmer.visits.aside
    monkeypatch.setattr(ui.warmer.visits, "aside", lambda: asides.append(1) or aside())
    at = app("pages/present.py", lang="en", step="7").run()
    assert not at.exception and at.info[0].value.startswith("Being computed")
    assert waits == [] and asides == []  # not started: no wait
    monkeypatch.setattr(Dashboard, "effects_underway", lambda self, horizons: True)
    at.run()
    assert not at.exception and at.info[0].value.startswith("Being computed")
    # the steps wait, stepping aside; the fragment that asks again every 2 s (no page run)
    # only looks: no wait, and no page run to step aside from
    assert waits == [_pending.PATIENCE] and asides == [1]


def test_the_presenter_waits_for_the_effects_the_warm_up_is_computing(
    app, own_db, monkeypatch, held_estimate, no_ahead
):
    """The page sees the warm-up's own computation of the effects of actions (the same entry
    of the same memo, computed in another thread): it waits for it (PATIENCE) and shows the
    full story, not the story without them."""
    import threading

    from loyalty import config
    from pages import _cache, _pending
    from pages import _shared as ui

    monkeypatch.setattr(ui.warmer, "enabled", True)
    monkeypatch.setattr(ui, "warm_in_background", lambda db, rev: None)
    monkeypatch.setattr(ui.warmer, "running", lambda key: True)
    monkeypatch.setattr(_pending, "PATIENCE", 120.0)
    started, gate = held_estimate
    until, waits = _pending.warming.until, []

    def waiting(condition, within, every=0.1):
        waits.append(within)
        gate.set()  # the warm-up's computation goes on once the page waits for it
        return until(condition, within, every)

    monkeypatch.setattr(_pending.warming, "until", waiting)
    core = _cache._core(config.db_address(), own_db.revision(), None)  # as the warm-up's step
    warm_up = [threading.Thread(target=core.action_effects, args=(h,)) for h in (1, 2)]
    for thread in warm_up:
        thread.start()
    try:
        assert started.wait(120)
        at = app("pages/present.py", lang="en", step="7").run()
    finally:
        gate.set()
        for thread in warm_up:
            thread.join(120)
    assert waits and waits[0] == 120.0
    assert not at.exception and not at.info  # the full story's last step
    assert at.title[0].value == "What we did and what it changed"
    assert len(at.get("plotly_chart")) == 1
