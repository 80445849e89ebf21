"""User journeys with sign-in (LOYALTY_AUTH=password): an HR user imports a survey, an
executive compares a branch with peers, a region-scoped user never sees another region."""

from __future__ import annotations

import re
import shutil

import polars as pl
import pytest
from playwright.sync_api import expect

from e2e.conftest import serve
from e2e.pages import BranchPage, DataPage, OverviewPage, SignInPage, wait_for_app
from loyalty import users
from loyalty.store import Store

PASSWORD = "journeys-secret-1"


@pytest.fixture(scope="module")
def signed_server(demo_db, tmp_path_factory, browser):
    folder = tmp_path_factory.mktemp("journeys")
    db = folder / "journeys.duckdb"
    shutil.copy(demo_db, db)
    store = Store(db)
    users.add_user(store, "hr", role="hr", actor="test", password=PASSWORD)
    users.add_user(store, "exec", role="executive", actor="test", password=PASSWORD)
    users.add_user(store, "nord", role="executive", regions=["Nord"], actor="test",
                   password=PASSWORD)  # fmt: skip
    regions = store.sql("SELECT branch_id, region, name FROM branches")
    store.close()
    mp = pytest.MonkeyPatch()
    mp.setenv("LOYALTY_AUTH", "password")
    with serve(db, folder / "server.log") as url:
        yield url, regions
    mp.undo()


def _page(browser):
    context = browser.new_context(viewport={"width": 1600, "height": 1100}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


def test_hr_signs_in_and_imports_a_new_wave(browser, signed_server, demo_data, tmp_path):
    url, _ = signed_server
    from e2e.test_import_excel import _german_excel

    excel = _german_excel(demo_data, tmp_path)
    frame = pl.read_excel(excel).with_columns(pl.lit("2026-H1").alias("Welle"))
    frame.write_excel(excel, worksheet="Befragung")
    context, page = _page(browser)
    SignInPage(page, url).sign_in("hr", PASSWORD, "data", lang="de")
    data = DataPage(page, url)
    expect(page.get_by_role("heading", name="Daten importieren und verwalten")).to_be_visible()
    data.upload(excel)
    data.choose("In welche Welle?", "aus einer Spalte der Datei")
    data.choose("Filialnummer *", "Betrieb")
    data.click("Prüfen")
    expect(page.get_by_text("Die Prüfung ist bestanden")).to_be_visible(timeout=60_000)
    data.click("Import bestätigen")
    expect(page.get_by_text("Gespeichert: Welle 2026-H1, Version 1")).to_be_visible(timeout=60_000)
    # a new page load is a new Streamlit session: the session cookie keeps the user signed in
    SignInPage(page, url).open("branch", "branch=B042&wave=2026-H1", "de")
    expect(page.get_by_role("combobox", name="Welle")).to_have_value("2026-H1")
    expect(BranchPage(page, url).metric_locator("Engagement-Index (1–5)")).to_contain_text("5,00")
    context.close()


def test_executive_opens_a_branch_and_compares_it_with_two_peers(browser, signed_server):
    url, regions = signed_server
    context, page = _page(browser)
    SignInPage(page, url).sign_in("exec", PASSWORD)
    overview = OverviewPage(page, url)
    expect(page.locator(".js-plotly-plot").nth(2)).to_be_visible()
    branch_id = overview.scatter(0).click_most_isolated_point()
    expect(page).to_have_url(re.compile(rf"/branch\?(.*&)?branch={branch_id}"))
    expect(page.get_by_text(re.compile(r"\d+ branches of the same region"))).to_be_visible()
    page.get_by_role("link", name="Compare with the 2 most similar").click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(rf"/compare\?(.*&)?branches={branch_id}(%2C|,)B\d+"))
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    selected = page.locator('[data-testid="stMultiSelect"]').first.inner_text()
    assert selected.count("·") == 3 and branch_id in selected

    context.close()


def test_a_region_scoped_user_never_sees_another_region(browser, signed_server):
    url, regions = signed_server
    sued = regions.filter(pl.col("region") == "Süd")
    context, page = _page(browser)
    SignInPage(page, url).sign_in("nord", PASSWORD, "branches")
    expect(page.get_by_text(re.compile(r"^\d+ of \d+ branches ·"))).to_be_visible()
    table_text = page.locator('[data-testid="stDataFrame"]').first.inner_text()
    assert not any(b in table_text for b in sued["branch_id"].to_list())
    victim = sued["branch_id"][0]
    SignInPage(page, url).open("branch", f"branch={victim}")  # an edited URL, still signed in
    expect(page.get_by_text(f"There is no branch “{victim}”.")).to_be_visible()
    expect(page.get_by_text(sued["name"][0], exact=True)).to_have_count(0)
    context.close()
