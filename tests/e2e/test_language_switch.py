"""A change of language in the middle of an import keeps what the user chose: Streamlit keeps
a choice by the label shown, so the old language's label matched no option and the Data page
fell back to its first choice (a finance file was then checked as a survey)."""

from __future__ import annotations

from playwright.sync_api import expect

from e2e.pages import DataPage, wait_for_app


def test_the_data_pages_choices_survive_a_change_of_language(page, server):
    data = DataPage(page, server).open("de")
    page.get_by_role("radio", name="Finanzzahlen").check(force=True)
    wait_for_app(page)
    expect(page.get_by_role("radio", name="Finanzzahlen")).to_be_checked()
    page.get_by_role("radio", name="English").check(force=True)
    wait_for_app(page)
    expect(page.get_by_role("radio", name="Financial figures")).to_be_checked()
    expect(page.get_by_role("radio", name="Employee survey")).not_to_be_checked()
    assert data.page.url.endswith("lang=en")
