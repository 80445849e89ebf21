"""Streamlit glue shared by the pages: language, cached access to loyalty/, the store.

Caches hold aggregated frames only (branch tables, statistics), never row-level responses,
and are keyed by the store's revision so they refresh after an import.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from loyalty import analysis, auth, config, exports, i18n, model, quality, story
from loyalty.importing import instrument, mapping, read, validate, validate_messages
from loyalty.store import StoreUnavailable, open_store

LANG_KEY = "lang"
PICKER_KEY = "lang_picker"


def language() -> str:
    """The session's language; first taken from the URL (?lang=), else from the browser."""
    if st.session_state.get(LANG_KEY) not in i18n.LANGUAGES:
        st.session_state[LANG_KEY] = i18n.pick_language(
            st.query_params.get("lang"), st.context.locale
        )
    return st.session_state[LANG_KEY]


def _language_changed() -> None:
    st.session_state[LANG_KEY] = st.session_state[PICKER_KEY]
    st.query_params["lang"] = st.session_state[LANG_KEY]


def language_picker() -> None:
    """The sidebar switch. Its label is the same in both languages: a label that changed with
    the language would make a new widget."""
    labels = {"de": "Deutsch", "en": "English"}
    st.sidebar.radio(
        "Sprache / Language",
        i18n.LANGUAGES,
        horizontal=True,
        index=i18n.LANGUAGES.index(language()),
        format_func=labels.get,
        key=PICKER_KEY,
        on_change=_language_changed,
    )


def page_start() -> str:
    """First call of every page: the language, and the sign-in gate again (defence in depth,
    should a page ever run without app.py)."""
    lang = language()
    auth_gate(lang)
    return lang


def auth_gate(lang: str) -> None:
    if not auth.allowed_without_sign_in(st.get_option("server.address")):
        st.error(i18n.t("auth.remote_none", lang))
        st.stop()


def store():
    try:
        return open_store(config.db_path())
    except StoreUnavailable as exc:
        st.error(i18n.t("store.unavailable", language(), path=exc.path, reason=exc.reason))
        st.stop()


def revision() -> int:
    return store().revision()


def require_data(lang: str) -> None:
    if store().is_empty():
        st.warning(i18n.t("store.empty", lang))
        st.stop()


@st.cache_data(max_entries=64, show_spinner=False)
def _waves(db: str, rev: int) -> list[str]:
    return analysis.waves(store())


@st.cache_data(max_entries=64, show_spinner=False)
def _table(db: str, rev: int, wave: str | None, loyalty: str) -> pl.DataFrame:
    return analysis.branch_table(store(), wave, loyalty=loyalty)


@st.cache_data(max_entries=64, show_spinner=False)
def _ratio(db: str, rev: int, wave: str, loyalty: str):
    return analysis.headline_ratio(_table(db, rev, wave, loyalty), loyalty)


@st.cache_data(max_entries=64, show_spinner=False)
def _quadrants(db: str, rev: int, wave: str, loyalty: str) -> pl.DataFrame:
    return analysis.quadrant_table(_table(db, rev, wave, loyalty), loyalty)


@st.cache_data(max_entries=32, show_spinner=False)
def _chain(db: str, rev: int, wave: str, loyalty: str):
    return model.chain_model(_table(db, rev, wave, loyalty), loyalty)


@st.cache_data(max_entries=32, show_spinner=False)
def _drivers(db: str, rev: int, wave: str, loyalty: str) -> pl.DataFrame:
    return model.drivers(_table(db, rev, wave, loyalty), loyalty)


@st.cache_data(max_entries=16, show_spinner=False)
def _estimates(db: str, rev: int, wave: str) -> pl.DataFrame:
    table = _table(db, rev, wave, "nps")
    shown = table.filter(~pl.col("suppressed"))["branch_id"]
    return model.engagement_estimates(analysis.respondent_engagement(store(), wave), shown)


@st.cache_data(max_entries=32, show_spinner=False)
def _expected(db: str, rev: int, wave: str, loyalty: str) -> pl.DataFrame:
    return model.expected_vs_actual(_table(db, rev, wave, loyalty), loyalty)


@st.cache_data(max_entries=8, show_spinner=False)
def _lags(db: str, rev: int, loyalty: str):

    return model.lag_direction(_table(db, rev, None, loyalty), loyalty)


@st.cache_data(max_entries=16, show_spinner=False)
def _quality(db: str, rev: int, wave: str):
    return (
        quality.aggregation(store(), wave),
        quality.rwg_values(store(), wave),
        quality.reliability(store(), wave),
    )


@st.cache_data(max_entries=8, show_spinner=False)
def _responses(db: str, rev: int) -> pl.DataFrame:
    return quality.response_counts(store())


