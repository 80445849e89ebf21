"""Overview: the chain in three scatter plots and the quartile headline."""

import streamlit as st

from loyalty import analysis, charts, i18n, model, tables, wording
from loyalty.i18n import t
from pages import _shared as ui

lang = ui.page_start("overview")
st.title(t("overview.title", lang))
st.caption(t("overview.intro", lang))

wave, loyalty = ui.wave_and_loyalty(lang, "loyalty_measure")
table = ui.branch_table(wave, loyalty)
ratio = ui.headline_ratio(wave, loyalty)

if analysis.finite(ratio.ratio):
    st.subheader(wording.headline(ratio, lang))
    st.caption(wording.headline_detail(ratio, lang))
else:
    st.info(wording.headline(ratio, lang))

links = ui.chain_links(wave, loyalty)
corrected = ui.corrected_links(wave, loyalty)
for column, link in zip(st.columns(len(links)), links, strict=True):
    with column:
        event = ui.chart(
            charts.link_scatter(table, link, lang, wording.link_subtitle(link, lang)),
            on_select="rerun",
            selection_mode="points",
            key=f"scatter_{link.key}",
            lang=lang,
        )
        if analysis.finite(link.result.r):
            st.markdown(f"**{i18n.strength_words(link.result.r, lang)}**")
        st.caption(
            wording.corrected_link_sentence(corrected.links[link.key], link.result.r, lang)
            if link.key in corrected.links
            else t("corrected.none", lang)
        )
        points = event.selection.points if event else []
        if points and points[0].get("customdata"):
            st.switch_page(
                "pages/branch.py",
                query_params={"branch": points[0]["customdata"], "wave": wave, "lang": lang},
            )

st.caption(t("overview.click_hint", lang) + " " + t("association_note", lang))

chain = ui.chain_model(wave, loyalty)
power = model.power(chain.result.n)
diagram, words = st.columns([3, 2])
with diagram:
    ui.chart(charts.chain_diagram(chain, lang), key="chain", lang=lang)

with words:
    for line in wording.sentences(chain, lang):
        st.markdown(line)
    for line in wording.corrected_chain_sentences(corrected, chain, lang):
        st.caption(line)
    (st.caption if power.enough else st.warning)(wording.power_sentence(power, lang))
quads = ui.quadrants(wave, loyalty)
ui.chart(
    charts.quadrant_bars(quads, loyalty, lang, wording.quadrant_note(quads, lang)),
    key="quadrants",
    lang=lang,
)
st.markdown(wording.multiplier_line(quads, loyalty, lang))

hidden, total = tables.hidden(table)
if hidden:
    st.caption(
        t(
            "overview.suppressed",
            lang,
            k=hidden,
            n=total,
            min=analysis.confidentiality.minimum(),
        )
    )
