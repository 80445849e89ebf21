"""Streamlit glue for action plans: cached reads keyed by the store, its revision, the
actions' own revision (a recorded action does not invalidate the other dashboards) and the
viewer's scope. The rules live in loyalty.actions / loyalty.effects."""

from __future__ import annotations

import polars as pl
import streamlit as st

from loyalty import access, actions, actions_view, effects, story
from pages import _shared as ui


def _revs() -> tuple[str, int, int, frozenset[str] | None]:
    db, rev, scope = ui._key()
    return db, rev, actions.revision(ui.store()), scope


@st.cache_resource(max_entries=32, show_spinner=False)
def _current(db: str, rev: int, arev: int, scope) -> pl.DataFrame:
    return actions.current(ui.store(), scope)


@st.cache_resource(max_entries=16, show_spinner=False)
def _exposures(db: str, rev: int, arev: int, scope) -> pl.DataFrame:
    return effects.visible_exposures(actions.exposures(ui.store()), scope)


@st.cache_resource(max_entries=8, show_spinner=False)
def _waves(db: str, rev: int) -> pl.DataFrame:
    return effects.wave_spans(ui.store())


@st.cache_resource(max_entries=32, show_spinner=False)
def _effects(db: str, rev: int, arev: int, scope, horizon: int) -> effects.Effects:
    table = access.visible(ui._full_table(db, rev, None, "nps"), scope)
    return effects.estimate(table, _exposures(db, rev, arev, scope), _waves(db, rev), horizon)


def current() -> pl.DataFrame:
    """The current version of the actions this viewer may see."""
    return _current(*_revs())


def horizons() -> list[int]:
    db, rev, arev, scope = _revs()
    return effects.horizons(_exposures(db, rev, arev, scope), _waves(db, rev))


def effect(horizon: int) -> effects.Effects:
    return _effects(*_revs(), horizon)


def summary() -> effects.Summary:
    found = horizons()
    counts = dict(current().group_by("status").len().iter_rows())
    return effects.Summary(
        counts,
        effect(1) if 1 in found else None,
        effect(2) if 2 in found else None,
        ui.dimensions(),
    )


def with_story_step(steps: list, lang: str) -> list:
    """The story's steps and, when actions are recorded, "what we did and what it changed"."""
    if current().is_empty():
        return steps
    part = summary()
    step = story.Step(
        "actions",
        ui.i18n.t("actions.story.title", lang),
        actions_view.story_lines(part, lang),
        actions_view.story_chart(part, lang),
    )
    return [*steps, step]


def branches() -> pl.DataFrame:
    """Branch ids and regions of this viewer (for the region filter)."""
    return ui.branch_table(ui.default_wave()).select("branch_id", "region", "format", "name")


def warm(db: str, rev: int) -> None:
    """Fill the effects for the whole company (the served app warms this last)."""
    arev = actions.revision(ui.store())
    for horizon in effects.horizons(_exposures(db, rev, arev, None), _waves(db, rev))[:2]:
        _effects(db, rev, arev, None, horizon)


def listing_table(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The actions as listed and exported, with headers in the language."""
    from loyalty import exports

    return exports.labelled(actions.listing(frame, ui.dimensions(), lang), lang)


def branch_listing(branch_id: str, lang: str, suggested: str | None) -> None:
    """The Branch page's list of this branch's actions, with links to the Actions page."""
    t = ui.i18n.t
    st.subheader(t("actions.branch.heading", lang))
    mine = actions.select(current(), branches(), actions.Filter(branch_id=branch_id))
    if mine.is_empty():
        st.caption(t("actions.branch.none", lang))
    else:
        st.dataframe(listing_table(mine, lang), hide_index=True, key="branch_actions")
    query = {"branch": branch_id, "lang": lang}
    if suggested and ui.can("record_actions"):
        query["dimension"] = suggested
    st.page_link(
        "pages/actions.py",
        label=t("actions.branch.link", lang),
        icon=":material/task_alt:",
        query_params=query,
    )