@st.cache_data(max_entries=16, show_spinner=False)
def _story(db: str, rev: int, wave: str, lang: str, loyalty: str):

    return story.build(store(), wave, lang, loyalty)


@st.cache_data(max_entries=256, show_spinner=False)
def _churn(db: str, rev: int, wave: str, branch_id: str | None) -> pl.DataFrame:
    return analysis.churn_shares(store(), wave, branch_id)


@st.cache_data(max_entries=8, show_spinner=False)
def _dimensions(db: str, rev: int) -> pl.DataFrame:
    return analysis.dimensions(store())


def _key() -> tuple[str, int]:
    return str(config.db_path()), revision()


def waves() -> list[str]:
    return _waves(*_key())


def branch_table(wave: str | None, loyalty: str = "nps") -> pl.DataFrame:
    return _table(*_key(), wave, loyalty)


def headline_ratio(wave: str, loyalty: str = "nps"):
    return _ratio(*_key(), wave, loyalty)


def quadrants(wave: str, loyalty: str = "nps") -> pl.DataFrame:
    return _quadrants(*_key(), wave, loyalty)


def chart(fig, key: str, lang: str, **select):
    """A plotly chart as the pages show it (no plotly toolbar), with a small menu to download
    it as PNG or SVG (rendered on request in the system Chromium, same figure as on screen).
    ``select`` takes st.plotly_chart's on_select/selection_mode; returns its event."""
    event = st.plotly_chart(fig, key=key, config={"displayModeBar": False}, **select)
    _chart_downloads(fig, key, lang)
    return event


@st.fragment
def _chart_downloads(fig, key: str, lang: str) -> None:
    with st.popover(i18n.t("chart.download", lang), icon=":material/download:", width="content"):
        for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
            st.download_button(
                fmt.upper(),
                data=lambda fmt=fmt: exports.chart_image(fig, fmt),
                file_name=f"loyalty-{key}.{fmt}",
                mime=mime,
                on_click="ignore",
                key=f"{key}_download_{fmt}",
            )


def chain_model(wave: str, loyalty: str = "nps"):

    return _chain(*_key(), wave, loyalty)


def drivers(wave: str, loyalty: str = "nps") -> pl.DataFrame:
    return _drivers(*_key(), wave, loyalty)


def engagement_estimates(wave: str) -> pl.DataFrame:
    """Shrunken engagement with interval and rank interval, shown branches only."""
    return _estimates(*_key(), wave)


def expected_vs_actual(wave: str, loyalty: str = "nps") -> pl.DataFrame:
    return _expected(*_key(), wave, loyalty)


def branch_filter() -> analysis.BranchFilter:
    """The Branches page's filter and sort order, as carried in the URL."""
    return analysis.BranchFilter.from_query(st.query_params.to_dict())


@st.cache_data(max_entries=64, show_spinner=False)
def _what_if(db: str, rev: int, wave: str, loyalty: str, rule: str, values, delta: float):
    table = _table(db, rev, wave, loyalty)
    return model.what_if(table, model.select_branches(table, rule, values), delta, loyalty)


def what_if(wave: str, loyalty: str, rule: str, values: tuple[str, ...], delta: float):
    return _what_if(*_key(), wave, loyalty, rule, tuple(values), round(delta, 2))


def lag_direction(loyalty: str = "nps"):

    return _lags(*_key(), loyalty)


def data_quality(wave: str):
    """(aggregation, r_wg(j) values, reliability) for one wave."""
    return _quality(*_key(), wave)


def response_counts() -> pl.DataFrame:
    return _responses(*_key())


def story_steps(wave: str, lang: str, loyalty: str = "nps"):
    """The story's steps, always as an unpickled copy: st.cache_data hands out the original
    object on a miss and copies on hits, and the two serialise their figures with a different
    key order, which would give a chart a new identity (and lose its selection) on rerun."""
    return story.copy(_story(*_key(), wave, lang, loyalty))


def churn(wave: str, branch_id: str | None = None) -> pl.DataFrame:
    return _churn(*_key(), wave, branch_id)


def dimensions() -> pl.DataFrame:
    return _dimensions(*_key())


def wave_picker(lang: str, container=st) -> str:
    """A wave selector kept in the URL (?wave=), defaulting to the latest wave."""
    options = waves()
    current = st.query_params.get("wave")
    index = options.index(current) if current in options else len(options) - 1
    wave = container.selectbox(i18n.t("wave.label", lang), options, index=index, key="wave")
    if st.query_params.get("wave") != wave:
        st.query_params["wave"] = wave
    return wave


def styled(frame: pl.DataFrame, lang: str, digits: dict[str, int]):
    """A pandas Styler (the boundary st.dataframe needs for custom number formats) that shows
    numbers in the language's format while sorting keeps the numbers."""
    decimal, thousands = (",", ".") if lang == "de" else (".", ",")
    style = frame.to_pandas().style
    for column, places in digits.items():
        style = style.format(
            precision=places, decimal=decimal, thousands=thousands, na_rep="–", subset=[column]
        )
    return style


