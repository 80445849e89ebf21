"""Branches: filter, sort and compare all branches; a heatmap of engagement by dimension."""

import streamlit as st

from loyalty import analysis, charts, confidentiality, exports, heatmap, i18n, tables, wording
from loyalty.i18n import t
from pages import _shared as ui

lang = ui.page_start("branches")
st.title(t("branches.title", lang))
#: Rows sent to the browser; the order is the "Sort by" choice, the exports hold all rows.
TABLE_ROWS = 500

wave = ui.wave_picker(lang, st.sidebar)
table = ui.branch_table(wave)
regions = tables.choices(table, "region")
formats = tables.choices(table, "format")
low, high = tables.span(table, "headcount")

c1, c2, c3, c4 = st.columns([2, 2, 2, 3])
chosen_regions = c1.multiselect(
    t("branches.region", lang),
    regions,
    key="f_region",
    placeholder=t("branches.all", lang),
    default=[r for r in ui.query_list("region") if r in regions],
)
chosen_formats = c2.multiselect(
    t("branches.format", lang),
    formats,
    key="f_format",
    placeholder=t("branches.all", lang),
    default=[f for f in ui.query_list("format") if f in formats],
)
size_default = [int(v) for v in ui.query_list("size")] or [low, high]
size = c3.slider(
    t("branches.size", lang),
    low,
    max(high, low + 1),
    key="f_size",
    value=(max(low, size_default[0]), min(high, size_default[-1])),
)
query = c4.text_input(t("branches.search", lang), value=st.query_params.get("q", ""), key="f_query")
s1, s2, _ = st.columns([2, 1, 4], vertical_alignment="bottom")
current_sort = st.query_params.get("sort", "branch_id")
sort = s1.selectbox(
    t("branches.sort", lang),
    analysis.SORT_COLUMNS,
    index=analysis.SORT_COLUMNS.index(current_sort) if current_sort in analysis.SORT_COLUMNS else 0,
    format_func=lambda c: t(f"col.{c}", lang),
    key="f_sort",
    placeholder=t("ui.choose", lang),
)
descending = s2.toggle(
    t("branches.descending", lang), value=st.query_params.get("desc") == "1", key="f_desc"
)
ui.set_query("region", chosen_regions)
ui.set_query("format", chosen_formats)
ui.set_query("size", [str(size[0]), str(size[1])] if tuple(size) != (low, high) else None)
ui.set_query("q", query)
ui.set_query("sort", sort if sort != "branch_id" else None)
ui.set_query("desc", "1" if descending else None)

branch_filter = analysis.BranchFilter(
    tuple(chosen_regions),
    tuple(chosen_formats),
    size[0] if tuple(size) != (low, high) else None,
    size[1] if tuple(size) != (low, high) else None,
    query,
    sort,
    descending,
)
chosen = branch_filter.apply(table)
link_query = {**branch_filter.to_query(), "wave": wave, "lang": lang}

st.caption(t("branches.count", lang, k=tables.number_of(chosen), n=tables.number_of(table)))

minimum = confidentiality.minimum()
listing = analysis.branch_list(chosen, t("branch.fewer_than", lang, min=minimum))
listed = tables.first(listing, TABLE_ROWS)
on_screen = listed.shown
if listed.cut:
    st.caption(t("branches.table_limit", lang, k=TABLE_ROWS, n=listed.total))
if on_screen.is_empty():  # no table, downloads or heatmap of nothing
    st.info(t("branches.none_found", lang))
    st.stop()
