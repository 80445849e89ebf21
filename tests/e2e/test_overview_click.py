"""An executive clicks a branch's point in the overview and lands on that branch."""

from __future__ import annotations

import polars as pl
from playwright.sync_api import expect

from e2e.pages import BranchesPage, BranchPage, OverviewPage


def _name(data, branch_id: str) -> str:
    return data.branches.filter(pl.col("branch_id") == branch_id)["name"][0]


def test_clicking_a_point_opens_that_branch_and_the_link_survives_reload(page, server, demo_data):
    overview = OverviewPage(page, server).open("en")
    branch_id = overview.scatter(1).click_most_isolated_point()  # loyalty -> return
    branch = BranchPage(page, server)
    branch.expect_branch(branch_id, _name(demo_data, branch_id))
    page.reload()
    branch.expect_branch(branch_id, _name(demo_data, branch_id))


def test_deep_link_opens_the_branch(page, server, demo_data):
    BranchPage(page, server).open("B042").expect_branch("B042", _name(demo_data, "B042"))


def test_a_deep_link_as_the_first_request_runs_through_the_entry_point(
    browser, tmp_path, demo_data
):
    """A fresh server whose first visitor follows a shared link still gets app.py: its
    navigation (page titles from st.navigation) and the language switch in the sidebar."""
    from e2e.conftest import serve
    from loyalty import demo
    from loyalty.store import Store

    store = Store(tmp_path / "own.duckdb")  # one DuckDB file per server process
    demo.seed_store(store, demo_data)
    store.close()
    with serve(tmp_path / "own.duckdb", tmp_path / "server.log") as url:
        context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="en-US")
        page = context.new_page()
        BranchPage(page, url).open("B042").expect_branch("B042", _name(demo_data, "B042"))
        nav = page.locator('[data-testid="stSidebarNav"]')
        expect(nav).to_contain_text("Overview")
        expect(nav).not_to_contain_text("shared")
        expect(page.get_by_text("Sprache / Language")).to_be_visible()
        context.close()


def test_clicking_a_heatmap_cell_opens_that_branch(page, server, demo_data):
    heatmap = BranchesPage(page, server).open("lang=en&region=Süd").heatmap()
    branch_id = heatmap.click_cell(5)
    BranchPage(page, server).expect_branch(branch_id, _name(demo_data, branch_id))


def test_a_point_of_a_webgl_chart_opens_its_branch(browser, tmp_path):
    """From charts.WEBGL_FROM branches the link charts draw with WebGL: a click on a point
    must still open that branch (the chain of 1,100 branches is the smallest that shows it)."""
    from e2e.conftest import serve
    from loyalty import charts, demo
    from loyalty.store import Store

    year, half = demo.recent_start(1)
    params = demo.DemoParams(
        n_branches=1100, n_waves=1, n_respondents=20_000, first_year=year, first_half=half
    )
    data = demo.generate(params)
    store = Store(tmp_path / "many.duckdb")
    demo.seed_store(store, data)
    store.close()
    with serve(tmp_path / "many.duckdb", tmp_path / "server.log") as url:
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
        page = context.new_page()
        overview = OverviewPage(page, url).open("en")
        chart = overview.scatter(1)  # loyalty -> return: every branch has both
        assert len(chart.branch_ids()) >= charts.WEBGL_FROM
        branch_id, kind = chart.click_most_isolated_drawn_point()
        assert kind == "scattergl"
        BranchPage(page, url).expect_branch(branch_id, _name(data, branch_id))
        context.close()