def query_list(name: str) -> list[str]:
    """A comma-separated list from the URL (?region=Nord,Süd)."""
    raw = st.query_params.get(name, "")
    return [part for part in raw.split(",") if part]


def set_query(name: str, value: str | list[str] | None) -> None:
    """Keep a filter in the URL; empty values are removed."""
    text = ",".join(value) if isinstance(value, list) else (value or "")
    if text:
        if st.query_params.get(name) != text:
            st.query_params[name] = text
    elif name in st.query_params:
        del st.query_params[name]


# Our own constant (never user text): presenter mode hides the sidebar and enlarges type.
PRESENTER_CSS = """
<style>
section[data-testid="stSidebar"], div[data-testid="stSidebarCollapsedControl"] {
  display: none;
}
div[data-testid="stMainBlockContainer"] { max-width: 100%; padding-top: 3.75rem; }
div[data-testid="stMarkdownContainer"] p { font-size: 1.45rem; line-height: 1.5; }
h1 { font-size: 2.8rem !important; }
</style>
"""


def presenter_style() -> None:
    st.html(PRESENTER_CSS)


# --- Data page glue -----------------------------------------------------------------------


def actor() -> str:
    """Who is acting, for imports, version changes and the audit log."""
    return st.session_state.get("username") or "local"


@st.cache_data(max_entries=4, show_spinner=False)
def _read_upload(data: bytes, name: str, sheet):
    return read.read_file(data, name, sheet=sheet)


def read_upload(data: bytes, name: str, sheet=None):
    """The uploaded file as read (cached per file content: reruns do not re-read it)."""
    return _read_upload(data, name, sheet)


def suggested_mapping(columns: tuple[str, ...], kind: str) -> dict[str, str | None]:
    return mapping.suggest_mapping(list(columns), kind)


def parse_instrument(data: bytes, name: str):
    text = data.decode("utf-8-sig")
    if name.lower().endswith(".csv"):
        return instrument.parse_csv(text)
    return instrument.parse_yaml(text)


def show_import_report(report, lang: str) -> None:
    """The validation report: problems grouped (first 20 of each kind and the count of the
    rest, all of them as a CSV), warnings apart, dropped and ignored columns, a preview."""
    if report.read_error:
        key, params = report.read_error
        st.error(read.ReadError(key, params).message(lang))
        return
    result = report.validation
    if result is None:
        st.error(report.render_text(lang))
        return
    st.markdown(
        i18n.t(
            "data.summary",
            lang,
            read=i18n.num(result.rows_read, lang, 0),
            valid=i18n.num(result.rows_valid, lang, 0),
            problems=i18n.num(report.problem_count(), lang, 0),
        )
    )
    if not result.problems.is_empty():
        st.error(i18n.t("data.rejected", lang))
        for kind, count, part in result.problem_groups(20):
            with st.expander(f"{validate_messages.t(f'import.problem.{kind}', lang)} ({count})"):
                for row in part.iter_rows(named=True):
                    st.markdown("- " + validate.problem_line(kind, row, lang))
                if count > part.height:
                    st.caption(i18n.t("data.more", lang, n=count - part.height))
        st.download_button(
            i18n.t("data.problems_csv", lang),
            exports.table_csv(report.problems_frame(lang), lang, label=False),
            file_name="import-problems.csv",
            mime="text/csv",
            on_click="ignore",
            key="data_problems_csv",
        )
    for notice in result.warnings:
        st.warning(notice.message(lang))
    if result.dropped_columns:
        st.info(
            i18n.t(
                "data.dropped",
                lang,
                columns=", ".join(
                    f"{c} ({validate_messages.t(r, lang)})" for c, r in result.dropped_columns
                ),
            )
        )
    if result.ignored_columns:
        st.caption(i18n.t("data.ignored", lang, columns=", ".join(result.ignored_columns)))
    if result.item_columns:
        st.caption(i18n.t("data.items_found", lang, n=len(result.item_columns)))
    if result.ok:
        st.success(i18n.t("data.ready", lang))
        preview = import_preview(result)
        if preview is not None:
            st.dataframe(preview, hide_index=True, key="data_preview")


def import_preview(result) -> pl.DataFrame | None:
    """What will be stored, as the first rows; a survey only as answers per branch (no single
    person's answers on screen)."""
    if result.kind == "engagement":
        responses = result.frames.get("responses")
        if responses is None:
            return None
        return responses.group_by("wave", "branch_id").len("responses").sort("branch_id").head(20)
    frame = next(iter(result.frames.values()), None)
    return frame.head(20) if frame is not None else None
