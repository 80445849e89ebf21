"""The pages' one entry to their Streamlit glue (``from pages import _shared as ui``).

The glue is split by job — :mod:`pages._session` (language, store, viewer, audit),
:mod:`pages._auth` (signing in), :mod:`pages._cache` (cached wrappers around the core,
:class:`loyalty.dashboard.Dashboard`), :mod:`pages._warm` (the warm-up that fills them,
and what a page reads further down computed ahead), :mod:`pages._pending` (the effects of
actions, which no page waits for),
:mod:`pages._widgets` (charts, pickers, URL filters) and :mod:`pages._import_report` (the
Data page's import) — and gathered here, with :func:`page_start`, the first call of every page.
"""

import streamlit as st

from loyalty import config, i18n
from pages._auth import auth_gate, resume_after_sign_in, sign_out
from pages._cache import (
    branch_names,
    branch_table,
    chain_links,
    chain_model,
    churn,
    company_benchmarks,
    corrected_links,
    data_quality,
    default_wave,
    dimensions,
    drivers,
    engagement_estimates,
    exclusions,
    expected_vs_actual,
    has_answers,
    headline_ratio,
    lag_direction,
    quadrants,
    response_counts,
    story_steps,
    waves,
    what_if,
)
from pages._import_report import (
    file_options,
    forget_file_options,
    parse_instrument,
    read_upload,
    show_import_report,
    suggested_mapping,
)
from pages._pending import actions_ready, presenter_steps
from pages._session import (
    actor,
    audited,
    can,
    language,
    language_picker,
    require,
    require_data,
    revision,
    store,
    viewer,
)
from pages._warm import (
    ahead,
    enable_warming,
    story_ahead,
    visit,
    warm,
    warm_in_background,
    warmer,
)
from pages._widgets import (
    branch_filter,
    chart,
    file_uploader,
    loyalty_picker,
    presenter_style,
    query_list,
    rerun_when,
    set_query,
    styled,
    table,
    text_table,
    wave_and_loyalty,
    wave_picker,
)

__all__ = [
    "actions_ready",
    "ahead",
    "actor",
    "audited",
    "auth_gate",
    "branch_filter",
    "branch_names",
    "branch_table",
    "can",
    "chain_links",
    "chain_model",
    "chart",
    "file_uploader",
    "churn",
    "company_benchmarks",
    "corrected_links",
    "data_quality",
    "default_wave",
    "dimensions",
    "drivers",
    "enable_warming",
    "engagement_estimates",
    "exclusions",
    "expected_vs_actual",
    "has_answers",
    "headline_ratio",
    "lag_direction",
    "language",
    "loyalty_picker",
    "file_options",
    "forget_file_options",
    "language_picker",
    "page_start",
    "parse_instrument",
    "presenter_steps",
    "presenter_style",
    "quadrants",
    "query_list",
    "read_upload",
    "require",
    "require_data",
    "response_counts",
    "resume_after_sign_in",
    "rerun_when",
    "revision",
    "set_query",
    "show_import_report",
    "sign_out",
    "store",
    "story_ahead",
    "story_steps",
    "styled",
    "table",
    "text_table",
    "suggested_mapping",
    "viewer",
    "visit",
    "warm",
    "warm_in_background",
    "warmer",
    "wave_and_loyalty",
    "wave_picker",
    "waves",
    "what_if",
]


def page_start(page: str) -> str:
    """First call of every page: the language, the sign-in gate again (defence in depth,
    should a page ever run without app.py), and whether this user's role may open ``page``."""
    lang = language()
    if warmer.enabled:  # the served app (serve.py): fill the caches of a new revision
        warm_in_background(config.db_address(), revision())
    auth_gate(lang)
    if not viewer().may_open(page):
        st.error(i18n.t("auth.not_permitted", lang))
        st.stop()
    return lang
