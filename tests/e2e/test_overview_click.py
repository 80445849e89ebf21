"""An executive clicks a branch's point in the overview and lands on that branch."""

from __future__ import annotations

import polars as pl

from e2e.pages import BranchPage, OverviewPage


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
