"""Streamlit glue for action plans: cached wrappers around the core's action methods
(:class:`loyalty.dashboard.Dashboard`), keyed by the store, its revision, the actions' own
revision (a recorded action does not invalidate the other dashboards) and the viewer's scope.
The rules live in loyalty.actions / loyalty.effects."""

from __future__ import annotations

import polars as pl
import streamlit as st

from loyalty import actions, effects, exports, i18n
from pages import _cache, _pending
from pages import _shared as ui


def _revs() -> tuple[str, int, frozenset[str] | None, int]:
    db, rev, scope = _cache._key()
    return db, rev, scope, actions.revision(ui.store())


@st.cache_resource(max_entries=32, show_spinner=False)
def _current(db: str, rev: int, scope, arev: int) -> pl.DataFrame:
    return _cache._core(db, rev, scope).actions()


@st.cache_data(max_entries=32, show_spinner=False)
def _horizons(db: str, rev: int, scope, arev: int) -> list[int]:
    return _cache._core(db, rev, scope).action_horizons()


@st.cache_resource(max_entries=32, show_spinner=False)
def _effects(db: str, rev: int, scope, arev: int, horizon: int) -> effects.Effects:
    return _cache._core(db, rev, scope).action_effects(horizon)


def current() -> pl.DataFrame:
    """The current version of the actions this viewer may see."""
    return _current(*_revs())


def horizons() -> list[int]:
    return _horizons(*_revs())


def effect(horizon: int) -> effects.Effects:
    return _effects(*_revs(), horizon)


def effect_ready(horizon: int, wait: bool = True) -> bool:
    """Whether the effects at ``horizon`` are computed; the served app waits for them up to
    :data:`pages._pending.PATIENCE` (``wait``) or not at all
    (:func:`pages._pending.effects_ready`)."""
    return _pending.effects_ready([horizon], _pending.PATIENCE if wait else 0.0)


def branches() -> pl.DataFrame:
    """Branch ids, regions and formats of this viewer (for filters and the form)."""
    return ui.branch_table(ui.default_wave())


def listing_table(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The actions as listed and exported, with headers in the language."""
    return exports.labelled(actions.listing(frame, ui.dimensions(), lang), lang)


def date_columns(lang: str) -> dict:
    """The listing's and history's start and last change in the language's format (a German
    page shows 05.12.2026), sorted as dates."""
    return {
        i18n.t("col.start_date", lang): st.column_config.DateColumn(
            format=exports.SCREEN_DATE[lang]
        ),
        i18n.t("col.changed_at", lang): st.column_config.DatetimeColumn(
            format=exports.SCREEN_TIME[lang]
        ),
    }


def branch_listing(branch_id: str, lang: str, suggested: str | None) -> None:
    """The Branch page's list of this branch's actions, with links to the Actions page."""
    st.subheader(i18n.t("actions.branch.heading", lang))
    mine = actions.matching(current(), branches(), actions.Filter(branch_id=branch_id))
    if mine.is_empty():
        st.caption(i18n.t("actions.branch.none", lang))
    else:
        st.dataframe(
            listing_table(mine, lang),
            hide_index=True,
            key="branch_actions",
            column_config=date_columns(lang),
        )
    query = {"branch": branch_id, "lang": lang}
    if suggested and ui.can("record_actions"):
        query["dimension"] = suggested
    st.page_link(
        "pages/actions.py",
        label=i18n.t("actions.branch.link", lang),
        icon=":material/task_alt:",
        query_params=query,
    )
