"""What the pages' download buttons hand out: the data each builds when it is clicked."""

from __future__ import annotations

import io
import re

import polars as pl
import pytest


@pytest.fixture
def downloads(monkeypatch):
    """The build of every audited download of a page run, by what it exports (the page's
    ``ui.audited`` records it instead of writing to the audit log)."""
    from pages import _shared as ui

    built: dict[str, object] = {}

    def record(what, build, **detail):
        built[f"{what} {detail.get('format', '')}".strip()] = build
        return build

    monkeypatch.setattr(ui, "audited", record)
    return built


def test_the_branch_table_downloads_carry_n_level_and_interval_in_german(app, downloads):
    at = app("pages/branches.py", lang="de").run()
    assert not at.exception
    text = downloads["branch table csv"]().decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert header[5:9] == [
        "Engagement: n (Antworten)",
        "Engagement (Mitarbeitendenebene, Mittelwert)",
        "Engagement: 95\u2011%\u2011KI unten",
        "Engagement: 95\u2011%\u2011KI oben",
    ]
    assert "NPS: n (Kundenantworten)" in header and "Kundenbindung: n (Kunden)" in header
    back = pl.read_csv(io.StringIO(text), separator=";", decimal_comma=True)
    hidden = back.filter(pl.col("Hinweis") == "weniger als 5 Antworten")
    high = "Engagement: 95\u2011%\u2011KI oben"
    assert hidden.height and hidden[high].null_count() == hidden.height
    xlsx = downloads["branch table xlsx"]()
    sheet = pl.read_excel(io.BytesIO(xlsx), sheet_name="Filialen")
    assert sheet.columns == header


def test_the_audit_log_download_has_the_screens_headers_and_german_times(app, downloads):
    at = app("pages/admin.py", lang="de").run()
    assert not at.exception
    lines = downloads["audit log"]().decode("utf-8-sig").splitlines()
    assert lines[0] == "Nr.;Zeitpunkt;Wer;Aktion;Gegenstand;Einzelheiten"
    assert re.match(r"^1;\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d;", lines[1]), lines[1]
    assert lines[1].split(";")[2:4] == ["Loyalty (Demodaten)", "Import"]  # as on the screen


def test_the_actions_download_has_german_dates_and_sheet(app, downloads):
    at = app("pages/actions.py", lang="de").run()
    assert not at.exception
    lines = downloads["actions csv"]().decode("utf-8-sig").splitlines()
    start = lines[0].split(";").index("Beginn")
    assert re.match(r"^\d\d\.\d\d\.\d{4}$", lines[1].split(";")[start]), lines[1]
    sheet = pl.read_excel(io.BytesIO(downloads["actions xlsx"]()), sheet_name="Maßnahmen")
    assert sheet["Beginn"].dtype == pl.Date
