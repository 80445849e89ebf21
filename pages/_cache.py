"""Streamlit glue, the data: thin ``st.cache_*`` wrappers around the core
(:class:`loyalty.dashboard.Dashboard`), keyed by the store file, its revision and the viewer's
scope. The warm-up that fills them is :mod:`pages._warm`.

Polars frames are kept with st.cache_resource: one shared object, not a copy per run (20 ms at
10,000 branches); tests/test_architecture.py keeps in-place polars methods out. Everything else
(lists, dicts, model results) stays with st.cache_data, which hands out copies. Suppression and
the scope are applied inside the core: no wrapper here sees an unscoped or unsuppressed frame.
"""

import polars as pl
import streamlit as st

from loyalty import actions, analysis, config, dashboard, results, story
from pages import _session

Scope = frozenset[str] | None


@st.cache_resource(max_entries=4, show_spinner=False)
def _memo(db: str, rev: int) -> dashboard.Memo:
    """What the core computed for one revision of the store, shared by every scope; its
    slow results also kept on disk for the next start (:mod:`loyalty.results`)."""
    waves = _session.store().wave_revisions()
    return dashboard.Memo(shelf=results.open_shelf(db, rev, waves))


def _core(db: str, rev: int, scope: Scope) -> dashboard.Dashboard:
    return dashboard.Dashboard(_session.store(), scope, memo=_memo(db, rev))


@st.cache_data(max_entries=64, show_spinner=False)
def _waves(db: str, rev: int) -> list[str]:
    return _core(db, rev, None).waves()


@st.cache_data(max_entries=8, show_spinner=False)
def _complete_waves(db: str, rev: int) -> list[str]:
    return _core(db, rev, None).complete_waves()


@st.cache_resource(max_entries=64, show_spinner=False)
def _table(db: str, rev: int, scope: Scope, wave: str | None, loyalty: str) -> pl.DataFrame:
    return _core(db, rev, scope).branch_table(wave, loyalty)


@st.cache_resource(max_entries=16, show_spinner=False)
def _exclusions(db: str, rev: int, scope: Scope, wave: str, loyalty: str) -> pl.DataFrame:
    return _core(db, rev, scope).exclusions(wave, loyalty)


@st.cache_resource(max_entries=64, show_spinner=False)
def _branch_names(db: str, rev: int, scope: Scope, wave: str | None) -> analysis.BranchNames:
    return _core(db, rev, scope).branch_names(wave)


@st.cache_data(max_entries=64, show_spinner=False)
def _ratio(db: str, rev: int, scope: Scope, wave: str, loyalty: str):
    return _core(db, rev, scope).headline(wave, loyalty)


@st.cache_data(max_entries=16, show_spinner=False)
def _benchmarks(db: str, rev: int, scope: Scope) -> dict:
    return _core(db, rev, scope).benchmarks()


@st.cache_data(max_entries=64, show_spinner=False)
def _links(db: str, rev: int, scope: Scope, wave: str, loyalty: str):
    return _core(db, rev, scope).chain_links(wave, loyalty)


@st.cache_resource(max_entries=64, show_spinner=False)
def _quadrants(db: str, rev: int, scope: Scope, wave: str, loyalty: str) -> pl.DataFrame:
    return _core(db, rev, scope).quadrants(wave, loyalty)


@st.cache_data(max_entries=32, show_spinner=False)
def _chain(db: str, rev: int, scope: Scope, wave: str, loyalty: str):
    return _core(db, rev, scope).chain_model(wave, loyalty)


@st.cache_data(max_entries=32, show_spinner=False)
def _corrected(db: str, rev: int, scope: Scope, wave: str, loyalty: str):
    return _core(db, rev, scope).corrected_links(wave, loyalty)


@st.cache_resource(max_entries=32, show_spinner=False)
def _drivers(db: str, rev: int, scope: Scope, wave: str, loyalty: str) -> pl.DataFrame:
    return _core(db, rev, scope).drivers(wave, loyalty)


@st.cache_resource(max_entries=16, show_spinner=False)
def _estimates(db: str, rev: int, scope: Scope, wave: str) -> pl.DataFrame:
    return _core(db, rev, scope).estimates(wave)


@st.cache_resource(max_entries=32, show_spinner=False)
def _expected(db: str, rev: int, scope: Scope, wave: str, loyalty: str) -> pl.DataFrame:
    return _core(db, rev, scope).expected_vs_actual(wave, loyalty)


@st.cache_data(max_entries=8, show_spinner=False)
def _lags(db: str, rev: int, scope: Scope, loyalty: str):
    return _core(db, rev, scope).lags(loyalty)


@st.cache_data(max_entries=16, show_spinner=False)
def _quality(db: str, rev: int, wave: str):
    return _core(db, rev, None).data_quality(wave)


@st.cache_resource(max_entries=8, show_spinner=False)
def _responses(db: str, rev: int) -> pl.DataFrame:
    return _core(db, rev, None).response_counts()


@st.cache_data(max_entries=16, show_spinner=False)
def _story(db: str, rev: int, scope: Scope, arev: int, wave: str, lang: str, loyalty: str):
    """The story from the core's results, packed whole (the deck, the PDF); ``arev``: the
    actions' revision (its last step)."""
    return story.pack(_core(db, rev, scope).story(wave, lang, loyalty))


@st.cache_data(max_entries=256, show_spinner=False)
def _presenter_step(
    db: str,
    rev: int,
    scope: Scope,
    arev: int,
    wave: str,
    lang: str,
    loyalty: str,
    index: int,
    draft: bool,
) -> bytes:
    """Presenter mode's step ``index``, its figure restyled for the room, packed; ``arev``
    and ``draft`` only for the last step, on actions (``Dashboard.story_step``)."""
    step = _core(db, rev, scope).story_step(wave, lang, index, loyalty, draft)
    return story.presenter_pack(step)


