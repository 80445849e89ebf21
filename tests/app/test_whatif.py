"""The what-if simulator's numbers on screen are the model's."""

from __future__ import annotations

from loyalty import analysis, model


def test_what_if_page_shows_the_models_numbers_and_the_caution(app, demo_store):
    at = app("pages/whatif.py", lang="en").run()
    assert not at.exception
    table = analysis.branch_table(demo_store, "2025-H2")
    w = model.what_if(table, model.select_branches(table, "bottom_quartile"), 0.3)
    text = "\n".join(m.value for m in at.markdown)
    assert f"{w.n_branches} branches, engagement up 0.30 points on average" in text
    assert f"+{w.loyalty_change:.1f} NPS points per branch" in text
    assert f"**+€{w.profit_change:,.0f}**" in text  # as the chart's "€822,333", not "822,333 €"
    assert f"[95% CI {w.profit_ci[0]:,.0f}; {w.profit_ci[1]:,.0f}]" in text
    assert "Caution: this rests on associations" in text
    assert "The evidence points from engagement to NPS" in text
    corrected = model.corrected_links(table, "nps")
    assert "This uses the observed paths (branch means as measured)" in text
    stronger = (
        f"path a is stronger ({corrected.a.slope:+.1f} instead of "
        f"{corrected.a.manifest_slope:+.1f} NPS points per point of engagement)"
    )
    assert stronger in text


def test_what_if_by_region_and_larger_rise(app, demo_store):
    at = app("pages/whatif.py", lang="de").run()
    at.radio(key="whatif_rule").set_value("region").run()
    at.multiselect(key="whatif_region").set_value(["Süd"]).run()
    at.select_slider(key="whatif_delta").set_value(0.5).run()
    assert not at.exception
    table = analysis.branch_table(demo_store, "2025-H2")
    w = model.what_if(table, model.select_branches(table, "region", ("Süd",)), 0.5)
    text = "\n".join(m.value for m in at.markdown)
    assert f"{w.n_branches} Filialen, Engagement im Mittel +0,50 Punkte" in text
    profit = f"{w.profit_change:+,.0f}".replace(",", ".")
    assert f"Betriebsergebnis zusammen: **{profit}\u00a0€** je Halbjahr" in text
    assert "Vorsicht: Das beruht auf Zusammenhängen" in text
