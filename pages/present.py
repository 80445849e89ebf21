"""Presenter mode: the story one step per screen, large type, ◀ ▶ by button or arrow key.

Every step stays interactive: clicking a branch's point shows its card on the same screen, so a
question from the room is answered without leaving the story.
"""

import streamlit as st

from loyalty import analysis, confidentiality, i18n, report, schema, story, style
from loyalty.i18n import t
from pages import _shared as ui

lang = ui.page_start("present")
ui.presenter_style()

waves = ui.waves()
wave = st.query_params.get("wave")
wave = wave if wave in waves else ui.default_wave()

loyalty = st.query_params.get("loyalty")
loyalty = loyalty if loyalty in schema.LOYALTY_MEASURES else "nps"
ui.story_ahead(wave, loyalty)  # served: the other steps' results while this one shows
steps = ui.presenter_steps(wave, lang, loyalty)  # unpacked one by one
last = len(steps) - 1


def _current() -> int:
    try:
        return min(max(int(st.query_params.get("step", "1")) - 1, 0), last)
    except ValueError:
        return 0


def _go(delta: int) -> None:
    st.query_params["step"] = str(min(max(_current() + delta, 0), last) + 1)


index = _current()
step = steps[index]

nav_prev, counter, nav_next, settings = st.columns([1, 2, 1, 1], vertical_alignment="center")
nav_prev.button(
    t("present.prev", lang),
    icon=":material/arrow_back:",
    on_click=_go,
    args=(-1,),
    disabled=index == 0,
    shortcut="Left",
    width="stretch",
    key="present_prev",
)
counter.markdown(t("present.counter", lang, i=index + 1, n=len(steps)))
nav_next.button(
    t("present.next", lang),
    icon=":material/arrow_forward:",
    on_click=_go,
    args=(1,),
    disabled=index == last,
    shortcut="Right",
    width="stretch",
    key="present_next",
)

with settings.popover(t("present.settings", lang), icon=":material/tune:"):
    chosen_wave = st.selectbox(
        t("wave.label", lang),
        waves,
        index=waves.index(wave),
        placeholder=t("ui.choose", lang),
    )
    chosen_loyalty = st.radio(
        t("loyalty.label", lang),
        schema.LOYALTY_MEASURES,
        index=schema.LOYALTY_MEASURES.index(loyalty),
        format_func=lambda m: t(f"measure.{m}", lang),
    )
    if (chosen_wave, chosen_loyalty) != (wave, loyalty):
        st.query_params["wave"], st.query_params["loyalty"] = chosen_wave, chosen_loyalty
        st.rerun()
    if ui.can("export"):
        st.divider()
        st.caption(t("present.export_hint", lang))
        for kind in ("pptx", "pdf"):
            cache_key = f"present_export_{kind}"
            wanted = (ui.revision(), wave, loyalty, lang)
            if st.button(t(f"present.build_{kind}", lang), key=f"build_{kind}"):
                bar = st.progress(0.0, text=t("report.progress", lang))
                builder = report.build_pptx if kind == "pptx" else report.build_pdf
                data = builder(
                    ui.story_steps(wave, lang, loyalty),
                    lang,
                    wave,
                    lambda f, msg, bar=bar: bar.progress(min(f, 1.0), text=msg),
                )
                st.session_state[cache_key] = (wanted, data)
                ui.audited(f"story {kind}", lambda: None, wave=wave, lang=lang)()

            built = st.session_state.get(cache_key)
            if built and built[0] == wanted:
                st.download_button(
                    t(f"present.download_{kind}", lang),
                    data=built[1],
                    file_name=f"loyalty-{wave}-{lang}.{kind}",
                    mime=report.MIME[kind],
                    icon=":material/download:",
                    key=f"download_{kind}",
                )
    st.page_link("pages/overview.py", label=t("present.leave", lang), icon=":material/close:")

st.title(step.title)
fit = story.presenter_fit(step)  # the text never below the screen's bottom
st.html(style.presenter_text_css(fit.size_px))
text, chart = st.columns([fit.column_px, fit.chart_px])
with chart:
    if step.figure is None:  # its results are still being computed (after an import)
        st.info(t("present.computing", lang), icon=":material/hourglass_top:")
        ui.rerun_when(ui.actions_ready)
        points = []
    else:
        event = st.plotly_chart(
            step.figure,
            on_select="rerun",
            selection_mode="points",
            key=f"present_chart_{step.key}_{wave}_{loyalty}",
            config={"displayModeBar": False},
        )
        points = event.selection.points if event else []

branch_id = points[0].get("customdata") if points else None
if isinstance(branch_id, list):
    branch_id = branch_id[0] if branch_id else None
card = analysis.branch_summary(ui.branch_table(wave, loyalty), branch_id) if branch_id else None
with text.container(key=style.PRESENTER_TEXT_KEY):
    if card:  # beside the chart, above the step's text: visible without scrolling at 1280×720
        with st.container(border=True, key="branch_card"):
            st.subheader(f"{card['name']} ({card['branch_id']})")
            cols = st.columns(2)
            for i, (measure, digits) in enumerate(
                (("engagement", 2), ("nps", 0), ("retention", 1), ("ros", 1))
            ):
                col = cols[i % 2]
                value = card["values"][measure]
                company = card["company"][measure]
                if value is None and measure == "engagement":
                    col.metric(
                        t("present.card.engagement", lang),
                        t("branch.fewer_than", lang, min=confidentiality.minimum()),
                    )
                    continue
                col.metric(
                    t(f"present.card.{measure}", lang),
                    i18n.num(value, lang, digits) if value is not None else "–",
                    delta=(
                        i18n.num(value - company, lang, digits, sign=True)
                        if value is not None and company is not None
                        else None
                    ),
                    delta_color="normal",
                )
            st.caption(t("present.card_note", lang, n=card["n_respondents"], wave=wave))
            st.page_link(
                "pages/branch.py",
                label=t("present.open_branch", lang),
                icon=":material/storefront:",
                query_params={"branch": card["branch_id"], "wave": wave, "lang": lang},
            )
    for line in step.lines:
        st.markdown(line)
