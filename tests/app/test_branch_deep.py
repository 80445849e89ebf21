"""Branch page, deepened: estimate and rank with intervals, expected vs actual, peers, where to
start, and previous/next in the Branches page's order."""

from __future__ import annotations

import json

import polars as pl
import pytest

from loyalty import analysis, model
from loyalty.i18n import t
from loyalty.store import open_store


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


def test_the_branch_page_computes_its_statistics_ahead_and_reads_them_once(
    app, own_db, monkeypatch, record_ahead
):
    """Served, the Branch page starts its estimates, expected-vs-actual and drivers of the
    shown wave ahead (beside every wave's table); the page then reads those very entries: each
    computed once. In scripts and tests (no warm-up) nothing is computed ahead."""
    from loyalty.dashboard import Dashboard

    computed: list[str] = []
    for method in ("estimates", "expected_vs_actual", "drivers"):
        original = getattr(Dashboard, method)

        def counting(self, *args, _original=original, _name=method):
            computed.append(_name)
            return _original(self, *args)

        monkeypatch.setattr(Dashboard, method, counting)
    asked = record_ahead(served=False)
    assert not app("pages/branch.py", branch="B042", lang="en", wave="2025-H1").run().exception
    assert asked == []
    asked = record_ahead()
    computed.clear()
    at = app("pages/branch.py", branch="B042", lang="en", wave="2025-H2").run()
    assert not at.exception and "Engagement adjusted for chance" in _texts(at)
    assert asked == [
        ("estimates", "2025-H2"),
        ("expected_vs_actual", "2025-H2", "nps"),
        ("drivers", "2025-H2", "nps"),
    ]
    # the page's own reads found the entries computed ahead: one computation each
    assert sorted(computed) == ["drivers", "estimates", "expected_vs_actual"]


def test_the_what_if_page_computes_the_lags_and_corrected_links_ahead(app, own_db, record_ahead):
    asked = record_ahead()
    at = app("pages/whatif.py", lang="en").run()
    assert not at.exception
    assert asked == [("lags", "nps"), ("corrected_links", "2025-H2", "nps")]


def test_presenter_mode_computes_its_step_and_the_story_ahead_once(
    app, own_db, monkeypatch, record_ahead
):
    """Presenter mode's run computes only the step it shows: the first step's wave table,
    links and corrected links, not the lags over every wave, the what-if, the quadrants or
    the headline. Served, it asks for the story's results ahead, in the story's order; the
    next step's run asks for nothing (once per revision, scope and request). A script asks
    for nothing ahead."""
    from loyalty.dashboard import Memo

    computed: list[tuple] = []
    original = Memo._kept_or_computed

    def counting(self, key, compute):
        computed.append(key)
        return original(self, key, compute)

    monkeypatch.setattr(Memo, "_kept_or_computed", counting)
    asked = record_ahead(served=False)
    at = app("pages/present.py", lang="en").run()
    assert not at.exception and asked == []
    names = {key[0] for key in computed}
    assert {"table", "links", "corrected"} <= names
    assert not names & {"lags", "what_if", "what_if_paths", "quadrants", "headline", "churn"}
    assert at.title[0].value == t("story.chain.title", "en")
    asked = record_ahead()
    at = app("pages/present.py", lang="en").run()
    assert not at.exception
    wave = "2025-H2"
    assert asked == [
        ("branch_table", wave, "nps"),
        ("chain_links", wave, "nps"),
        ("headline", wave, "nps"),
        ("quadrants", wave, "nps"),
        ("churn", wave, None),
        ("what_if", wave, "nps", *model.WHAT_IF_DEFAULT),
        ("lags", "nps"),
        ("corrected_links", wave, "nps"),
    ]
    asked.clear()
    at.button(key="present_next").click().run()
    assert not at.exception and asked == []
    assert at.title[0].value == t("story.return.title", "en")


