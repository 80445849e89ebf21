"""Compare: two to four branches side by side on every measure, the company as a line."""

import streamlit as st

from loyalty import analysis, charts, confidentiality, wording
from loyalty.i18n import t
from pages import _shared as ui

lang = ui.page_start("compare")
st.title(t("compare.title", lang))
wave = ui.wave_picker(lang, st.sidebar)
table = ui.branch_table(wave)
branches = ui.branch_names(wave)
chosen = st.multiselect(
    t("compare.select", lang),
    branches.ids,
    max_selections=4,
    key="compare_select",
    default=[b for b in ui.query_list("branches") if b in branches.names][:4],
    format_func=branches.labels.__getitem__,
    placeholder=t("branch.none", lang),
)
ui.set_query("branches", chosen)
if len(chosen) < 2:
    st.info(t("compare.too_few", lang))
    st.stop()

dims = ui.dimensions()
long = analysis.compare(table, chosen, dims["dimension_id"].to_list())
company = analysis.company_values(analysis.company_benchmark(table))
ui.chart(
    charts.compare_bars(long, company, dims, lang, confidentiality.minimum()),
    key="compare_chart",
    lang=lang,
)
st.caption(t("compare.note", lang))
if note := wording.unmeasured_note(table, dims, lang):
    st.caption(note)
