"""What if: raise engagement of chosen branches and read off loyalty, return and euros."""

import streamlit as st

from loyalty import analysis, charts, i18n, model, tables, wording
from loyalty.i18n import t
from pages import _shared as ui

lang = ui.page_start("whatif")
st.title(t("whatif.title", lang))
st.caption(t("whatif.intro", lang))

wave, loyalty = ui.wave_and_loyalty(lang, "whatif_loyalty")
# on another core while the branch table and the what-if are computed: the lags (every wave)
ui.ahead(("lags", loyalty), ("corrected_links", wave, loyalty))
table = ui.branch_table(wave, loyalty)


@st.fragment
def simulator() -> None:
    """The choice and its result rerun on their own (a slider move does not redo the page)."""
    c1, c2, c3 = st.columns([2, 3, 3])
    rule = c1.radio(
        t("whatif.select", lang),
        model.SELECTIONS,
        format_func=lambda r: t(f"whatif.rule.{r}", lang),
        key="whatif_rule",
    )
    values: tuple[str, ...] = ()
    if rule == "region":
        values = tuple(
            c2.multiselect(
                t("branches.region", lang),
                tables.choices(table, "region"),
                default=tables.choices(table, "region")[:1],
                key="whatif_region",
                placeholder=t("ui.choose", lang),
            )
        )
    elif rule == "format":
        values = tuple(
            c2.multiselect(
                t("branches.format", lang),
                tables.choices(table, "format"),
                default=tables.choices(table, "format")[:1],
                key="whatif_format",
                placeholder=t("ui.choose", lang),
            )
        )
    elif rule == "branches":
        branches = ui.branch_names(wave)
        values = tuple(
            c2.multiselect(
                t("whatif.rule.branches", lang),
                branches.ids,
                format_func=branches.labels.__getitem__,
                key="whatif_branches",
                placeholder=t("whatif.rule.branches_choose", lang),
            )
        )
    delta = c3.select_slider(  # select_slider: the steps in the language's number format
        t("whatif.delta", lang),
        model.WHAT_IF_STEPS,
        value=model.WHAT_IF_DEFAULT[2],
        format_func=lambda v: i18n.num(v, lang, 1),
        key="whatif_delta",
    )

    result = ui.what_if(wave, loyalty, rule, values, delta)
    corrected = ui.corrected_links(wave, loyalty)
    for line in wording.what_if_sentences(result, ui.lag_direction(loyalty), lang, corrected):
        st.markdown(line)
    if result.n_branches and analysis.finite(result.profit_change):  # else the line says why
        ui.chart(charts.what_if_bars(result, lang), key="whatif_chart", lang=lang)


simulator()
