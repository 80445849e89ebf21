"""Branch page, deepened: estimate and rank with intervals, expected vs actual, peers, where to
start, and previous/next in the Branches page's order."""

from __future__ import annotations

import polars as pl

from loyalty import analysis, model


def _texts(at) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.info, *at.success, *at.subheader)]
    return "\n".join(str(p) for p in parts)


def _links(at) -> list:
    return [e.proto for e in at.get("page_link")]


def test_branch_page_shows_estimate_rank_expectation_peers_and_focus(app, demo_store):
    at = app("pages/branch.py", branch="B042", lang="en").run()
    assert not at.exception
    text = _texts(at)
    table = analysis.branch_table(demo_store, "2025-H2")
    shown = table.filter(~pl.col("suppressed"))["branch_id"]
    est = model.engagement_estimates(analysis.respondent_engagement(demo_store, "2025-H2"), shown)
    e = est.filter(pl.col("branch_id") == "B042").row(0, named=True)
    assert f"Engagement adjusted for chance: **{e['shrunken']:.2f}** [95% CI" in text
    assert f"Rank **{e['rank']}** of {est.height} [95% CI rank {e['rank_low']} to" in text
    eva = model.expected_vs_actual(table).filter(pl.col("branch_id") == "B042").row(0, named=True)
    word = "above" if eva["loyalty_residual"] >= 0 else "below"
    assert f"NPS: {abs(eva['loyalty_residual']):.1f} points **{word}** what its engagement" in text
    peers = model.peers(table, "B042")
    assert f"{peers.height} branches of the same region" in text
    assert "Where to start" in text or "No engagement dimension is below" in text


def test_previous_and_next_follow_the_list_order_from_the_url(app, demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    order = analysis.BranchFilter(regions=("Nord",), sort="nps", descending=True)
    ids = order.apply(table)["branch_id"].to_list()
    names = dict(zip(table["branch_id"], table["name"], strict=True))
    at = app("pages/branch.py", branch=ids[3], lang="en", region="Nord", sort="nps", desc="1")
    at.run()
    assert not at.exception
    links = _links(at)
    labels = [link.label for link in links]
    assert f"Previous: {names[ids[2]]}" in labels and f"Next: {names[ids[4]]}" in labels
    prev = next(link for link in links if link.label.startswith("Previous"))
    assert f"branch={ids[2]}" in prev.query_string
    assert "sort=nps" in prev.query_string and "desc=1" in prev.query_string
    back = next(link for link in links if link.label.startswith("Back to the list"))
    assert back.label == "Back to the list (sorted by NPS)"


def test_suppressed_branch_gets_no_estimate_and_no_focus(app, demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    small = table.filter(pl.col("suppressed") & (pl.col("n_respondents") > 0))["branch_id"][0]
    at = app("pages/branch.py", branch=small, lang="en").run()
    assert not at.exception
    text = _texts(at)
    assert "Engagement adjusted for chance" not in text and "Where to start" not in text
    assert "NPS: no expectation can be computed" in text
