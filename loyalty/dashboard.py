"""The application's core: one :class:`Dashboard` per store and viewer scope, which pages,
story, report and CLI ask for everything they show.

Every branch-level result is computed from the whole company's *suppressed* branch table and
only then limited to the viewer's branches (:func:`loyalty.access.visible`): suppression is
never recomputed on a subset, and nothing unsuppressed or outside the scope leaves this module.
The company-wide table itself is private (:meth:`Dashboard._company_table`).

Results are kept in a :class:`Memo` that the dashboards of one store revision share (the app
keeps one per revision; the CLI makes one per run), so a result that others are built from —
the branch table above all — is computed once. The warm-up plan (:meth:`Dashboard.warm_plan`)
names, in order, what the pages read first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any, NamedTuple

import polars as pl

from loyalty import (
    access,
    actions,
    analysis,
    effects,
    model,
    quality,
    results,
    schema,
    stats,
    story,
    users,
)
from loyalty.store import Store

Scope = frozenset[str] | None


#: The results a :class:`Memo` with a shelf keeps on disk: those that take long to compute
#: (bootstraps, models) and the company tables they are built from; cheap ones (a scope's
#: rows of a table, names, counts) are computed again.
KEPT = frozenset(
    {
        "company_table",
        "company_estimates",
        "headline",
        "links",
        "quadrants",
        "chain",
        "corrected",
        "drivers",
        "expected",
        "lags",
        "quality",
        "benchmarks",
        "what_if_paths",
        "action_effects",
    }
)


#: The kept results computed from the data of one wave alone, the wave being their first
#: argument (``company_table`` only with a wave): kept under that wave's revision, so an import
#: into another wave leaves them to be read again (:mod:`loyalty.results`). The others are
#: computed over every wave.
ONE_WAVE = KEPT - {"lags", "benchmarks", "action_effects"}


def wave_of(key: Hashable) -> str | None:
    """The one wave a kept result under ``key`` is computed from (None: more than one)."""
    name, _scope, _n_boot, *args = key
    return args[0] if name in ONE_WAVE and args and args[0] is not None else None


class Memo:
    """A bounded, thread-safe memo: a key being computed is computed once, whoever asks (the
    warm-up thread and a page may ask at the same time). With a ``shelf``
    (:class:`loyalty.results.Shelf`), the results named in :data:`KEPT` are also kept on disk
    and read from there before they are computed."""

    def __init__(self, size: int = 1024, shelf: results.Shelf | None = None) -> None:
        self.size = size
        self.shelf = shelf
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._pending: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            pending = self._pending.setdefault(key, threading.Lock())
        with pending:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = self._kept_or_computed(key, compute)
            with self._lock:
                self._values[key] = value
                self._pending.pop(key, None)
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
        return value

    def computing(self, key: Hashable) -> bool:
        """Whether some thread is computing ``key`` now: it holds the key's lock, which
        threads asking meanwhile wait for (after a failed computation nobody holds it)."""
        with self._lock:
            pending = self._pending.get(key)
        return pending is not None and pending.locked()

    def known(self, key: Hashable) -> bool:
        """Whether :meth:`get` would answer ``key`` without computing it (in memory, or kept
        on the shelf)."""
        with self._lock:
            if key in self._values:
                return True
        return self.shelf is not None and key[0] in KEPT and self.shelf.has(key, wave_of(key))

    def _kept_or_computed(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        if self.shelf is None or key[0] not in KEPT:  # keys: (name, scope, n_boot, *args)
            return compute()
        wave = wave_of(key)
        value = self.shelf.load(key, wave)
        if value is results.MISSING:
            value = compute()
            self.shelf.save(key, value, wave)
        return value

    def __len__(self) -> int:
        return len(self._values)


class Request(NamedTuple):
    """One step of the warm-up plan: ``Dashboard(store, scope).<method>(*args)``."""

    method: str
    scope: Scope
    args: tuple = ()


class Dashboard:
    """What one viewer scope (``None``: every branch) may see of one store."""

    def __init__(
        self, store: Store, scope: Scope = None, *, memo: Memo | None = None, n_boot: int = 2000
    ) -> None:
        self.store = store
        self.scope = scope
        self.memo = memo if memo is not None else Memo()
        self.n_boot = n_boot

    @classmethod
    def for_viewer(cls, store: Store, viewer: access.Viewer, **kwargs: Any) -> Dashboard:
        return cls(store, viewer.branches, **kwargs)

    def view(self, scope: Scope) -> Dashboard:
        """The same store and memo, seen by another scope."""
        return Dashboard(self.store, scope, memo=self.memo, n_boot=self.n_boot)

    def _key(self, name: str, args: tuple, scoped: bool = True) -> tuple:
        return (name, self.scope if scoped else None, self.n_boot, *args)

    def _memo(self, name: str, args: tuple, compute: Callable[[], Any], scoped: bool = True):
        return self.memo.get(self._key(name, args, scoped), compute)

    # --- company-wide facts (no branch scores) -------------------------------------------

    def waves(self) -> list[str]:
        return self._memo("waves", (), lambda: analysis.waves(self.store), scoped=False)

    def complete_waves(self) -> list[str]:
        return self._memo("complete", (), lambda: analysis.complete_waves(self.store), scoped=False)

    def default_wave(self) -> str | None:
        """The newest complete wave, else the newest (:func:`analysis.pick_default_wave`)."""
        return analysis.pick_default_wave(self.waves(), self.complete_waves())

    def resolve_wave(self, wave: str | None) -> str:
        """``wave`` if the store has it, else (``None``) the default wave; ``ValueError`` for
        an unknown wave or an empty store."""
        if wave is None:
            wave = self.default_wave()
            if wave is None:
                raise ValueError("the store holds no wave")
        elif wave not in self.waves():
            raise ValueError(wave)
        return wave

    def dimensions(self) -> pl.DataFrame:
        return self._memo("dimensions", (), lambda: analysis.dimensions(self.store), False)

    def has_answers(self, wave: str) -> bool:
        return self._memo(
            "has_answers", (wave,), lambda: quality.has_answers(self.store, wave), False
        )

    def response_counts(self) -> pl.DataFrame:
        """Respondents, headcount, counted respondents and shown branches per wave (counts, no
        scores), the last two from each wave's branch table."""

        def compute() -> pl.DataFrame:
            first = schema.LOYALTY_MEASURES[0]
            tables = {w: self._company_table(w, first) for w in self.waves()}
            return quality.response_counts(self.store, tables)

        return self._memo("responses", (), compute, False)

    def data_quality(self, wave: str):
        """(aggregation, r_wg(j) values, reliability) of one wave, company-wide (the Methods
        page; every figure is over groups of at least the minimum size)."""
        return self._memo("quality", (wave,), lambda: quality.data_quality(self.store, wave), False)

    # --- branch-level results: suppressed, then scoped -----------------------------------

    def _company_table(self, wave: str | None, loyalty: str) -> pl.DataFrame:
        """The whole company's suppressed branch table: private, read only to compute
        results that are then limited to the scope. Every wave's (``wave=None``) is built
        from each wave's, kept per wave (after an import into one wave, the others are read
        again), the newest first: the default view's table is then ready while the older
        ones are computed. The other loyalty measure's is the first one's with its loyalty
        column changed."""

        def compute() -> pl.DataFrame:
            every = self.waves() if wave is None else []
            if every:
                newest_first = [self._company_table(w, loyalty) for w in reversed(every)]
                return analysis.every_wave(newest_first)
            first = schema.LOYALTY_MEASURES[0]
            if loyalty != first:  # the same table but for its loyalty column: no query again
                return analysis.for_loyalty(self._company_table(wave, first), loyalty)
            return analysis.branch_table(self.store, wave, loyalty=loyalty)

        return self._memo("company_table", (wave, loyalty), compute, scoped=False)

    def branch_table(self, wave: str | None, loyalty: str = "nps") -> pl.DataFrame:
        """The branch table of ``wave`` (None: every wave), suppressed, the scope's rows."""
        return self._memo(
            "table",
            (wave, loyalty),
            lambda: access.visible(self._company_table(wave, loyalty), self.scope),
        )

    def branch_names(self, wave: str | None = None) -> analysis.BranchNames:
        return self._memo(
            "names", (wave,), lambda: analysis.BranchNames.of(self.branch_table(wave, "nps"))
        )

    def exclusions(self, wave: str, loyalty: str = "nps") -> pl.DataFrame:
        """Which of the scope's branches each analysis of ``wave`` leaves out, and why
        (:func:`loyalty.analysis.exclusions`)."""
        return self._memo(
            "exclusions",
            (wave, loyalty),
            lambda: analysis.exclusions(self.branch_table(wave, loyalty)),
        )

    def headline(self, wave: str, loyalty: str = "nps") -> stats.QuartileRatio:
        """Return on sales of the top loyalty quartile over the bottom one."""
        return self._memo(
            "headline",
            (wave, loyalty),
            lambda: analysis.headline_ratio(
                self.branch_table(wave, loyalty), loyalty, n_boot=self.n_boot
            ),
        )

    def benchmarks(self) -> dict:
        """The scope's figures per wave, as the Branch page compares against them."""
        return self._memo(
            "benchmarks", (), lambda: analysis.company_benchmarks(self.branch_table(None))
        )

    def chain_links(self, wave: str, loyalty: str = "nps") -> list[analysis.Link]:
        return self._memo(
            "links",
            (wave, loyalty),
            lambda: analysis.chain_links(self.branch_table(wave, loyalty), loyalty),
        )

    def quadrants(self, wave: str, loyalty: str = "nps") -> pl.DataFrame:
        return self._memo(
            "quadrants",
            (wave, loyalty),
            lambda: analysis.quadrant_table(
                self.branch_table(wave, loyalty), loyalty, n_boot=self.n_boot
            ),
        )

    def chain_model(self, wave: str, loyalty: str = "nps"):
        return self._memo(
            "chain",
            (wave, loyalty),
            lambda: model.chain_model(self.branch_table(wave, loyalty), loyalty),
        )

    def corrected_links(self, wave: str, loyalty: str = "nps") -> model.Corrected:
        """The links from engagement corrected for the reliability of branch means."""
        return self._memo(
            "corrected",
            (wave, loyalty),
            lambda: model.corrected_links(self.branch_table(wave, loyalty), loyalty),
        )

    def drivers(self, wave: str, loyalty: str = "nps") -> pl.DataFrame:
        return self._memo(
            "drivers",
            (wave, loyalty),
            lambda: model.drivers(self.branch_table(wave, loyalty), loyalty),
        )

    def estimates(self, wave: str) -> pl.DataFrame:
        """Shrunken engagement with interval and rank interval: estimated over every shown
        branch of the company, then the scope's rows."""

        return self._memo(
            "estimates", (wave,), lambda: access.visible(self._company_estimates(wave), self.scope)
        )

    def _company_estimates(self, wave: str) -> pl.DataFrame:
        """Every shown branch's estimate, computed once for all scopes (private, like
        :meth:`_company_table`), so a scope's rows are the company's rows."""

        def compute() -> pl.DataFrame:
            shown = self._company_table(wave, "nps").filter(~pl.col("suppressed"))["branch_id"]
            respondents = analysis.respondent_engagement(self.store, wave)
            return model.engagement_estimates(respondents, shown)

        return self._memo("company_estimates", (wave,), compute, scoped=False)

    def expected_vs_actual(self, wave: str, loyalty: str = "nps") -> pl.DataFrame:
        return self._memo(
            "expected",
            (wave, loyalty),
            lambda: model.expected_vs_actual(self.branch_table(wave, loyalty), loyalty),
        )

    def lags(self, loyalty: str = "nps"):
        """Cross-lagged effects over every wave (the scope's branches)."""
        return self._memo(
            "lags",
            (loyalty,),
            lambda: model.lag_direction(self.branch_table(None, loyalty), loyalty),
        )

    def churn(self, wave: str, branch_id: str | None = None) -> pl.DataFrame:
        """Shares of lost customers by reason, company-wide or of one branch in the scope."""
        if branch_id is not None and self.scope is not None and branch_id not in self.scope:
            raise access.NotPermitted("view_dashboards")
        if branch_id is None:
            return self._memo(
                "churn", (wave, None), lambda: analysis.churn_shares(self.store, wave), scoped=False
            )
        every = self.churn_by_branch(wave)
        return every.filter(pl.col("branch_id") == branch_id).drop("branch_id")

    def churn_by_branch(self, wave: str) -> pl.DataFrame:
        """Every branch's shares of its lost customers by reason in a wave, from one query
        (what :meth:`churn` filters a branch from; a query per branch was 6 % of the server's
        time under 25 sessions at 10,000 branches). Not scoped: :meth:`churn` checks access."""
        return self._memo(
            "churn_by_branch",
            (wave,),
            lambda: analysis.churn_shares_by_branch(self.store, wave),
            scoped=False,
        )

    def what_if(
        self, wave: str, loyalty: str, rule: str, values: tuple[str, ...], delta: float
    ) -> model.WhatIf:
        def compute() -> model.WhatIf:
            table = self.branch_table(wave, loyalty)
            chosen = model.select_branches(table, rule, values)
            paths = self._memo(  # the same for every selection and step: one bootstrap
                "what_if_paths",
                (wave, loyalty),
                lambda: model.what_if_paths(table, loyalty, n_boot=self.n_boot),
            )
            return model.what_if(table, chosen, delta, loyalty, n_boot=self.n_boot, paths=paths)

        return self._memo("what_if", (wave, loyalty, rule, tuple(values), delta), compute)

    # --- actions and their effect (issue 18) -----------------------------------------------
    # Recording an action does not change the store's revision (no dashboard is affected);
    # these results are keyed by the actions' own revision as well.

    def actions(self) -> pl.DataFrame:
        """The current version of the actions touching this scope (their branches in it)."""
        arev = actions.revision(self.store)
        return self._memo("actions", (arev,), lambda: actions.current(self.store, self.scope))

    def _exposures(self, arev: int) -> pl.DataFrame:
        def compute() -> pl.DataFrame:
            return effects.visible_exposures(actions.exposures(self.store), self.scope)

        return self._memo("action_exposures", (arev,), compute)

    def action_horizons(self) -> list[int]:
        arev = actions.revision(self.store)

        def compute() -> list[int]:  # 12 ms at 10,000 branches; pages ask on every run
            return effects.horizons(self._exposures(arev), effects.wave_spans(self.store))

        return list(self._memo("action_horizons", (arev,), compute))

    def action_effects(self, horizon: int) -> effects.Effects:
        """The effect of actions ``horizon`` waves after the pre-action wave (see
        :mod:`loyalty.effects`), from the suppressed table of every wave, limited to the scope."""
        arev = actions.revision(self.store)

        def compute() -> effects.Effects:
            table = access.visible(self._company_table(None, "nps"), self.scope)
            spans = effects.wave_spans(self.store)
            return effects.estimate(table, self._exposures(arev), spans, horizon, self.n_boot)

        return self._memo("action_effects", (arev, horizon), compute)

    def action_counts(self) -> dict[str, int]:
        """How many actions touching the scope have each status (empty: none recorded)."""
        arev = actions.revision(self.store)

        def compute() -> dict[str, int]:
            return dict(self.actions().group_by("status").len().sort("status").iter_rows())

        return dict(self._memo("action_counts", (arev,), compute))

    def story_horizons(self) -> list[int]:
        """The horizons the story shows effects for: the start wave and a wave later."""
        return [h for h in self.action_horizons() if h in (1, 2)]

    def action_summary(self) -> effects.Summary | None:
        """What the story tells about actions (None while none is recorded)."""
        counts = self.action_counts()
        if not counts:
            return None
        found = self.story_horizons()
        return effects.Summary(
            counts,
            self.action_effects(1) if 1 in found else None,
            self.action_effects(2) if 2 in found else None,
            self.dimensions(),
        )

    def effects_known(self, horizons: list[int]) -> bool:
        """Whether the effects of actions at ``horizons`` are computed (in the memo or kept on
        disk): :meth:`action_effects` then answers without computing."""
        arev = actions.revision(self.store)
        return all(self.memo.known(self._key("action_effects", (arev, h))) for h in horizons)

    def effects_underway(self, horizons: list[int]) -> bool:
        """Whether the effects of actions at any of ``horizons`` are being computed now (by
        the warm-up or a page); not yet started, they are seconds away at 10,000 branches."""
        arev = actions.revision(self.store)
        return any(self.memo.computing(self._key("action_effects", (arev, h))) for h in horizons)

    def warmed_horizons(self) -> list[int]:
        """The horizons whose effects of actions :meth:`warm_plan` computes for this scope
        (through the story, which it warms for every branch only)."""
        return self.story_horizons() if self.scope is None else []

    def actions_ready(self) -> bool:
        """Whether :meth:`action_summary` answers without computing effects of actions (none
        recorded, or their effects computed). At 10,000 branches the effects take the longest
        of the story (6-8 s)."""
        return not self.action_counts() or self.effects_known(self.story_horizons())

    # --- the story ---------------------------------------------------------------------

    def story_parts(self, wave: str, loyalty: str = "nps", draft: bool = False) -> story.Parts:
        """What the story is told from: the same results the pages show. ``draft``: without
        the effects of actions while they are not computed (:meth:`actions_ready`); the story
        then says they are being computed instead of waiting for them."""
        read = {part: self._read(r) for part, r in self._story_requests(wave, loyalty).items()}
        summary, pending = self._story_actions(draft)
        return story.Parts(**read, actions=summary, pending=pending)

    def _story_actions(self, draft: bool) -> tuple[effects.Summary | None, dict[str, int] | None]:
        """What the story's last step tells: the actions' summary, or (``draft``, their
        effects not computed yet) the actions per status whose effects are pending."""
        if draft and not self.actions_ready():
            return None, self.action_counts()
        return self.action_summary(), None

    def _story_requests(self, wave: str, loyalty: str) -> dict[str, Request]:
        """Each of the story's parts (but the actions'; :class:`story.Parts`' names) and the
        result it is."""
        return {
            part: Request(method, self.scope, args)
            for part, method, args in (
                ("table", "branch_table", (wave, loyalty)),
                ("links", "chain_links", (wave, loyalty)),
                ("ratio", "headline", (wave, loyalty)),
                ("quadrants", "quadrants", (wave, loyalty)),
                ("churn", "churn", (wave, None)),
                ("what_if", "what_if", (wave, loyalty, *model.WHAT_IF_DEFAULT)),
                ("lags", "lags", (loyalty,)),
                ("corrected", "corrected_links", (wave, loyalty)),
            )
        }

    def _read(self, request: Request) -> Any:
        return getattr(self, request.method)(*request.args)

    def story_reads(self, wave: str, loyalty: str = "nps") -> list[Request]:
        """The results :meth:`story_parts` reads (but the actions'), in the order it reads
        them: a caller may compute them ahead (at 10,000 branches 2.4 s in one thread, the
        lags over every wave's table 1.3 s of it)."""
        return list(self._story_requests(wave, loyalty).values())

    def story_length(self) -> int:
        """How many steps the story has: the last one, on actions, only once one is
        recorded."""
        return len(story.READS) + bool(self.action_counts())

    def story_step(
        self, wave: str, lang: str, index: int, loyalty: str = "nps", draft: bool = False
    ) -> story.Step:
        """Step ``index`` (from 0) of :meth:`story`, computing only the results it shows
        (presenter mode's first step at 10,000 branches: one wave's table, its links and the
        corrected links, not the lags over every wave); ``draft`` as in :meth:`story_parts`."""
        keys = list(story.READS)
        if not 0 <= index < self.story_length():
            raise IndexError(f"the story has {self.story_length()} steps, not step {index}")
        if index < len(keys):
            requests = self._story_requests(wave, loyalty)
            return story.tell_step(
                keys[index], lambda part: self._read(requests[part]), lang, loyalty
            )
        last = story.actions_step(*self._story_actions(draft), lang)
        if last is None:  # (not reached: the story has this step once an action is recorded)
            raise IndexError(f"the story has {self.story_length()} steps, not step {index}")
        return last

    def story(
        self, wave: str, lang: str, loyalty: str = "nps", draft: bool = False
    ) -> list[story.Step]:
        """The story's steps for ``wave`` in ``lang`` (presenter mode, deck, PDF); ``draft``:
        see :meth:`story_parts`."""
        return story.tell(self.story_parts(wave, loyalty, draft), lang, loyalty)

    # --- warming -------------------------------------------------------------------------

    def user_scopes(self) -> list[frozenset[str]]:
        """The distinct branch scopes of the users limited to some regions or branches."""
        scopes = set()
        for name in users.list_users(self.store)["username"].to_list():
            principal = users.get_principal(self.store, name)
            scope = principal.branch_filter(self.store) if principal else None
            if scope is not None:
                scopes.add(scope)
        return sorted(scopes, key=sorted)

    def warm_plan(self, languages: tuple[str, ...]) -> Iterator[Request]:
        """What the pages read first, in order: the default view (default wave, the first
        loyalty measure, every branch), the other measure, the story in each language, the
        scopes of region-limited users, then the older waves. The caller computes each
        :class:`Request` through its caches; the plan reads only what it needs to decide."""
        yield Request("waves", None)
        all_waves = self.waves()
        if not all_waves:
            return
        first = analysis.pick_default_wave(all_waves, self.complete_waves())
        yield Request("complete_waves", None)
        later = [w for w in reversed(all_waves) if w != first]
        yield Request("dimensions", None)
        measure, *others = schema.LOYALTY_MEASURES  # the pages' default measure first
        # every wave's table (the branch selector's names) one wave a step, the newest first:
        # a page run that comes meanwhile waits for one wave's table at most (loyalty.warming)
        for wave in reversed(all_waves):
            yield Request("branch_table", None, (wave, measure))
        yield Request("response_counts", None)  # counted from those tables
        yield Request("branch_names", None, (None,))

        def view(scope: Scope, wave: str, loyalty: str) -> Iterator[Request]:
            for method in (
                "branch_table",
                "headline",
                "chain_links",
                "chain_model",
                "corrected_links",
                "quadrants",
                "drivers",
                "expected_vs_actual",
            ):
                yield Request(method, scope, (wave, loyalty))

        def wave_only(scope: Scope, wave: str) -> Iterator[Request]:
            yield Request("branch_names", scope, (wave,))
            yield Request("churn", scope, (wave, None))
            if scope is None:  # the Branch page's branch is one filter of it
                yield Request("churn_by_branch", None, (wave,))
            if wave == first:
                yield Request("what_if", scope, (wave, measure, *model.WHAT_IF_DEFAULT))
            yield Request("has_answers", None, (wave,))
            if not self.has_answers(wave):  # answers purged: the pages show branch figures
                return
            yield Request("estimates", scope, (wave,))
            if scope is None:
                yield Request("data_quality", None, (wave,))

        yield from view(None, first, measure)  # the overview's, the landing page's, first
        yield Request("benchmarks", None)  # the branch page's company figures and history
        yield Request("branch_table", None, (None, measure))
        yield from wave_only(None, first)
        yield Request("lags", None, (measure,))
        for other in others:
            yield from view(None, first, other)
            yield Request("lags", None, (other,))
        # the story last of the default view: its effects of actions take longest (6-8 s at
        # 10,000 branches), and presenter mode shows the rest of it without them meanwhile;
        # one horizon a step, so that a page run meanwhile waits for one at most
        for horizon in self.warmed_horizons():
            yield Request("action_effects", None, (horizon,))
        for lang in languages:
            yield Request("story", None, (first, lang, measure))
        for scope in self.user_scopes():
            yield Request("branch_names", scope, (None,))
            yield from view(scope, first, measure)
            yield from wave_only(scope, first)
        for wave in later:
            for loyalty in schema.LOYALTY_MEASURES:
                yield from view(None, wave, loyalty)
