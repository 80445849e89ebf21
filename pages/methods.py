"""Methods & data quality: aggregation checks, reliability, exclusions, lag direction."""

import streamlit as st

from loyalty import charts, confidentiality, i18n, model, quality, tables, wording
from loyalty.i18n import t
from pages import _shared as ui

lang = ui.page_start("methods")
st.title(t("methods.title", lang))
st.info(t("methods.observational", lang))

wave = ui.wave_picker(lang, st.columns([1, 2])[0])  # as wide as on the other pages
minimum = confidentiality.minimum()
answers = ui.has_answers(wave)


st.header(t("methods.responses", lang))
counts = ui.response_counts()
st.dataframe(
    ui.styled(
        tables.response_table(counts, lang, minimum),
        lang,
        {
            t("methods.col.respondents", lang): 0,  # counts with the thousands separator
            t("methods.col.counted", lang): 0,
            t("methods.col.headcount", lang): 0,
            t("methods.col.rate", lang): 1,
            t("methods.col.with_answers", lang): 0,
            t("methods.col.shown", lang, min=minimum): 0,
        },
    ),
    hide_index=True,
    key="responses",
)
st.caption(t("methods.counted_help", lang))
if note := wording.purged_counts_note(counts, lang):
    st.caption(note)

if answers:
    agg, rwg, reliability = ui.data_quality(wave)
    st.header(t("methods.aggregation", lang))
    st.caption(t("methods.aggregation_help", lang))
    icc, mixed = agg.icc, agg.icc_mixed
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        "ICC(1)",
        i18n.num(icc.icc1, lang, 3),
        help=t("methods.icc1_help", lang),
    )
    c1.caption(
        t(f"band.icc1.{quality.band(icc.icc1, quality.ICC1_BANDS)}", lang)
        + " · "
        + t(
            "methods.ci",
            lang,
            low=i18n.num(icc.icc1_ci[0], lang, 3),
            high=i18n.num(icc.icc1_ci[1], lang, 3),
        )
    )

    c2.metric("ICC(2)", i18n.num(icc.icc2, lang, 3), help=t("methods.icc2_help", lang))
    c2.caption(
        t(f"band.rel.{quality.band(icc.icc2, quality.RELIABILITY_BANDS)}", lang)
        + " · "
        + t(
            "methods.ci",
            lang,
            low=i18n.num(icc.icc2_ci[0], lang, 3),
            high=i18n.num(icc.icc2_ci[1], lang, 3),
        )
    )

    c3.metric("ICC(1) REML", i18n.num(mixed.icc1, lang, 3), help=t("methods.mixed_help", lang))
    c3.caption(t("methods.group_rel", lang, value=i18n.num(mixed.mean_group_reliability, lang, 2)))
    c4.metric(
        t("methods.rwg_median", lang),
        i18n.num(agg.rwg_median, lang, 2),
        help=t("methods.rwg_help", lang),
    )
    c4.caption(wording.rwg_share(agg, lang))
    st.caption(
        t(
            "methods.icc_detail",
            lang,
            f=i18n.num(icc.f_value, lang, 2),
            n=i18n.num(icc.n, lang, 0),
            groups=icc.n_groups,
            min=minimum,
            wave=wave,
        )
    )
    ui.chart(charts.rwg_histogram(rwg, lang, minimum), key="rwg", lang=lang)

    st.header(t("methods.reliability", lang))
    st.dataframe(
        ui.styled(
            tables.reliability_table(reliability, ui.dimensions(), lang),
            lang,
            {
                "n": 0,
                "α": 2,
                t("methods.col.alpha_low", lang): 2,
                t("methods.col.alpha_high", lang): 2,
                t("methods.col.std_alpha", lang): 2,
                "ω": 2,
            },
        ),
        hide_index=True,
        key="reliability",
    )
    st.caption(t("methods.reliability_help", lang, min=minimum))
else:
    st.info(t("methods.purged", lang, wave=wave))


@st.fragment
def by_measure(wave: str, lang: str, minimum: int) -> None:
    """The sections that depend on the loyalty measure, with its picker: a change of the
    measure reruns only these (the tables above stay)."""
    st.divider()
    loyalty = ui.loyalty_picker(lang, "methods_loyalty")
    st.header(t("corrected.title", lang))
    for line in wording.corrected_methods(ui.corrected_links(wave, loyalty), lang):
        st.markdown(line)

    st.header(t("methods.exclusions", lang))
    excluded = ui.exclusions(wave, loyalty)
    counted = tables.exclusion_counts(excluded, lang, minimum)
    if counted:
        for reason, n in counted:
            st.markdown(f"- {reason}: **{i18n.num(n, lang, 0)}**")
        with st.expander(t("methods.exclusions_list", lang)):
            ui.text_table(tables.exclusion_list(excluded, lang, minimum))
    else:
        st.markdown(t("methods.no_exclusions", lang))

    st.header(t("methods.direction", lang))
    for line in wording.lag_sentences(ui.lag_direction(loyalty), loyalty, lang):
        st.markdown(line)
    st.caption(t("methods.direction_help", lang))
    power = model.power(tables.with_engagement(ui.branch_table(wave, loyalty)))
    (st.caption if power.enough else st.warning)(wording.power_sentence(power, lang))


by_measure(wave, lang, minimum)
