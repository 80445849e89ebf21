"""After the retention purge every page still renders the purged wave from its saved branch
figures, and says where answers are gone."""

from __future__ import annotations

import json
import shutil
from datetime import datetime

import pytest

from loyalty import retention
from loyalty.store import open_store


@pytest.fixture
def purged_db(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "purged.duckdb"
    shutil.copy(demo_db, path)
    store = open_store(path)
    retention.purge(store, months=24, now=datetime(2026, 11, 22), actor="test")
    monkeypatch.setenv("LOYALTY_DB", str(path))
    return path


@pytest.mark.parametrize(
    "page", ["overview", "branches", "compare", "branch", "whatif", "drivers", "methods", "present"]
)
def test_pages_render_a_purged_wave(app, purged_db, page):
    query = {"wave": "2024-H1", "lang": "en"}
    if page == "branch":
        query["branch"] = "B042"
    if page == "compare":
        query["branches"] = "B042,B043"
    at = app(None if page == "overview" else f"pages/{page}.py", **query).run()
    assert not at.exception, at.exception
    if page == "methods":
        assert any("deleted after the retention period" in i.value for i in at.info)
        # its counts per wave from the saved branch figures, said under the table
        assert (
            "Wave 2024-H1: the individual answers were deleted after the retention period. The "
            "number of responses comes from the import record, the other counts from the saved "
            "branch figures (which know only counted responses)."
        ) in [c.value for c in at.caption]
        rows = next(d.value for d in at.dataframe if "Responses" in d.value.columns)
        purged = rows[rows["Wave"] == "2024-H1"].iloc[0]
        saved = retention.aggregates(open_store(purged_db), "2024-H1")
        held = open_store(purged_db).sql(
            "SELECT row_count FROM imports WHERE kind = 'engagement' AND wave = '2024-H1' "
            "AND active"
        )["row_count"][0]
        assert purged["Responses"] == held > 0
        assert purged["of them in the engagement figures"] == saved["n_respondents"].sum()
        assert purged["Branches with answers"] == saved.height
        assert purged["Branches with at least 5 answers"] == (~saved["suppressed"]).sum()
    if page == "branch":  # its estimate needs the answers: said so, not "fewer than 5"
        text = [m.value for m in at.markdown]
        assert any("were deleted after the retention period" in m for m in text), text
        assert not any(m.startswith("fewer than") for m in text), text


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_data_page_says_which_answers_the_purge_removed(app, purged_db, lang):
    at = app("pages/data.py", lang=lang).run()
    assert not at.exception, at.exception
    infos = [i.value for i in at.info]
    expected = {
        "de": "Antworten der Welle 2024-H1 (Ende 30.06.2024) wurden am",
        "en": "answers of wave 2024-H1 (ended 30 Jun 2024) were deleted on",
    }[lang]
    assert any(expected in i for i in infos), infos
    assert not any("2025-H2" in i for i in infos)  # only what was removed


@pytest.mark.parametrize("lang", ["de", "en"])
def test_compare_leaves_out_dimensions_without_values_in_the_wave_and_says_so(app, purged_db, lang):
    """A wave purged before dimension means were kept has none: Compare draws no empty
    panels for them (it drew four, each with a dash per branch) and names them."""
    with open_store(purged_db).transaction() as cur:
        cur.execute("DELETE FROM branch_aggregates WHERE measure LIKE 'n_dim_%'")
    query = {"wave": "2024-H1", "lang": lang, "branches": "B042,B043"}
    at = app("pages/compare.py", **query).run()
    assert not at.exception, at.exception
    (chart,) = at.get("plotly_chart")
    titles = [a["text"] for a in json.loads(chart.proto.spec)["layout"]["annotations"]]
    names = {"de": ["Motivation", "Führung"], "en": ["Motivation", "Leadership"]}[lang]
    assert not set(names) & set(titles), titles
    assert len(titles) >= 4  # engagement, NPS, retention, return
    said = {
        "de": "Keine Werte in dieser Welle: Motivation, Verbundenheit, Führung, Kundenorientierung "
        "(nicht gefragt, von weniger als der Hälfte der Antworten beantwortet oder nicht "
        "aufbewahrt).",
        "en": "No values in this wave: Motivation, Commitment, Leadership, Customer focus (not "
        "asked, answered by fewer than half of the responses, or not kept).",
    }[lang]
    (caption,) = [c.value for c in at.caption if c.value.startswith(said)]
    assert all(n in caption for n in names), caption
    # the wave after it has its dimensions
    at = app("pages/compare.py", **(query | {"wave": "2025-H2"})).run()
    (chart,) = at.get("plotly_chart")
    titles = [a["text"] for a in json.loads(chart.proto.spec)["layout"]["annotations"]]
    assert set(names) <= set(titles)
    assert not any(c.value.startswith(said) for c in at.caption)
