"""Streamlit glue, the warm-up: one background thread per revision fills the caches the pages
read (:mod:`pages._cache`), in the order of ``Dashboard.warm_plan``, so a first visit does not
compute statistics while the user waits (a page asking for an entry being computed waits on
Streamlit's per-entry lock)."""

import streamlit as st

from loyalty import i18n, stats, warming
from pages import _cache as c

#: Each request of the core's plan, through the cache the pages read it from (the warm-up's
#: steps, and what a page computes :func:`ahead`).
CACHED = {
    "waves": lambda db, rev, scope: c._waves(db, rev),
    "complete_waves": lambda db, rev, scope: c._complete_waves(db, rev),
    "response_counts": lambda db, rev, scope: c._responses(db, rev),
    "dimensions": lambda db, rev, scope: c._dimensions(db, rev),
    "has_answers": lambda db, rev, scope, wave: c._has_answers(db, rev, wave),
    "data_quality": lambda db, rev, scope, wave: c._quality(db, rev, wave),
    "benchmarks": c._benchmarks,
    "branch_names": c._branch_names,
    "branch_table": c._table,
    "headline": c._ratio,
    "chain_links": c._links,
    "chain_model": c._chain,
    "corrected_links": c._corrected,
    "quadrants": c._quadrants,
    "drivers": c._drivers,
    "expected_vs_actual": c._expected,
    "estimates": c._estimates,
    "churn": c._churn,
    # the core's memo keeps it (pages read a branch's part through "churn")
    "churn_by_branch": lambda db, rev, scope, wave: c._core(db, rev, scope).churn_by_branch(wave),
    "what_if": c._what_if,
    "lags": c._lags,
    # the core's memo keeps them (the story reads them from there)
    "action_effects": lambda db, rev, scope, horizon: c._core(db, rev, scope).action_effects(
        horizon
    ),
    # presenter mode's steps, every one made
    "story": lambda db, rev, scope, *args: c._presenter_steps(db, rev, scope, *args).packs(),
}

#: two threads where there are two cores, sharing their steps' resamples (loyalty.stats)
warmer = warming.Warmer(
    workers=warming.WORKERS, scope=stats.shared_draws, visits=warming.VISITS
)  # the visitors the server's middleware tells of (serve.py, warming.VisitorActivity)


def _warm_plan(db: str, rev: int) -> warming.Plan:
    for request in c._core(db, rev, None).warm_plan(i18n.LANGUAGES):
        yield lambda r=request: CACHED[r.method](db, rev, r.scope, *r.args)


def enable_warming(db: str, rev: int):
    """From now on a page run that sees a new revision (an import, another active version)
    starts warming it; warms ``rev`` now. Called by serve.py once the runtime is up."""
    warmer.enabled = True
    return warm_in_background(db, rev)


def warm_in_background(db: str, rev: int):
    """Warm revision ``rev`` in a background thread, once per process (the thread, or None
    if it was started before)."""
    return warmer.start((db, rev), lambda: _warm_plan(db, rev), label=f"revision {rev}")


def visit():
    """The page run inside this block: the warm-up waits for it before its next step
    (:class:`loyalty.warming.Visits`), so a first visit during the warm-up gets the processor."""
    return warmer.visits.visit()


def warm(db: str, rev: int, current=lambda: True) -> warming.Warmed:
    """Compute, in order, what the pages read first, here and now; stops early once
    ``current()`` is false."""
    with warmer.scope():  # the served warm-up's scope: its steps share their resamples
        return warming.run(_warm_plan(db, rev), current)


def ahead(*requests: tuple):
    """Compute ``requests`` (each a method of the core's plan, as in :data:`CACHED`, and its
    arguments, e.g. ``("drivers", wave, "nps")``) in order in one background thread, through
    the caches the page reads them from; the thread's future. On a machine of two cores they
    are computed beside what the page computes and shows first, which a first visit waits for
    before the warm-up has its statistics (at 10,000 branches the Branch page's estimates with
    their rank intervals, 1.3 s; the What-if page's lags over every wave, 1.3 s). The page,
    reading an entry being computed ahead, waits for it instead of computing it twice (the
    caches' and the core's per-entry locks); computed, the thread only finds it. Once per
    viewer scope, revision and requests (the page's later runs start no thread; after a
    failure the next run tries again: the page computes what it reads anyway). Only in the
    served app (its warm-up enabled): in scripts and tests each entry is computed when read."""
    if not warmer.enabled:
        return None
    return _ahead_job(*c._key(), requests)  # this viewer's (the thread has no session)


def _succeeded_or_running(job) -> bool:
    return not (job.done() and job.exception() is not None)


@st.cache_resource(max_entries=256, show_spinner=False, validate=_succeeded_or_running)
def _ahead_job(db: str, rev: int, scope: c.Scope, requests: tuple[tuple, ...]):
    work = [(CACHED[method], args) for method, *args in requests]

    def compute() -> None:
        for read, args in work:
            read(db, rev, scope, *args)

    return warming.in_background(compute, name="loyalty-ahead")


def story_ahead(wave: str, loyalty: str):
    """The story's results (``Dashboard.story_reads``) computed :func:`ahead`, in the story's
    order: presenter mode's run computes only the step it shows (``Dashboard.story_step``),
    and the next steps' results are ready before the next click (at 10,000 branches the
    story's 2.4 s, the lags over every wave 1.3 s of it, last)."""
    reads = c._core(*c._key()).story_reads(wave, loyalty)
    return ahead(*((r.method, *r.args) for r in reads))
