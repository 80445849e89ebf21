"""Drivers: which engagement dimensions relate most to loyalty, with intervals."""

import streamlit as st

from loyalty import analysis, charts, i18n, wording
from loyalty.i18n import t
from pages import _shared as ui

lang = ui.page_start("drivers")
st.title(t("drivers.title", lang))
st.caption(t("drivers.intro", lang))

wave, loyalty = ui.wave_and_loyalty(lang, "drivers_loyalty")
weights = ui.drivers(wave, loyalty)
dims = ui.dimensions()
names = i18n.dimension_names(dims, lang)
top = weights.row(0, named=True)
estimated = analysis.finite(top["raw_weight"])  # else too few branches: no bars of nothing
if estimated:
    ui.chart(charts.drivers_bars(weights, dims, loyalty, lang), key="drivers_chart", lang=lang)
else:
    st.info(wording.drivers_na(weights, lang))
if note := wording.unmeasured_note(ui.branch_table(wave, loyalty), dims, lang):
    st.caption(note)
if estimated:
    st.markdown(
        t(
            "drivers.top",
            lang,
            dimension=names.get(top["dimension_id"], top["dimension_id"]),
            share=i18n.num(top["rescaled"], lang, 0),
            low=i18n.num(100 * top["low"], lang, 1),
            high=i18n.num(100 * top["high"], lang, 1),
            value=i18n.num(100 * top["raw_weight"], lang, 1),
            n=top["n"],
        )
    )
st.caption(t("drivers.method", lang) + " " + t("association_note", lang))