event = st.dataframe(
    ui.styled(on_screen, lang, {"engagement": 2, "nps": 1, "retention": 1, "ros": 1}),
    key="branch_table",
    on_select="rerun",
    selection_mode="single-row",
    hide_index=True,
    column_config={c: t(f"col.{c}", lang) for c in analysis.LIST_COLUMNS},
)
if ui.can("export"):
    filename = t("export.filename", lang, wave=wave)
    d1, d2, _ = st.columns([1, 1, 4])
    d1.download_button(
        t("export.csv", lang),
        ui.audited(
            "branch table",
            lambda: exports.table_csv(
                tables.branch_export(chosen, lang, minimum), lang, label=False
            ),
            format="csv",
            wave=wave,
        ),
        file_name=f"{filename}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="dl_csv",
    )
    d2.download_button(
        t("export.xlsx", lang),
        ui.audited(
            "branch table",
            lambda: exports.table_xlsx(
                tables.branch_export(chosen, lang, minimum),
                lang,
                t("export.sheet.branches", lang),
                label=False,
            ),
            format="xlsx",
            wave=wave,
        ),
        file_name=f"{filename}.xlsx",
        icon=":material/download:",
        on_click="ignore",
        key="dl_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
rows = event.selection.rows if event else []
if rows:
    st.switch_page(
        "pages/branch.py",
        query_params={"branch": on_screen["branch_id"][rows[0]], **link_query},
    )

h1, h2, h3 = st.columns([2, 3, 2], vertical_alignment="bottom")
view = (
    h1.segmented_control(
        t("heatmap.view", lang),
        heatmap.VIEWS,
        default="branches",
        format_func=lambda v: t(f"heatmap.view.{v}", lang),
        key="heat_view",
    )
    or "branches"
)
medians = heatmap.company_medians(table)
if view == "regions":
    part = heatmap.region_page(chosen, medians=medians)
    st.caption(t("heatmap.regions_hint", lang))
else:
    order = h2.selectbox(
        t("heatmap.order", lang),
        heatmap.ORDERS,
        format_func=lambda o: t(f"heatmap.order.{o}", lang),
        key="heat_order",
        placeholder=t("ui.choose", lang),
    )
    pages = heatmap.page_count(chosen)
    number = h3.number_input(
        t("heatmap.page", lang), min_value=1, max_value=pages, value=1, step=1, key="heat_page"
    )
    part = heatmap.branch_page(chosen, order, int(number), medians=medians)
    st.caption(
        t(
            "heatmap.page_of",
            lang,
            first=i18n.num(part.first, lang, 0),
            last=i18n.num(part.last, lang, 0),
            n=i18n.num(part.total, lang, 0),
            page=i18n.num(part.page, lang, 0),
            pages=i18n.num(part.pages, lang, 0),
            min=minimum,
        )
    )
heat = ui.chart(
    charts.dimension_heatmap(part.cells, ui.dimensions(), lang, minimum, kind=view),
    key=f"heatmap_{view}",
    on_select="rerun",
    selection_mode="points",
    lang=lang,
)
if note := wording.unmeasured_note(table, ui.dimensions(), lang):
    st.caption(note)
points = heat.selection.points if heat else []
picked = points[0].get("customdata") if points else None
if picked and view == "regions":  # drill in: the region's branches (widgets start anew)
    for key in ("heat_view", "f_region", "heat_page"):
        st.session_state.pop(key, None)
    st.query_params["region"] = picked
    st.rerun()
elif picked:
    st.switch_page("pages/branch.py", query_params={"branch": picked, **link_query})
funnel = analysis.engagement_funnel(chosen)
if funnel.n_branches >= 3:
    picked = ui.chart(
        charts.funnel_plot(funnel, lang),
        key="funnel",
        on_select="rerun",
        selection_mode="points",
        lang=lang,
    )
    chosen_points = picked.selection.points if picked else []
    if chosen_points and chosen_points[0].get("customdata"):
        st.switch_page(
            "pages/branch.py",
            query_params={"branch": chosen_points[0]["customdata"], **link_query},
        )
    st.caption(t("funnel.note", lang, min=minimum))
hidden = tables.hidden(chosen)
st.caption(
    t("association_note", lang)
    + " "
    + i18n.t("overview.suppressed", lang, k=hidden[0], n=hidden[1], min=minimum)
)
