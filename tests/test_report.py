"""The story and its exports: deck (PPTX) and PDF, built in the system Chromium."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import polars as pl
import pytest

from loyalty import analysis, cli, exports, fitting, report, story
from loyalty.dashboard import Dashboard


@pytest.fixture(scope="module")
def steps(demo_store):
    return Dashboard(demo_store, n_boot=300).story("2025-H2", "en")


@pytest.fixture
def chromium():
    if not Path(exports.CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{exports.CHROMIUM} is missing: `make test` installs it as root")
        pytest.skip(f"{exports.CHROMIUM} is missing")


def test_the_story_has_its_steps_with_n_and_intervals(steps):
    assert [s.key for s in steps] == list(story.STEP_KEYS)
    text = story.frame_of(steps)["text"].to_list()
    assert "95% CI" in text[0] and "branch level" in text[0]
    assert "× [" in text[1] and "bootstrap" in text[1]
    assert "(n\u00a0=\u00a0" in text[2] and "(n\u00a0=\u00a0" in text[4]
    assert "67%" in text[4]


def test_no_suppressed_score_in_any_step(steps, demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    hidden = set(table.filter(pl.col("suppressed"))["branch_id"])
    chain = next(s for s in steps if s.key == "chain").figure  # engagement on the x axis
    assert not set(chain.data[0].customdata) & hidden
    assert len(chain.data[0].customdata) == table.height - len(hidden)
    ret = next(s for s in steps if s.key == "return").figure  # no engagement: all branches
    assert set(ret.data[0].customdata) >= hidden
    lost = next(s for s in steps if s.key == "branches").figure
    coloured, grey = lost.data
    hidden_labels = {y.split(" · ")[0] for y in grey.y}
    assert hidden_labels <= hidden and set(grey.text) <= {"< 5"}
    assert not {y.split(" · ")[0] for y in coloured.y} & hidden


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_steps_text_fits_beside_its_chart_and_none_is_lost(demo_store, lang):
    for step in Dashboard(demo_store, n_boot=100).story("2025-H2", lang):
        fit = report.layout(step.lines)
        assert fit.height_px <= report.TEXT_HEIGHT_PX, (step.key, fit)
        shown = "".join("".join(rows) for rows in fit.rows)  # wrapped at spaces and hyphens
        assert shown.replace(" ", "") == "".join(map(fitting.plain, step.lines)).replace(" ", "")


def test_the_larger_first_line_is_wrapped_at_its_own_size(steps):
    """The deck and PDF show a step's first line LEAD_PX larger: wrapped at the column's
    size it ran past the page's right edge ("… rose by 0" for "… rose by 0.3 points?")."""
    for step in steps:
        fit = report.layout(step.lines)
        size = fit.size_px + fitting.LEAD_PX
        budget = int(fit.column_px / (fitting.DECK.glyph_em * size)) - 1
        assert max(len(row) for row in fit.rows[0]) <= budget, (step.key, fit.rows[0])


def test_a_first_line_of_several_rows_counts_each_row_larger():
    one = report.layout(("word " * 5, "x"))
    three = report.layout(("word " * 40, "x"))  # the first line wraps to several rows
    assert len(three.rows[0]) > 1 and three.size_px == one.size_px
    size, spacing = three.size_px, fitting.DECK.line_spacing
    rows = sum(len(r) for r in three.rows)
    expected = ((rows + 1) * size + fitting.LEAD_PX * len(three.rows[0])) * spacing
    assert three.height_px == pytest.approx(expected)


def test_a_longer_text_gets_a_smaller_size_or_a_narrower_chart():
    short, long = report.layout(("A line.",)), report.layout(("word " * 250,))
    assert (short.size_px, short.chart_px) == (
        fitting.DECK.text_px[0],
        fitting.DECK.chart_widths_px[0],
    )
    assert long.size_px < short.size_px or long.chart_px < short.chart_px
    assert long.height_px <= report.TEXT_HEIGHT_PX


@pytest.mark.browser
def test_deck_has_a_title_slide_and_one_slide_per_step(steps, chromium):
    from pptx import Presentation

    data = report.build_pptx(steps, "en", "2025-H2")
    deck = Presentation(io.BytesIO(data))
    slides = list(deck.slides)
    assert len(slides) == 1 + len(steps)
    assert slides[0].shapes.title.text == "The loyalty chain"
    for slide, step in zip(slides[1:], steps, strict=True):
        assert slide.shapes.title.text == step.title
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1
        texts = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        assert step.lines[0] in texts
        notes = slide.notes_slide.notes_text_frame.text
        assert all(fitting.plain(line) in notes for line in step.lines)


