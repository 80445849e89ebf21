"""Branch: one branch against the company, reachable by click, search and /branch?branch=ID."""

import streamlit as st

from loyalty import analysis, charts, confidentiality, i18n, model, tables, wording
from loyalty.i18n import t
from pages import _action_glue
from pages import _shared as ui

lang = ui.page_start("branch")
left, right = st.columns([2, 1])
wave = ui.wave_picker(lang, right)
# on another core while the branch names (every wave's table) are read: the statistics below
ui.ahead(("estimates", wave), ("expected_vs_actual", wave, "nps"), ("drivers", wave, "nps"))
branches = ui.branch_names()
ids, names = branches.ids, branches.names
requested = st.query_params.get("branch")

branch_id = left.selectbox(
    t("branch.select", lang),
    ids,
    index=ids.index(requested) if requested in names else None,
    format_func=branches.labels.__getitem__,
    placeholder=t("branch.none", lang),
    key="branch_select",
)
if requested and requested not in names:
    st.warning(t("branch.unknown", lang, id=requested))
if branch_id is None:
    st.info(t("branch.none", lang))
    st.stop()
if st.query_params.get("branch") != branch_id:
    st.query_params["branch"] = branch_id

table = ui.branch_table(wave)
row = tables.row_of(table, branch_id)
benchmarks = ui.company_benchmarks()
bench = benchmarks[wave]  # the wave has branch rows: row above exists
ranks = analysis.ranks(table, branch_id)
minimum = confidentiality.minimum()

st.title(row["name"])
st.caption(
    t(
        "branch.caption",
        lang,
        id=branch_id,
        region=row["region"],
        format=row["format"],
        headcount=row["headcount"],
        wave=wave,
    )
)
if row["suppressed"]:
    st.warning(t("branch.suppressed", lang, min=minimum, n=row["n_respondents"]))

order = ui.branch_filter()
prev_id, next_id = order.neighbours(table, branch_id)
link_query = {**order.to_query(), "wave": wave, "lang": lang}
n1, n2, n3 = st.columns(3)
if prev_id:
    n1.page_link(
        "pages/branch.py",
        label=t("branch.prev", lang, name=names[prev_id]),
        icon=":material/arrow_back:",
        query_params={"branch": prev_id, **link_query},
    )
if next_id:
    n2.page_link(
        "pages/branch.py",
        label=t("branch.next", lang, name=names[next_id]),
        icon=":material/arrow_forward:",
        query_params={"branch": next_id, **link_query},
    )
n3.page_link(
    "pages/branches.py",
    label=t("branch.back_to_list", lang, sort=t(f"col.{order.sort}", lang)),
    icon=":material/table_view:",
    query_params=link_query,
)


def metric(col, measure: str, value, low, high, n, unit: str, company, digits: int = 1):
    rank, of = ranks[measure]
    with col:
        if value is None:
            st.metric(t(f"measure.{measure}", lang), t("branch.fewer_than", lang, min=minimum))
        else:
            st.metric(
                t(f"measure.{measure}", lang),
                i18n.num(value, lang, digits),
                delta=i18n.num(value - company, lang, digits) if company is not None else None,
            )
            detail = (
                t(
                    "metric.interval",
                    lang,
                    low=i18n.num(low, lang, digits),
                    high=i18n.num(high, lang, digits),
                    n=i18n.num(n, lang, 0),
                    unit=t(f"unit.{unit}", lang),
                )
                if low is not None
                else t("metric.reported", lang)
            )
            st.caption(detail)
            st.caption(
                t("branch.vs_company", lang, value=i18n.num(company, lang, digits))
                + " · "
                + t("branch.rank", lang, rank=rank, of=of)
            )


c1, c2, c3, c4 = st.columns(4)
metric(
    c1,
    "engagement",
    row["engagement"],
    row["engagement_low"],
    row["engagement_high"],
    row["n_respondents"],
    "respondents",
    bench.engagement,
    2,
)
metric(
    c2,
    "nps",
    row["nps"],
    row["nps_low"],
    row["nps_high"],
    row["nps_answers"],
    "answers",
    bench.nps,
)
metric(
    c3,
    "retention",
    row["retention"],
    row["retention_low"],
    row["retention_high"],
    row["active_customers"],
    "customers",
    bench.retention,
)
metric(c4, "ros", row["ros"], None, None, None, "", bench.ros)

