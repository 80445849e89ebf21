"""Every way out of the app goes through the export permission and the audit log (issue 15,
point 6): the table toolbar offers no "Download as CSV" to anyone; a role without ``export``
gets no download at all, a role with it gets the app's own buttons (which write the audit log:
tests/app/test_roles.py)."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from e2e.conftest import serve
from e2e.pages import SignInPage, wait_for_app
from loyalty import users
from loyalty.store import Store

PASSWORD = "no-export-secret-1"


@pytest.fixture(scope="module")
def signed_server(demo_db, tmp_path_factory, browser):
    folder = tmp_path_factory.mktemp("no_export")
    db = folder / "no_export.duckdb"
    shutil.copy(demo_db, db)
    store = Store(db)
    users.add_user(store, "hr", role="hr", actor="test", password=PASSWORD)
    users.add_user(store, "boss", role="admin", actor="test", password=PASSWORD)
    store.close()
    mp = pytest.MonkeyPatch()
    mp.setenv("LOYALTY_AUTH", "password")
    with serve(db, folder / "server.log") as url:
        yield url, db
    mp.undo()


def _branches(browser, url, user, lang):
    context = browser.new_context(
        viewport={"width": 1600, "height": 1100}, locale="de-DE" if lang == "de" else "en-US"
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    SignInPage(page, url).sign_in(user, PASSWORD, "branches", lang=lang)
    wait_for_app(page)
    table = page.locator('[data-testid="stDataFrame"]').first
    expect(table).to_be_visible(timeout=60_000)
    table.hover()
    # the toolbar is there (search), only the CSV download is not
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    expect(toolbar.get_by_role("button", name="Search")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="Download as CSV")).to_have_count(0)
    return context, page


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_role_without_export_gets_no_download_from_the_table(browser, signed_server, lang):
    url, _ = signed_server
    context, page = _branches(browser, url, "hr", lang)
    try:
        expect(page.locator('[data-testid="stDownloadButton"]')).to_have_count(0)
    finally:
        context.close()


def test_a_role_with_export_downloads_through_the_audited_buttons(browser, signed_server):
    url, _ = signed_server
    context, page = _branches(browser, url, "boss", "en")
    try:
        button = page.locator('[data-testid="stDownloadButton"]').get_by_role("button", name="CSV")
        expect(button).to_be_visible()
        with page.expect_download() as download:
            button.click()
        assert download.value.suggested_filename.endswith(".csv")
    finally:
        context.close()
