"""Streamlit glue, results a page does not wait for: the effects of actions (6-8 s at
10,000 branches cold) are computed in the background or by the warm-up while presenter mode
shows the story without them and the Actions page its list; both fill in by themselves
(:func:`pages._widgets.rerun_when`)."""

import streamlit as st

from loyalty import actions, story, warming
from pages._cache import Scope, _core, _key, _presenter_steps


@st.cache_resource(max_entries=32, show_spinner=False)
def _effects_job(db: str, rev: int, scope: Scope, arev: int, horizon: int):
    """The effects of actions at ``horizon`` computed in the background, once per revision,
    scope and actions' revision."""
    return warming.in_background(
        lambda: _core(db, rev, scope).action_effects(horizon), name=f"loyalty-effects-{horizon}"
    )


#: s a presenter waits for the effects of actions before the story shows without them
PATIENCE = 1.0


def effects_ready(horizons: list[int], patience: float | None = 0.0) -> bool:
    """Whether the effects of actions at ``horizons`` are computed. The served app (its
    warm-up enabled) waits ``patience`` seconds for them: for the warm-up where its plan has
    them (``Dashboard.warmed_horizons``), not beside it on the same cores; else computing them
    in the background; not while the warm-up has not started them yet (a visit in its first
    seconds: they are seconds away at 10,000 branches). Elsewhere (scripts, tests) they are
    computed when asked for: True."""
    from pages._warm import warmer  # the warm-up's glue imports this module

    db, rev, scope = _key()
    core = _core(db, rev, scope)
    if not warmer.enabled or core.effects_known(horizons):
        return True
    if set(horizons) <= set(core.warmed_horizons()) and warmer.running((db, rev)):
        if not core.effects_underway(horizons) or patience == 0:  # no wait: one more look
            return core.effects_known(horizons)  # (the warm-up may have finished them since)
        # a page run waiting (a fragment asking every 2 s does not wait, and runs no page:
        # it is no visit to step aside from)
        with warmer.visits.aside():  # the warm-up does not wait for this page meanwhile
            return warming.until(lambda: core.effects_known(horizons), patience)
    arev = actions.revision(core.store)
    jobs = [_effects_job(db, rev, scope, arev, h) for h in horizons]
    return warming.finished(jobs, patience)  # a failure shows where they are asked for


def actions_ready(patience: float | None = 0.0) -> bool:
    """Whether the story's effects of actions are computed (or none recorded); see
    :func:`effects_ready`."""
    core = _core(*_key())
    return not core.action_counts() or effects_ready(core.story_horizons(), patience)


def presenter_steps(wave: str, lang: str, loyalty: str = "nps") -> story.PackedSteps:
    """Presenter mode's steps, figures restyled for the room; each computed and unpacked when
    asked for. While the effects of actions are still being computed (an import at 10,000
    branches: 6-8 s), the story without them after :data:`PATIENCE` s; its last step's figure
    is None."""
    return _presenter_steps(*_key(), wave, lang, loyalty, draft=not actions_ready(PATIENCE))
