"""Branch: one branch against the company, reachable by click, search and /branch?branch=ID."""

import polars as pl
import streamlit as st

from loyalty import analysis, charts, confidentiality, i18n
from loyalty.i18n import t
from pages import _shared as ui

lang = ui.page_start()
all_waves = ui.branch_table(None)
ids = all_waves["branch_id"].unique().sort().to_list()
names = dict(zip(all_waves["branch_id"], all_waves["name"], strict=False))
requested = st.query_params.get("branch")

left, right = st.columns([2, 1])
branch_id = left.selectbox(
    t("branch.select", lang),
    ids,
    index=ids.index(requested) if requested in ids else None,
    format_func=lambda b: f"{b} · {names[b]}",
    placeholder=t("branch.none", lang),
    key="branch_select",
)
wave = ui.wave_picker(lang, right)
if requested and requested not in ids:
    st.warning(t("branch.unknown", lang, id=requested))
if branch_id is None:
    st.info(t("branch.none", lang))
    st.stop()
if st.query_params.get("branch") != branch_id:
    st.query_params["branch"] = branch_id

table = all_waves.filter(pl.col("wave") == wave)
row = table.filter(pl.col("branch_id") == branch_id).row(0, named=True)
bench = analysis.company_benchmark(table)
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
                    unit=t(unit, lang),
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
    "unit.respondents",
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
    "unit.answers",
    bench.nps,
)
metric(
    c3,
    "retention",
    row["retention"],
    row["retention_low"],
    row["retention_high"],
    row["active_customers"],
    "unit.customers",
    bench.retention,
)
metric(c4, "ros", row["ros"], None, None, None, "", bench.ros)

left, right = st.columns(2)
with left:
    if not row["suppressed"]:
        st.plotly_chart(charts.dimension_bars(row, bench, ui.dimensions(), lang), key="dimensions")
    mine, company = ui.churn(wave, branch_id), ui.churn(wave)
    st.plotly_chart(charts.churn_bars(mine, company, lang), key="churn")
    staff = analysis.staff_share(mine), analysis.staff_share(company)
    st.caption(
        t(
            "churn.staff_total",
            lang,
            branch=i18n.num(100 * staff[0], lang, 0),
            company=i18n.num(100 * staff[1], lang, 0),
            n=i18n.num(int(mine["customers"].sum()), lang, 0),
        )
    )
with right:
    st.subheader(t("branch.trend", lang))
    trend = analysis.branch_trend(all_waves, branch_id)
    for measure in ("engagement", "nps", "ros"):
        st.plotly_chart(charts.trend_lines(trend, measure, lang), key=f"trend_{measure}")
