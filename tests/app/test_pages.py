"""Every page renders on the demo data; deep links, language and confidentiality on screen."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from streamlit import config as st_config

from loyalty import analysis, model


def _texts(at) -> str:
    parts = [
        e.value
        for e in (
            *at.title,
            *at.subheader,
            *at.caption,
            *at.markdown,
            *at.warning,
            *at.info,
            *at.error,
        )
    ]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def test_overview_renders_the_chain_in_german_by_default(app):
    at = app(lang="de").run()
    assert not at.exception
    assert at.title[0].value == "Die Loyalitätskette"
    assert "Filialen im obersten Kundenbindungs-Quartil erzielen das" in at.subheader[0].value
    assert "-Fache [" in at.subheader[0].value
    text = _texts(at)
    assert "Zusammenhänge in Beobachtungsdaten" in text
    assert "haben weniger als 5 Antworten" in text
    assert len(at.get("plotly_chart")) == 5  # three links, the chain model and the quadrants
    # both links from engagement: observed and corrected for the reliability of branch means
    assert text.count("bereinigt um die Zuverlässigkeit der Filialmittelwerte beträgt") == 2
    assert "Bereinigt um die Zuverlässigkeit der Filialmittelwerte geht +1 Punkt" in text


def test_overview_shows_the_corrected_links_beside_the_observed_ones_in_english(app, demo_store):
    at = app(lang="en").run()
    text = _texts(at)
    table = analysis.branch_table(demo_store, "2025-H2")
    corrected = model.corrected_links(table, "nps")
    observed = {link.key: link.result.r for link in analysis.chain_links(table, "nps")}
    for key, res in corrected.links.items():
        assert f"the link is r\u00a0=\u00a0{res.r:.2f} [95% CI {res.r_ci[0]:.2f}; " in text
        assert f"instead of {observed[key]:.2f} (n\u00a0=\u00a0" in text
    assert f"(ICC(2) {corrected.a.icc2_x:.2f})" in text


def test_overview_in_english_and_wave_selection(app, demo_store):
    at = app(lang="en").run()
    assert at.title[0].value == "The loyalty chain"
    assert at.selectbox(key="wave").value == "2025-H2"
    at.selectbox(key="wave").select("2024-H1").run()
    assert not at.exception
    assert at.query_params["wave"] == "2024-H1"
    table = analysis.branch_table(demo_store, "2024-H1")
    ratio = analysis.headline_ratio(table)
    assert f"{ratio.ratio:.1f}×" in at.subheader[0].value


def test_switching_the_loyalty_measure_changes_the_headline(app):
    at = app(lang="en").run()
    before = at.subheader[0].value
    at.radio(key="loyalty_measure").set_value("retention").run()
    assert not at.exception
    assert at.subheader[0].value != before


def test_language_picker_switches_and_keeps_it_in_the_url(app):
    at = app().run()  # no ?lang= and no browser locale: German
    assert at.title[0].value == "Die Loyalitätskette"
    at.radio(key="lang_picker").set_value("en").run()
    assert at.title[0].value == "The loyalty chain"
    assert at.query_params["lang"] == "en"


def test_branch_deep_link_opens_that_branch(app, demo_store):
    at = app("pages/branch.py", branch="B042", lang="en").run()
    assert not at.exception
    name = demo_store.sql("SELECT name FROM branches WHERE branch_id = 'B042'")["name"][0]
    assert at.title[0].value == name
    assert at.selectbox(key="branch_select").value == "B042"
    text = _texts(at)
    assert "B042 · region" in text
    assert "95% CI" in text and "rank" in text
    charts = [c.key for c in at.get("plotly_chart")]
    assert charts == ["dimensions", "churn", "trend_engagement", "trend_nps", "trend_ros"]


def test_branch_selector_updates_the_url(app):
    at = app("pages/branch.py", lang="en").run()
    assert "Choose a branch." in _texts(at)
    at.selectbox(key="branch_select").select("B007").run()
    assert at.query_params["branch"] == "B007"
    assert not at.exception


def test_small_branch_shows_loyalty_but_no_engagement(app, demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    small = table.filter(pl.col("suppressed")).row(0, named=True)
    at = app("pages/branch.py", branch=small["branch_id"], wave="2025-H2", lang="en").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Engagement index (1–5)"] == "fewer than 5 responses"
    assert metrics["NPS (points)"] not in ("", "fewer than 5 responses")
    assert "engagement scores are not shown" in _texts(at)
    # no chart of engagement by dimension for this branch
    assert "dimensions" not in [c.key for c in at.get("plotly_chart")]


def test_unknown_branch_is_said_so(app):
    at = app("pages/branch.py", branch="B999", lang="en").run()
    assert not at.exception
    assert "There is no branch “B999”." in _texts(at)


def test_without_sign_in_a_non_local_server_is_refused(app):
    at = app(lang="en")
    st_config.set_option("server.address", "0.0.0.0")
    at.run()
    assert "may only listen on localhost" in at.error[0].value
    assert not at.get("plotly_chart")


def test_empty_store_explains_how_to_load_data(app, tmp_path, monkeypatch):
    monkeypatch.setenv("LOYALTY_DB", str(tmp_path / "empty.duckdb"))
    at = app(lang="en")
    monkeypatch.setenv("LOYALTY_DB", str(tmp_path / "empty.duckdb"))
    at.run()
    assert "The data store is empty" in at.warning[0].value
    # the Data page's versions: a sentence in the user's language, not an empty table (which
    # Streamlit labels "empty", in English)
    at = app("pages/data.py", lang="de").run()
    assert not at.exception
    versions = next(tab for tab in at.tabs if tab.label == "Versionen")
    assert [i.value for i in versions.info] == ["Noch nichts importiert."]
    assert not versions.dataframe


def test_administration_without_users_says_so_in_the_users_language(app):
    for lang, words in (("de", "Noch keine Benutzer angelegt."), ("en", "No users yet.")):
        at = app("pages/admin.py", lang=lang).run()
        assert not at.exception
        users_tab, audit_tab = at.tabs
        assert [i.value for i in users_tab.info] == [words]
        assert not users_tab.dataframe
        # the audit log of the demo store has entries: its table is there
        assert len(audit_tab.dataframe) == 1 and audit_tab.dataframe[0].value.shape[0] > 0
        shown = audit_tab.dataframe[0].value
        who = {"de": ("Loyalty (Demodaten)", "Import"), "en": ("Loyalty (demo data)", "import")}
        assert set(shown["actor"]) == {who[lang][0]} and who[lang][1] in set(shown["action"])
        # roles in words, not codes
        roles = at.selectbox[0]
        assert roles.label in ("Rolle", "Role")
        assert {"de": "Geschäftsleitung", "en": "Management"}[lang] in roles.options
        assert "hr" not in roles.options


def test_a_locked_store_gives_a_clear_message(app, monkeypatch):
    from loyalty import store as store_module

    def locked(path=None):
        raise store_module.StoreUnavailable(Path("data/x.duckdb"), "Could not set lock on file")

    monkeypatch.setattr("pages._session.open_store", locked)
    at = app(lang="en").run()
    assert "cannot be opened (Could not set lock on file)" in at.error[0].value
    assert not at.exception


def test_branches_page_filters_live_in_the_url(app, demo_store):
    at = app("pages/branches.py", lang="en", region="Nord", q="").run()
    assert not at.exception
    assert at.multiselect(key="f_region").value == ["Nord"]
    n_nord = analysis.branch_table(demo_store, "2025-H2").filter(pl.col("region") == "Nord").height
    assert f"{n_nord} of 120 branches" in _texts(at)
    assert [c.key for c in at.get("plotly_chart")] == ["heatmap_branches", "funnel"]
    at.multiselect(key="f_format").select("City").run()
    assert at.query_params["format"] == "City"
    assert not at.exception
    at.text_input(key="f_query").input("B00").run()
    assert at.query_params["q"] == "B00"
    # a search that leaves fewer than three branches draws the heatmap but no funnel plot
    assert [c.key for c in at.get("plotly_chart")] == ["heatmap_branches"]
    downloads = [b.key for b in at.get("download_button")]
    assert downloads == [
        "dl_csv",
        "dl_xlsx",
        "heatmap_branches_download_png",
        "heatmap_branches_download_svg",
    ]


def test_branches_page_says_when_no_branch_matches(app):
    at = app("pages/branches.py", lang="de", q="keine solche Filiale").run()
    assert not at.exception
    assert "0 von 120 Filialen" in _texts(at)
    assert "Keine Filiale passt zu dieser Auswahl" in " ".join(i.value for i in at.info)
    assert not at.dataframe  # not an empty table labelled "empty"
    assert not at.get("plotly_chart") and not at.get("download_button")  # nor charts of nothing


def test_branches_page_in_german(app):
    at = app("pages/branches.py", lang="de").run()
    assert at.title[0].value == "Filialen im Vergleich"
    assert "von 120 Filialen" in _texts(at)


def test_compare_page_from_a_link(app):
    at = app("pages/compare.py", lang="en", branches="B001,B042").run()
    assert not at.exception
    assert at.multiselect(key="compare_select").value == ["B001", "B042"]
    assert [c.key for c in at.get("plotly_chart")] == ["compare_chart"]
    at.multiselect(key="compare_select").unselect("B042").run()
    assert "Choose at least two branches." in _texts(at)
    assert at.query_params["branches"] == "B001"
