"""Streamlit glue, the widgets the pages share: a chart with its download menu, the wave and
measure pickers kept in the URL, filters in the URL, number formats in tables, presenter
style."""

import polars as pl
import streamlit as st

from loyalty import analysis, exports, i18n, schema, style, tables, tablestyle, versions
from pages import _cache, _session


def chart(fig, key: str, lang: str, **select):
    """A plotly chart as the pages show it (no plotly toolbar), with a small menu to download
    it as PNG or SVG (rendered on request in the system Chromium, same figure as on screen).
    ``select`` takes st.plotly_chart's on_select/selection_mode; returns its event."""
    event = st.plotly_chart(fig, key=key, config={"displayModeBar": False}, **select)
    if _session.can("export"):
        _chart_downloads(fig, key, lang)
    return event


def table(rows: pl.DataFrame, empty_note: str, shown=None, **kwargs):
    """st.dataframe of ``rows`` (or of ``shown``, e.g. a Styler of them) without the index, or
    where there are no rows ``empty_note``: Streamlit labels an empty table "empty", in
    English. Returns st.dataframe's selection event (``None`` without rows)."""
    if rows.is_empty():
        st.info(empty_note)
        return None
    return st.dataframe(rows if shown is None else shown, hide_index=True, **kwargs)


def text_table(rows: pl.DataFrame, **kwargs):
    """st.dataframe of ``rows``, columns of text only, handed over as Arrow
    (:func:`loyalty.tables.text_arrow`)."""
    return st.dataframe(tables.text_arrow(rows), hide_index=True, **kwargs)


def file_uploader(label: str, lang: str, **kwargs):
    """st.file_uploader with its own texts (button, size limit, drag-over) in ``lang``:
    Streamlit's are fixed English (:func:`loyalty.style.uploader_css`)."""
    st.html(style.uploader_css(lang, st.get_option("server.maxUploadSize")))
    return st.file_uploader(label, **kwargs)


@st.fragment
def _chart_downloads(fig, key: str, lang: str) -> None:
    with st.popover(i18n.t("chart.download", lang), icon=":material/download:", width="content"):
        for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
            st.download_button(
                fmt.upper(),
                data=_session.audited(
                    f"chart {key}", lambda fmt=fmt: exports.chart_image(fig, fmt), format=fmt
                ),
                file_name=f"loyalty-{key}.{fmt}",
                mime=mime,
                on_click="ignore",
                key=f"{key}_download_{fmt}",
            )


def branch_filter() -> analysis.BranchFilter:
    """The Branches page's filter and sort order, as carried in the URL."""
    return analysis.BranchFilter.from_query(st.query_params.to_dict())


def wave_and_loyalty(lang: str, key: str) -> tuple[str, str]:
    """The wave selector (in the URL) and the loyalty measure (NPS or retention) side by side."""
    left, right = st.columns([1, 2])
    return wave_picker(lang, left), loyalty_picker(lang, key, right)


def loyalty_picker(lang: str, key: str, container=st) -> str:
    """The loyalty measure the page's chain uses: NPS or retention."""
    return container.radio(
        i18n.t("loyalty.label", lang),
        schema.LOYALTY_MEASURES,
        horizontal=True,
        format_func=lambda m: i18n.t(f"measure.{m}", lang),
        key=key,
    )


def wave_picker(lang: str, container=st) -> str:
    """A wave selector kept in the URL (?wave=), defaulting to the latest wave with the whole
    chain (loyalty and finance); a newer survey-only wave stays selectable."""
    options = _cache.waves()
    current = st.query_params.get("wave")
    index = options.index(current) if current in options else options.index(_cache.default_wave())

    wave = container.selectbox(
        i18n.t("wave.label", lang),
        options,
        index=index,
        key="wave",
        placeholder=i18n.t("ui.choose", lang),
    )
    if st.query_params.get("wave") != wave:
        st.query_params["wave"] = wave
    return wave


def styled(frame: pl.DataFrame, lang: str, digits: dict[str, int], moments: tuple[str, ...] = ()):
    """A pandas Styler (the boundary st.dataframe needs for custom number formats) that shows
    numbers, and the date-and-time columns named in ``moments``, in the language's format
    while sorting keeps the values; rendered once for the same table
    (:mod:`loyalty.tablestyle`)."""
    decimal, thousands = i18n.separators(lang)
    pattern = versions.when_format(lang)
    return tablestyle.styled(
        frame, decimal, thousands, digits, {column: pattern for column in moments}
    )


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


@st.fragment(run_every=2)
def rerun_when(ready) -> None:
    """While a result is computed in the background: asks ``ready()`` every 2 s and runs the
    whole page again once it says yes."""
    if ready():
        st.rerun()


def presenter_style() -> None:
    st.html(PRESENTER_CSS)