def test_an_ahead_that_failed_is_tried_again_on_the_pages_next_run(
    app, own_db, monkeypatch, record_ahead
):
    """A failed thread ahead is not kept: the page's next run starts it again (meanwhile the
    page computed what it reads itself)."""
    from concurrent.futures import Future

    from pages import _warm

    asked = record_ahead()
    failures = [RuntimeError("the thread failed")]

    def failing_once(compute, name=""):
        future: Future = Future()
        if failures:
            future.set_exception(failures.pop())
        else:
            future.set_result(compute())
        return future

    monkeypatch.setattr(_warm.warming, "in_background", failing_once)
    at = app("pages/whatif.py", lang="en").run()
    assert not at.exception and asked == []
    at.run()
    assert not at.exception
    assert asked == [("lags", "nps"), ("corrected_links", "2025-H2", "nps")]


def test_the_one_branch_with_enough_answers_is_told_why_it_has_no_estimate(
    app, own_db, demo_store, monkeypatch
):
    """A minimum only one branch of the wave reaches: that branch is shown, but there is
    nothing to estimate it against (the shrinkage needs the spread between branches). Its own
    store: nothing computed under the usual minimum is read back."""
    table = analysis.branch_table(demo_store, "2025-H2").sort("n_respondents", descending=True)
    (top, n_top), (_, n_next) = table.select("branch_id", "n_respondents").head(2).iter_rows()
    assert n_top > n_next
    monkeypatch.setenv("LOYALTY_MIN_GROUP_SIZE", str(n_next + 1))
    at = app("pages/branch.py", branch=top, lang="en").run()
    assert not at.exception, at.exception
    text = _texts(at)
    expected = f"The estimate needs at least two branches with {n_next + 1} or more responses."
    assert expected in text
    assert "Engagement adjusted for chance" not in text


@pytest.fixture
def left_out_db(own_db):
    """The newest wave answered leadership by one in ten: the wave leaves it out."""
    with open_store(own_db).transaction() as cur:
        cur.execute(
            "DELETE FROM response_scores WHERE item_id IN (SELECT item_id FROM items "
            "WHERE dimension_id = 'leadership') AND response_id IN (SELECT response_id "
            "FROM responses WHERE wave = '2025-H2' AND response_id % 10 <> 0)"
        )
    return own_db


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_dimension_the_wave_left_out_has_no_place_and_is_named(app, left_out_db, lang):
    leadership, said = {
        "de": ("Führung", "Keine Werte in dieser Welle: "),
        "en": ("Leadership", "No values in this wave: "),
    }[lang]
    for page, query in (("branch", {"branch": "B042"}), ("compare", {"branches": "B042,B043"})):
        at = app(f"pages/{page}.py", lang=lang, **query).run()
        assert not at.exception, at.exception
        (note,) = [c.value for c in at.caption if c.value.startswith(said)]
        assert note == t("dimensions.unmeasured", lang, dims=leadership), note
        specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
        shown = [  # the dimension bars' names, the comparison's panel titles
            [*s["data"][0].get("x", []), *(a["text"] for a in s["layout"].get("annotations", []))]
            for s in specs
        ]
        (dims,) = [names for names in shown if "Motivation" in names]
        assert leadership not in dims and len(dims) >= 3, dims
    at = app("pages/branches.py", lang=lang).run()  # the heatmap's columns
    assert not at.exception, at.exception
    assert [c.value for c in at.caption if c.value.startswith(said)] == [
        t("dimensions.unmeasured", lang, dims=leadership)
    ]
    traces = [
        [d.get("name") for d in json.loads(c.proto.spec)["data"]] for c in at.get("plotly_chart")
    ]
    (columns,) = [set(names) - {None} for names in traces if "Motivation" in names]
    assert leadership not in columns and len(columns) == 3, columns
    at = app("pages/drivers.py", lang=lang).run()  # its weights: over the dimensions asked
    assert not at.exception, at.exception
    assert [c.value for c in at.caption if c.value.startswith(said)] == [
        t("dimensions.unmeasured", lang, dims=leadership)
    ]
    bars = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"]
    assert leadership not in bars and len(bars) == 3, bars
    at = app("pages/branch.py", lang=lang, branch="B042", wave="2025-H1").run()
    assert not any(c.value.startswith(said) for c in at.caption)