sure, expected, peer = st.columns(3)
with sure:
    st.subheader(t("branch.sure.title", lang))
    if row["suppressed"]:
        st.markdown(t("branch.fewer_than", lang, min=minimum))
    elif not ui.has_answers(wave):  # purged: the branch figures stay, the answers are gone
        st.markdown(t("branch.sure.purged", lang))
    else:
        estimates = ui.engagement_estimates(wave)
        e = tables.row_of(estimates, branch_id)
        if e is None:  # no other branch has enough answers to estimate against
            st.markdown(t("branch.sure.alone", lang, min=minimum))
        else:
            st.markdown(
                t(
                    "branch.sure.estimate",
                    lang,
                    value=i18n.num(e["shrunken"], lang, 2),
                    low=i18n.num(e["low"], lang, 2),
                    high=i18n.num(e["high"], lang, 2),
                    raw=i18n.num(e["mean"], lang, 2),
                    n=e["n"],
                )
            )
            st.markdown(
                t(
                    "branch.sure.rank",
                    lang,
                    rank=e["rank"],
                    low=e["rank_low"],
                    high=e["rank_high"],
                    of=tables.number_of(estimates),
                )
            )
            st.caption(t("branch.sure.help", lang))
with expected:
    st.subheader(t("branch.expected.title", lang))
    eva = tables.row_of(ui.expected_vs_actual(wave, "nps"), branch_id)
    lines = wording.expectation_sentences(eva, lang)
    for line in lines:
        st.markdown(line)
    st.caption(t("branch.expected.help", lang))
with peer:
    st.subheader(t("branch.peers.title", lang))
    peers = model.peers(table, branch_id)
    summary = model.peer_summary(peers)
    st.markdown(
        t(
            "branch.peers.who",
            lang,
            k=tables.number_of(peers),
            region=row["region"],
            format=row["format"],
            headcount=row["headcount"],
        )
    )
    for measure, digits in (("engagement", 2), ("nps", 1), ("retention", 1), ("ros", 1)):
        mine, theirs = row[measure], summary[measure]
        st.markdown(
            t(
                "branch.peers.line",
                lang,
                measure=t(f"measure.{measure}", lang),
                mine=i18n.num(mine, lang, digits)
                if mine is not None
                else t("branch.fewer_than", lang, min=minimum),
                peers=i18n.num(theirs, lang, digits),
            )
        )
    st.caption(t("branch.peers.help", lang))
    closest = model.closest_peers(peers, row["headcount"], 2)
    if closest:
        st.page_link(
            "pages/compare.py",
            label=t("branch.compare_peers", lang, k=len(closest)),
            icon=":material/compare_arrows:",
            query_params={"branches": ",".join([branch_id, *closest]), "wave": wave, "lang": lang},
        )


if not row["suppressed"]:
    focus = model.priorities(table, branch_id, ui.drivers(wave, "nps"), bench.dimensions)
    dims = ui.dimensions()
    dim_names = i18n.dimension_names(dims, lang)
    f = tables.top_priority(focus)
    if f is not None:
        st.info(
            t(
                "branch.focus",
                lang,
                dimension=dim_names[f["dimension_id"]],
                gap=i18n.num(-f["gap"], lang, 2),
                share=i18n.num(f["share"], lang, 0),
            )
        )
    elif tables.unweighted_shortfalls(focus):
        st.caption(t("branch.focus_unweighted", lang))
    elif tables.number_of(focus):  # (none without dimension means: an old purged wave)
        st.success(t("branch.focus_none", lang))
suggestion = f["dimension_id"] if not row["suppressed"] and f is not None else None
_action_glue.branch_listing(branch_id, lang, suggestion)


left, right = st.columns(2)
with left:
    if not row["suppressed"]:
        dims = ui.dimensions()
        ui.chart(charts.dimension_bars(row, bench, dims, lang), key="dimensions", lang=lang)
        if note := wording.unmeasured_note(table, dims, lang):
            st.caption(note)
    mine, company = ui.churn(wave, branch_id), ui.churn(wave)
    ui.chart(charts.churn_bars(mine, company, lang), key="churn", lang=lang)
    staff = analysis.staff_share(mine), analysis.staff_share(company)
    st.caption(
        t(
            "churn.staff_total",
            lang,
            branch=i18n.num(100 * staff[0], lang, 0),
            company=i18n.num(100 * staff[1], lang, 0),
            n=i18n.num(tables.sum_of(mine, "customers"), lang, 0),
        )
    )
with right:
    st.subheader(t("branch.trend", lang))
    trend = analysis.branch_trend(ui.branch_table(None), branch_id, benchmarks)
    for measure in ("engagement", "nps", "ros"):
        ui.chart(charts.trend_lines(trend, measure, lang), key=f"trend_{measure}", lang=lang)