def _presenter_steps(
    db: str, rev: int, scope: Scope, wave: str, lang: str, loyalty: str, draft: bool = False
) -> story.PackedSteps:
    """Presenter mode's steps, each computed (its own results only) and unpacked when asked
    for; ``draft``: the last step says the effects of actions are being computed while they
    are (``Dashboard.story_parts``)."""
    core = _core(db, rev, scope)
    arev = actions.revision(core.store)
    first = len(story.READS)  # the steps before the actions' do not depend on them

    def pack(i: int) -> bytes:
        last = i >= first
        args = (arev if last else 0, wave, lang, loyalty, i, draft and last)
        return _presenter_step(db, rev, scope, *args)

    return story.PackedSteps(core.story_length(), pack)


@st.cache_resource(max_entries=256, show_spinner=False)
def _churn(db: str, rev: int, scope: Scope, wave: str, branch_id: str | None) -> pl.DataFrame:
    return _core(db, rev, scope).churn(wave, branch_id)


@st.cache_resource(max_entries=8, show_spinner=False)
def _dimensions(db: str, rev: int) -> pl.DataFrame:
    return _core(db, rev, None).dimensions()


@st.cache_data(max_entries=64, show_spinner=False)
def _what_if(db: str, rev: int, scope: Scope, wave: str, loyalty: str, rule: str, values, delta):
    return _core(db, rev, scope).what_if(wave, loyalty, rule, values, delta)


@st.cache_data(max_entries=16, show_spinner=False)
def _has_answers(db: str, rev: int, wave: str) -> bool:
    return _core(db, rev, None).has_answers(wave)


def _base() -> tuple[str, int]:
    return config.db_address(), _session.revision()


def _key() -> tuple[str, int, Scope]:
    """Cache key of what this viewer may see: the store, its revision and the scope."""
    return config.db_address(), _session.revision(), _session.viewer().branches


def waves() -> list[str]:
    return _waves(*_base())


def default_wave() -> str:
    """The app's default wave, by the core's one rule (:func:`analysis.pick_default_wave`)."""
    return analysis.pick_default_wave(waves(), _complete_waves(*_base()))


def branch_table(wave: str | None, loyalty: str = "nps") -> pl.DataFrame:
    return _table(*_key(), wave, loyalty)


def exclusions(wave: str, loyalty: str = "nps") -> pl.DataFrame:
    """The viewer's branches each analysis of ``wave`` leaves out, one row per reason."""
    return _exclusions(*_key(), wave, loyalty)


def branch_names(wave: str | None = None) -> analysis.BranchNames:
    """The branches this viewer may see in ``wave`` (None: in any wave): ids, names and the
    labels the selectors show."""
    return _branch_names(*_key(), wave)


def headline_ratio(wave: str, loyalty: str = "nps"):
    return _ratio(*_key(), wave, loyalty)


def company_benchmarks() -> dict:
    """The company's figures per wave (of the branches this viewer may see), as the Branch
    page compares against them: {wave: analysis.Benchmark}."""
    return _benchmarks(*_key())


def chain_links(wave: str, loyalty: str = "nps"):
    """The three links of the chain (correlations with intervals), shown branches."""
    return _links(*_key(), wave, loyalty)


def quadrants(wave: str, loyalty: str = "nps") -> pl.DataFrame:
    return _quadrants(*_key(), wave, loyalty)


def chain_model(wave: str, loyalty: str = "nps"):
    return _chain(*_key(), wave, loyalty)


def corrected_links(wave: str, loyalty: str = "nps"):
    """The links from engagement corrected for the reliability of branch means."""
    return _corrected(*_key(), wave, loyalty)


def drivers(wave: str, loyalty: str = "nps") -> pl.DataFrame:
    return _drivers(*_key(), wave, loyalty)


def engagement_estimates(wave: str) -> pl.DataFrame:
    """Shrunken engagement with interval and rank interval, shown branches only."""
    return _estimates(*_key(), wave)


def expected_vs_actual(wave: str, loyalty: str = "nps") -> pl.DataFrame:
    return _expected(*_key(), wave, loyalty)


def what_if(wave: str, loyalty: str, rule: str, values: tuple[str, ...], delta: float):
    return _what_if(*_key(), wave, loyalty, rule, tuple(values), round(delta, 2))


def lag_direction(loyalty: str = "nps"):
    return _lags(*_key(), loyalty)


def data_quality(wave: str):
    """(aggregation, r_wg(j) values, reliability) for one wave."""
    return _quality(*_base(), wave)


def has_answers(wave: str) -> bool:
    return _has_answers(*_base(), wave)


def response_counts() -> pl.DataFrame:
    return _responses(*_base())


def story_steps(wave: str, lang: str, loyalty: str = "nps"):
    """The story's steps, always unpacked from bytes (cached as such): st.cache_data would
    hand out the original object on a miss and copies on hits, and the two serialise their
    figures with a different key order, which would give a chart a new identity (and lose its
    selection) on rerun. One unpickling per run, not two."""
    db, rev, scope = _key()
    arev = actions.revision(_core(db, rev, None).store)
    return story.unpack(_story(db, rev, scope, arev, wave, lang, loyalty))


def churn(wave: str, branch_id: str | None = None) -> pl.DataFrame:
    return _churn(*_key(), wave, branch_id)


def dimensions() -> pl.DataFrame:
    return _dimensions(*_base())
