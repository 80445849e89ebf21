"""A presenter steps through the story by keyboard, answers a question, takes the deck home."""

from __future__ import annotations

import re

import polars as pl
from playwright.sync_api import expect
from pptx import Presentation

from e2e.pages import PresenterPage
from loyalty.dashboard import Dashboard


def test_presenter_steps_through_the_story_and_downloads_the_deck(page, server, demo_store):
    # the served store holds the same demo data as demo_store (the server locks its own file)
    steps = Dashboard(demo_store).story("2025-H2", "en")
    names = demo_store.sql("SELECT branch_id, name FROM branches")
    present = PresenterPage(page, server).open()
    expect(present.title()).to_have_text(steps[0].title)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()

    # a question from the room: which branch is that point? The card answers in place.
    branch_id = present.chart().click_most_isolated_point()
    name = names.filter(pl.col("branch_id") == branch_id)["name"][0]
    expect(present.branch_card()).to_contain_text(f"{name} ({branch_id})")
    expect(present.title()).to_have_text(steps[0].title)

    for i, step in enumerate(steps[1:], start=2):
        present.press("ArrowRight")
        expect(present.title()).to_have_text(step.title)
        expect(page).to_have_url(re.compile(rf"step={i}(&|$)"))
    present.press("ArrowLeft")
    expect(present.title()).to_have_text(steps[-2].title)

    path = present.download("pptx", "Build PowerPoint", "Download PowerPoint")
    deck = Presentation(str(path))
    titles = [slide.shapes.title.text for slide in deck.slides]
    assert titles == ["The loyalty chain", *(s.title for s in steps)]
    assert all(len(slide.shapes) >= 3 for slide in list(deck.slides)[1:])  # title, chart, text
