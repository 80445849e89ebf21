"""Presenter mode: steps through the story, keeps the step in the URL, builds the deck."""

from __future__ import annotations

import io

from loyalty.dashboard import Dashboard


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
