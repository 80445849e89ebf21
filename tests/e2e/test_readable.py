"""Readable from the back of the room: every page (1440×900) and every presenter step
(1280×720) in both languages on the demo data, with screenshots in
tests/artifacts/screenshots.

- German mode shows no English UI text and no decimal point in a number, the file
  uploader's texts (also while a file is dragged over it) included;
- no two text elements of a chart overlap, no whisker runs through a text, the legend covers
  none, no chart text is cut off and no category axis leaves a bar unnamed;
- in presenter mode every chart text is at least 20 px and a branch's card opens in view,
  its labels whole.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from e2e import readable
from e2e.pages import PresenterPage
from loyalty import charts, style
from loyalty.dashboard import Dashboard
from loyalty.i18n import t

LANGUAGES = ("de", "en")


@pytest.fixture
def wide(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(120_000)
    yield page
    context.close()


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(120_000)
    yield page
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_is_in_its_language_and_no_chart_text_collides(wide, server, lang):
    problems: dict[str, list[str]] = {}
    for path, query, n_charts, tab in readable.PAGES:
        name = f"{lang}-{path or 'overview'}"
        url = f"{server}/{path}?{query}&lang={lang}".replace("?&", "?")
        readable.open_page(wide, url, n_charts)
        texts = [readable.visible_text(wide)]
        if tab is not None:
            readable.open_tab(wide, tab)
            texts.append(readable.visible_text(wide))
        readable.screenshot(wide, name)
        readable.chart_screenshots(wide, name)
        found = []
        if lang == "de":
            text = "\n".join(texts)
            found += [f"English: {w}" for w in readable.english_words(text)]
            found += [f"decimal point: {n}" for n in readable.decimal_points(text)]
        for i, chart in enumerate(readable.chart_texts(wide), start=1):
            found += [f"chart {i}: {c}" for c in readable.collisions(chart)]
        if found:
            problems[name] = found
    _report(f"pages-{lang}", problems)
    assert not problems, problems


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_file_uploader_speaks_the_language_also_while_a_file_is_dragged_over(
    wide, server, lang
):
    """Streamlit's uploader texts are fixed English; loyalty.style puts ours in their place:
    the button, the size limit and, while a file is dragged over it, the drop prompt."""
    zone = '[data-testid="stFileUploaderDropzone"]'
    readable.open_page(wide, f"{server}/data?lang={lang}")
    # the hint below the uploader: the run has drawn the uploader and the style before it
    expect(wide.get_by_text(t("data.upload_hint", lang))).to_be_visible()
    idle = readable.shown_text(wide, zone)
    assert t("upload.button", lang) in idle and "200 MB" in idle, idle
    readable.drag_file_over(wide, zone)
    wide.locator(f"{zone} > div:not([data-testid])").first.wait_for()  # the drop overlay
    readable.screenshot(wide, f"{lang}-data-drag")
    dragged = readable.shown_text(wide, zone)
    assert t("upload.drop", lang) in dragged, dragged
    # a file chosen: its name, not its size in Streamlit's English format ("99.5KB")
    wide.locator(f'{zone} input[type="file"]').first.set_input_files(
        {"name": "befragung.csv", "mimeType": "text/csv", "buffer": b"Filiale;A1\nB001;4\n" * 300}
    )
    chip = '[data-testid="stFileChip"]'
    wide.locator(chip).first.wait_for()
    chosen = readable.shown_text(wide, chip)
    assert "befragung" in chosen and not re.search(r"\d\s?[KMG]?B\b", chosen), chosen
    if lang == "de":
        for text in (idle, dragged):
            assert not readable.english_words(text), text
            assert "MB per file" not in text and "Browse" not in text, text


def _report(name: str, problems: dict) -> None:
    """Everything found, in full, beside the screenshots (the assertion shortens it)."""
    readable.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(problems, ensure_ascii=False, indent=1)
    (readable.SCREENSHOTS / f"problems-{name}.json").write_text(text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_presenter_steps_are_large_and_the_card_opens_in_view(projector, server, demo_store, lang):
    steps = Dashboard(demo_store, n_boot=100).story("2025-H2", lang)
    present = PresenterPage(projector, server)
    prefix = "present" if lang == "de" else f"present-{lang}"
    problems: dict[str, list[str]] = {}
    for i, step in enumerate(steps, start=1):
        readable.open_page(projector, f"{server}/present?lang={lang}&step={i}", 1)
        expect(present.title()).to_have_text(step.title)
        readable.screenshot(projector, f"{prefix}-{i}-{step.key}")
        found = []
        text = projector.locator(f".st-key-{style.PRESENTER_TEXT_KEY}").bounding_box()
        if text["y"] + text["height"] > 720:  # the whole step on the screen, no scrolling
            found.append(f"text ends at {text['y'] + text['height']:.0f} px, below 720")
        for chart in readable.chart_texts(projector):
            small = sorted({t["text"] for t in chart["texts"] if t["size"] < charts.PRESENT_FONT})
            found += [f"smaller than {charts.PRESENT_FONT} px: {t}" for t in small]
            found += readable.collisions(chart)
        if found:
            problems[step.key] = found
    _report(prefix, problems)
    assert not problems, problems

    # a question from the room: the card answers beside the chart, without scrolling
    readable.open_page(projector, f"{server}/present?lang={lang}&step=1", 1)
    present.chart().click_most_isolated_point()
    card = present.branch_card()
    expect(card).to_be_visible()
    box = card.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 720, box
    # and its labels are whole, not cut to "Kundenbindungsr…"
    labels = card.locator('[data-testid="stMetricLabel"]')
    expect(labels).to_have_count(4)
    cut = labels.evaluate_all(
        """els => els.filter(e => [...e.querySelectorAll('*')]
                                 .some(x => x.scrollWidth > x.clientWidth + 1))
                     .map(e => e.innerText)"""
    )
    assert not cut, cut
    readable.screenshot(projector, f"{prefix}-1-card")
