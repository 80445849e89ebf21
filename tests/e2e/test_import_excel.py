"""HR uploads a German Excel survey, maps its branch column by hand, checks and confirms it,
and the branch page shows the new figures."""

from __future__ import annotations

import shutil

import polars as pl
from playwright.sync_api import expect

from e2e.conftest import serve
from e2e.pages import BranchPage, DataPage
from loyalty import demo


def _german_excel(demo_data, folder) -> str:
    """The demo survey as an Excel sheet; branch column renamed so nothing suggests it, every
    answer of B042 at the top of the scale (reverse-keyed items at the bottom)."""
    csv = next(p for p in demo.write_samples(demo_data, folder) if "befragung" in p.name)
    frame = pl.read_csv(csv, separator=";", encoding="cp1252", infer_schema=False)
    items = [c for c in frame.columns if c[:3] in ("MOT", "COM", "LEA", "KUN")]
    top = pl.col("Filiale") == "B042"
    frame = frame.with_columns(
        pl.when(top)
        .then(pl.lit("1" if c in ("COM3", "LEA3") else "5"))
        .otherwise(pl.col(c))
        .cast(pl.Int64)
        .alias(c)
        for c in items
    ).rename({"Filiale": "Betrieb"})
    path = folder / "Mitarbeiterbefragung 2025-H2.xlsx"
    frame.write_excel(path, worksheet="Befragung")
    return str(path)


def test_hr_imports_a_german_excel_survey_and_the_dashboard_changes(
    browser, tmp_path, demo_db, demo_data
):
    db = tmp_path / "hr.duckdb"
    shutil.copy(demo_db, db)
    excel = _german_excel(demo_data, tmp_path)
    with serve(db, tmp_path / "server.log") as url:
        context = browser.new_context(viewport={"width": 1600, "height": 1100}, locale="de-DE")
        page = context.new_page()
        page.set_default_timeout(60_000)
        branch = BranchPage(page, url).open("B042", lang="de")
        before = branch.metric("Engagement-Index (1–5)")
        assert before != "5,00"

        data = DataPage(page, url).open("de")
        data.upload(excel)
        expect(page.get_by_text("Erkannt: XLSX")).to_be_visible()
        data.choose("In welche Welle?", "2025-H2")
        data.choose("Filialnummer *", "Betrieb")
        data.click("Prüfen")
        expect(page.get_by_text("Die Prüfung ist bestanden")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("1.728 Zeilen gelesen, 1.728 gültig, 0 Probleme.")).to_be_visible()
        data.click("Import bestätigen")
        expect(page.get_by_text("Gespeichert: Welle 2025-H2, Version 2")).to_be_visible(
            timeout=60_000
        )

        branch.open("B042", lang="de")
        expect(branch.metric_locator("Engagement-Index (1–5)")).to_contain_text("5,00")
        context.close()
