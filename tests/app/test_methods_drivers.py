"""Overview chain model, Methods & data quality and Drivers pages on the demo data."""

from __future__ import annotations

from loyalty import analysis, model, quality


def _texts(at) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.warning, *at.info, *at.header)]
    parts += [f"{m.label}={m.value}" for m in at.metric]
    return "\n".join(str(p) for p in parts)


def test_overview_shows_the_chain_model_in_plain_words(app, demo_store):
    at = app(lang="en").run()
    assert not at.exception
    chain = model.chain_model(analysis.branch_table(demo_store, "2025-H2"))
    text = _texts(at)
    a = chain.result.a
    assert f"+1 point engagement (scale 1–5) goes with +{a:.1f} NPS points" in text
    assert f"n\u00a0=\u00a0{chain.result.n} branches (branch level)" in text
    assert "bootstrap with 5,000 resamples" in text
    assert "correlations from |r|\u00a0=\u00a00.27 upwards can be detected reliably" in text
    assert "chain" in [c.key for c in at.get("plotly_chart")]


def test_methods_page_reports_aggregation_reliability_exclusions_and_direction(app, demo_store):
    at = app("pages/methods.py", lang="en").run()
    assert not at.exception
    agg = quality.aggregation(demo_store, "2025-H2")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["ICC(1)"] == f"{agg.icc.icc1:.3f}"
    assert metrics["ICC(2)"] == f"{agg.icc.icc2:.3f}"
    text = _texts(at)
    assert "medium branch effect" in text
    assert (
        "association in observational data" in at.info[0].value
        and "not what causes what" in at.info[0].value
    )
    assert "fewer than 5 answers: no engagement score" in text
    assert "Within a branch: engagement now → NPS next wave" in text
    assert "The evidence points from engagement to NPS" in text
    responses, reliability = at.dataframe[0].value, at.dataframe[1].value
    counts = quality.response_counts(demo_store)
    assert list(responses["Responses"]) == counts["respondents"].to_list()
    assert list(responses["of them in the engagement figures"]) == counts["counted"].to_list()
    assert "Counted is whoever answered every dimension of the index" in text
    expected = quality.reliability(demo_store, "2025-H2")
    assert list(reliability["α"].round(6)) == [round(a, 6) for a in expected["alpha"]]
    assert list(reliability["Rating"])[-1] == "excellent"
    # the links corrected for the reliability of branch means: method, components, caveats
    corrected = model.corrected_links(analysis.branch_table(demo_store, "2025-H2"), "nps")
    res = corrected.links["engagement_loyalty"]
    assert "Links corrected for the reliability of branch means" in text
    assert "Croon & van Veldhoven 2007" in text
    assert f"τ\u00a0=\u00a0{res.between_var_x:.3f}, σ²\u00a0=\u00a0{res.within_var_x:.3f}" in text
    assert "When not to trust it: with few branches" in text
    # the measure's picker sits with the sections that depend on it (an st.fragment)
    at.radio(key="methods_loyalty").set_value("retention").run()
    assert not at.exception
    after = _texts(at)
    assert "Within a branch: engagement now → NPS next wave" not in after
    # the measure's name inside the sentence, in lower case in English
    assert "engagement now → retention next wave (at equal retention now)" in after
    assert at.metric[0].value == f"{agg.icc.icc1:.3f}"  # the tables above stay


def test_methods_page_in_german(app):
    at = app("pages/methods.py", lang="de").run()
    assert not at.exception
    assert at.title[0].value == "Methoden & Datenqualität"
    assert "mittlerer Filialeffekt" in _texts(at)
    assert "Zusammenhänge, bereinigt um die Zuverlässigkeit der Filialmittelwerte" in _texts(at)
    assert "Wann nicht vertrauen" in _texts(at)
    excluded = at.dataframe[-1].value  # the list of excluded branches, headers in German too
    assert list(excluded.columns) == ["Nr.", "Filiale", "Grund"] and len(excluded)


def test_drivers_page_names_the_strongest_driver(app, demo_store):
    at = app("pages/drivers.py", lang="en").run()
    assert not at.exception
    weights = model.drivers(analysis.branch_table(demo_store, "2025-H2"))
    assert weights["dimension_id"][0] == "customer_focus"  # ground truth: largest weight .40
    assert "Strongest driver: **Customer focus**" in _texts(at)
    at.radio(key="drivers_loyalty").set_value("retention").run()
    assert not at.exception