@pytest.mark.browser
def test_pdf_has_a_page_per_step_with_its_text(steps, chromium):
    from pypdf import PdfReader

    seen = []
    data = report.build_pdf(steps, "en", "2025-H2", progress=lambda f, m: seen.append(f))
    pdf = PdfReader(io.BytesIO(data))
    assert len(pdf.pages) == 1 + len(steps)
    assert "The loyalty chain" in pdf.pages[0].extract_text()
    assert "Why customers leave" in pdf.pages[-3].extract_text()
    what_if = pdf.pages[-2].extract_text()
    assert "What if" in what_if and "Caution: this rests on associations" in what_if
    last = pdf.pages[-1].extract_text()
    assert "What we did and what it changed" in last and "not randomised" in last

    assert seen[0] == 0 and seen[-1] == 1.0 and seen == sorted(seen)


@pytest.mark.browser
def test_cli_report_writes_a_german_deck(demo_db, tmp_path, capsys, chromium):
    from pptx import Presentation

    out = tmp_path / "deck.pptx"
    from loyalty.store import close_all

    close_all()
    assert (
        cli.main(
            ["report", "--out", str(out), "--db", str(demo_db), "--lang", "de", "--wave", "2024-H2"]
        )
        == 0
    )
    assert "geschrieben" in capsys.readouterr().out
    deck = Presentation(str(out))
    assert deck.slides[0].placeholders[1].text.startswith("Befragungswelle 2024-H2")
    assert not list(tmp_path.glob("*.part"))
    close_all()
    from loyalty import versions
    from loyalty.store import Store

    store = Store(demo_db)
    log = versions.audit_log(store).filter(pl.col("action") == "export")
    store.close()
    assert log["target"][-1] == "story pptx" and log["actor"][-1].startswith("cli")
    assert str(out) in log["detail"][-1]


def test_cli_report_usage_errors(demo_db, tmp_path, capsys):
    assert (
        cli.main(
            ["report", "--out", str(tmp_path / "x.docx"), "--db", str(demo_db), "--lang", "en"]
        )
        == 2
    )
    assert "use .pptx or .pdf" in capsys.readouterr().err
    assert (
        cli.main(
            [
                "report",
                "--out",
                str(tmp_path / "x.pdf"),
                "--db",
                str(demo_db),
                "--lang",
                "en",
                "--wave",
                "1999-H1",
            ]
        )
        == 2
    )
    assert "There is no wave “1999-H1”" in capsys.readouterr().err


def test_report_without_wave_after_a_survey_only_import_reports_the_complete_wave(
    tmp_path, monkeypatch, capsys
):
    """One default-wave rule: a newer wave that has only its survey is not the report's
    default, as it is not the app's — the newest complete wave is."""
    from loyalty import demo
    from loyalty.importing.run import run_import
    from loyalty.store import Store, close_all

    data = demo.generate(demo.DemoParams(n_branches=30, n_waves=2))
    db = tmp_path / "chain.duckdb"
    store = Store(db)
    demo.seed_store(store, data)
    complete = analysis.complete_waves(store)[-1]
    sample = demo.write_samples(data, tmp_path / "samples")[0].read_bytes().decode("cp1252")
    newer = pl.read_csv(sample.encode(), separator=";", infer_schema=False).with_columns(
        pl.lit("2099-H1").alias("Welle")
    )
    survey = newer.write_csv(separator=";").encode("cp1252")
    out = run_import(store, survey, "umfrage.csv", "engagement", "2099-H1", actor="hr")
    assert out.stored, out.report.render_text("en")
    assert analysis.waves(store)[-1] == "2099-H1" and complete != "2099-H1"
    assert analysis.default_wave(store) == complete
    store.close()
    close_all()

    built = []
    monkeypatch.setattr(Dashboard, "story", lambda core, wave, lang, loyalty: built.append(wave))
    monkeypatch.setattr(report, "build_pptx", lambda steps, lang, wave, progress: b"deck")
    deck = tmp_path / "deck.pptx"
    assert cli.main(["report", "--out", str(deck), "--db", str(db), "--lang", "en"]) == 0
    assert built == [complete] and deck.read_bytes() == b"deck"
    close_all()


def test_the_title_page_dates_the_deck_in_the_languages_format():
    day = dt.date(2026, 12, 5)
    title, subtitle = report.deck_title("de", "2026-H1", today=day)
    assert title == "Die Loyalitätskette"
    assert subtitle == "Befragungswelle 2026-H1 · erstellt am 05.12.2026 mit Loyalty"
    _title, subtitle = report.deck_title("en", "2026-H1", today=day)
    assert subtitle == "Survey wave 2026-H1 · made on 2026-12-05 with Loyalty"
