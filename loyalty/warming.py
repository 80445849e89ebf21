"""Warming caches in the background, before anyone asks.

A :class:`Warmer` runs a *plan* (an iterable of zero-argument steps, each computing one cache
entry) in a daemon thread, once per key (the app uses the store's revision): the first page
visit after a start or an import then finds its statistics computed. A newer key makes an
older run stop at its next step; a failing step is counted and the rest still run. While a
page runs (:meth:`Visits.visit`), and for :data:`GRACE` seconds after a visitor's last request
(:class:`VisitorActivity`) or page run, the warm-up waits before its next step, up to
:data:`PATIENCE` seconds a step: the visitor's page, and a browser on the same machine
loading the app or drawing what it was sent, get the processor first. The module
knows nothing of Streamlit: ``pages/_warm.py`` gives the steps (its cached functions, in the
order of :meth:`loyalty.dashboard.Dashboard.warm_plan`).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import Future, wait
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import TextIO

import threadpoolctl

from loyalty import courtesy

Step = Callable[[], object]
Plan = Iterable[Step]

#: Seconds the warm-up waits before a step while pages run: a page run at 10,000 branches
#: takes 1-5 s while the warm-up goes on; a process that is never idle still warms.
PATIENCE = 3.0

#: Seconds the warm-up keeps waiting after a visitor's last request or page run: meanwhile the
#: browser loads the app or draws what it was sent. Where the browser shares the machine's
#: cores with the server, the warm-up's steps beside it made a first visit in the warm-up's
#: first seconds up to 1-3 s slower than with no warm-up at all (bench/RESULTS.md).
GRACE = 2.5

#: Threads a served warm-up runs its steps in: two where there are two cores or more.
WORKERS = min(2, os.cpu_count() or 1)


class Visits:
    """The page runs going on in this process, and when a visitor's browser last asked for
    something (the grace after it: :data:`GRACE`)."""

    def __init__(self) -> None:
        self._running = 0  # page runs, but those waiting for the warm-up (:meth:`aside`)
        self._waiting = 0  # page runs waiting for the warm-up
        self._last = float("-inf")  # monotonic time of the last request or page run's end
        self._idle = threading.Condition()

    @contextmanager
    def visit(self) -> Iterator[None]:
        """A page run, for as long as the block takes."""
        with self._idle:
            self._running += 1
            self._idle.notify_all()  # a step held inside (:meth:`hold`) goes on: see there
        try:
            yield
        finally:
            with self._idle:
                self._running -= 1
                self._last = time.monotonic()
                self._idle.notify_all()

    def touch(self) -> None:
        """A visitor's request now (its browser loads the app)."""
        with self._idle:
            self._last = time.monotonic()

    @contextmanager
    def aside(self) -> Iterator[None]:
        """Inside :meth:`visit`: a page that waits for a step of the warm-up (the effects of
        actions) lets it go on meanwhile, for as long as the block takes: the warm-up neither
        waits for this page run nor holds a step for a browser's grace."""
        with self._idle:
            self._running -= 1
            self._waiting += 1
            self._idle.notify_all()
        try:
            yield
        finally:
            with self._idle:
                self._running += 1
                self._waiting -= 1
                self._idle.notify_all()

    def running(self) -> int:
        return self._running

    def _graced(self) -> float:
        """Seconds of grace left (0: none; none either while a page waits for the warm-up)."""
        if self._waiting:
            return 0.0
        return max(self._last + GRACE - time.monotonic(), 0.0)

    def wait_idle(self, within: float) -> bool:
        """Before a warm-up step: wait until no page runs and no browser's grace is left
        (:data:`GRACE` seconds after its last request or page run), at most ``within``
        seconds; whether no page runs."""
        deadline = time.monotonic() + within
        with self._idle:
            while True:
                left = deadline - time.monotonic()
                if not self._idle.wait_for(lambda: self._running == 0, timeout=max(left, 0.0)):
                    return False
                graced, left = self._graced(), deadline - time.monotonic()
                if not graced or left <= 0:
                    return True
                self._idle.wait(min(graced, left))

    def hold(self, within: float) -> None:
        """Inside a warm-up step (:func:`loyalty.courtesy.checkpoint`): wait while a visitor's
        browser is busy, :data:`GRACE` seconds after its last request or page run, at most
        ``within`` seconds. Not while a page runs or waits for the warm-up: the page may
        wait for what this step computes (it would wait for the hold), and the page's own
        statistics share the cores with it as well as with any other thread."""
        deadline = time.monotonic() + within
        with self._idle:
            while not self._running:
                wait = min(self._graced(), deadline - time.monotonic())
                if wait <= 0:
                    return
                self._idle.wait(wait)


#: The visitors of this process: the served app's warm-up (``pages/_warm.py``) waits for them,
#: :class:`VisitorActivity` tells it of their requests.
VISITS = Visits()

#: Paths that are no visitor's request (a load balancer's or the bench's health checks).
HEALTH_PATHS = ("/_stcore/health", "/healthz")


class VisitorActivity:
    """ASGI middleware of the served app: a browser's requests count as a visitor's activity
    (:meth:`Visits.touch`): the app's files and the opening of its websocket, i.e. a browser
    loading the app; health checks do not. Messages on the websocket do not either: a page
    run they ask for counts when it ends (:meth:`Visits.visit`), and a fragment asking every
    2 s whether the effects of actions are ready (``pages._widgets.rerun_when``) would keep
    the warm-up from computing them."""

    def __init__(self, app, visits: Visits | None = None) -> None:
        self.app = app
        self.visits = visits if visits is not None else VISITS

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket") and not scope.get("path", "").endswith(
            HEALTH_PATHS
        ):
            self.visits.touch()
        await self.app(scope, receive, send)


@dataclass(frozen=True)
class Warmed:
    done: int  # steps that ran through
    failed: int  # steps that raised
    stopped: bool  # left early: a newer key came
    first_error: str | None
    seconds: float


def run(
    plan: Iterable[Step],
    current: Callable[[], bool] = lambda: True,
    pause: Callable[[], object] = lambda: None,
    workers: int = 1,
    hold: Callable[[float], object] | None = None,
) -> Warmed:
    """Run ``plan``'s steps in order until it ends or ``current()`` turns false; ``pause()``
    before each step (e.g. waiting for page runs to end); inside a step, at each
    :func:`loyalty.courtesy.checkpoint`, ``hold(s)`` with the seconds of :data:`PATIENCE` the
    step has not yet spent holding (e.g. :meth:`Visits.hold`). With ``workers`` > 1, that many
    threads take the steps in turn, in the plan's order (a step starts when a thread is
    free, so up to ``workers`` run at once: on a machine of several cores the statistics of
    later steps, mostly numpy and DuckDB outside the interpreter lock, go on beside the
    earlier ones)."""
    started = time.perf_counter()
    steps = iter(plan)
    lock = threading.Lock()
    tally = {"done": 0, "failed": 0, "stopped": False, "over": False}
    errors: list[str] = []

    def failed(exc: Exception) -> None:
        with lock:
            tally["failed"] += 1
            errors.append(repr(exc))

    def take() -> Step | None:
        with lock:
            if tally["over"]:
                return None
            try:
                return next(steps)
            except StopIteration:
                pass
            except Exception as exc:  # noqa: BLE001 - the plan itself failed: nothing more to run
                tally["failed"] += 1
                errors.append(repr(exc))
            tally["over"] = True
            return None

    def work() -> None:
        while True:
            pause()
            if not current():
                with lock:
                    tally["stopped"] = tally["over"] = True
                return
            step = take()
            if step is None:
                return
            try:
                with courtesy.stepping_aside(_budget(hold)) if hold else nullcontext():
                    step()
            except Exception as exc:  # noqa: BLE001 - one entry less warm; the rest still help
                failed(exc)
            else:
                with lock:
                    tally["done"] += 1

    helpers = [
        threading.Thread(target=work, daemon=True, name=f"{threading.current_thread().name}-{k}")
        for k in range(1, max(workers, 1))
    ]
    with one_blas_thread() if helpers else nullcontext():
        for helper in helpers:
            helper.start()
        try:
            work()
        except BaseException:  # a step ended this thread: the helpers take no further step
            with lock:
                tally["over"] = True
            raise
        finally:  # and end inside the limits and the scope
            for helper in helpers:
                helper.join()
    return Warmed(
        tally["done"],
        tally["failed"],
        tally["stopped"],
        errors[0] if errors else None,
        time.perf_counter() - started,
    )


def _budget(hold: Callable[[float], object]) -> Callable[[], None]:
    """One step's hold: ``hold(s)`` with what is left of :data:`PATIENCE` for the step."""
    left = PATIENCE

    def held() -> None:
        nonlocal left
        if left > 0:
            started = time.monotonic()
            hold(left)
            left -= time.monotonic() - started

    return held


class _BlasThreads:
    """Matrix products (OpenBLAS, numpy's and scipy's) on one thread from the first
    :func:`one_blas_thread` until the last one ends, in whichever threads they run."""

    def __init__(self) -> None:
        self.users = 0
        self.lock = threading.Lock()
        self.limits: threadpoolctl.threadpool_limits | None = None

    def enter(self) -> None:
        with self.lock:
            self.users += 1
            if self.users == 1:
                try:
                    self.limits = threadpoolctl.threadpool_limits(limits=1, user_api="blas")
                    _let_any_thread_set()
                except Exception as exc:  # noqa: BLE001 - a limit only saves time: go on without
                    print(f"caches: BLAS threads not limited: {exc!r}", file=sys.stderr)

    def exit(self) -> None:
        with self.lock:
            self.users -= 1
            if not self.users and self.limits is not None:
                limits, self.limits = self.limits, None
                limits.restore_original_limits()
                _let_any_thread_set()


def _let_any_thread_set() -> None:
    # threadpoolctl lets only the thread that first set OpenBLAS's process-wide limit set it
    # again (others silently do nothing); the limit here is set and restored by whichever
    # warm-up thread comes first and ends last
    threadpoolctl.OpenBLASController.clear_controlling_thread(force=True)


_BLAS = _BlasThreads()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Matrix products on one thread each while warm-up workers run side by side (process-wide;
    nested and overlapping uses hold it until the last ends): the workers fill the cores, and
    BLAS threads of their own beside them only compete (measured on 2 cores: the warm-up of a
    new 10,000-branch store 26.8 s with them, 22.1 s without)."""
    _BLAS.enter()
    try:
        yield
    finally:
        _BLAS.exit()


class Warmer:
    """Background warm-ups, one per key and process; only the newest key's run goes on."""

    def __init__(
        self,
        log: TextIO | None = None,
        workers: int = 1,
        scope: Callable[[], AbstractContextManager] = nullcontext,
        visits: Visits | None = None,
    ) -> None:
        self.workers = workers  # threads per warm-up (:func:`run`)
        self.scope = scope  # entered around each warm-up (e.g. resamples shared by its steps)
        self.enabled = False  # set by the served app; page runs then warm new revisions
        #: the visitors a step waits for (at most PATIENCE s)
        self.visits = visits if visits is not None else Visits()
        self._log = log
        self._lock = threading.Lock()
        self._threads: dict[Hashable, threading.Thread] = {}
        self._current: Hashable | None = None
        self.results: dict[Hashable, Warmed] = {}

    def start(
        self, key: Hashable, plan: Callable[[], Iterable[Step]], label: str = ""
    ) -> threading.Thread | None:
        """Start warming ``key`` (``plan()`` gives its steps) unless it was started before in
        this process; returns the new thread, else None."""
        with self._lock:
            if key in self._threads:
                return None
            thread = threading.Thread(
                target=self._run, args=(key, plan, label or str(key)), daemon=True,
                name=f"loyalty-warm-{label or key}",
            )  # fmt: skip
            self._threads[key] = thread
            self._current = key
        thread.start()
        return thread

    def thread(self, key: Hashable) -> threading.Thread | None:
        return self._threads.get(key)

    def running(self, key: Hashable) -> bool:
        """Whether ``key``'s warm-up is still going on in this process."""
        thread = self._threads.get(key)
        return thread is not None and thread.is_alive()

    def started(self) -> list[Hashable]:
        """Every key started, in order."""
        return list(self._threads)

    def _run(self, key: Hashable, plan: Callable[[], Iterable[Step]], label: str) -> None:
        try:
            steps = plan()
        except Exception as exc:  # noqa: BLE001 - a warm-up only saves time; say why not
            self._say(f"caches: {label} not warmed: {exc!r}")
            return
        with self.scope():
            result = run(
                steps,
                current=lambda: self._current == key,
                pause=lambda: self.visits.wait_idle(PATIENCE),
                workers=self.workers,
                hold=self.visits.hold,
            )
        self.results[key] = result
        line = f"caches: {result.done} entries warmed for {label} in {result.seconds:.1f} s"
        if result.failed:
            line += f"; {result.failed} failed, first: {result.first_error}"
        if result.stopped:
            line += "; stopped for a newer revision"
        self._say(line)

    def _say(self, line: str) -> None:
        print(line, file=self._log or sys.stderr, flush=True)


def in_background(compute: Callable[[], object], name: str = "loyalty-job") -> Future:
    """``compute()`` in a daemon thread; its result (or exception) in the returned future. A
    page that may not wait for a slow result starts it this way and asks again later."""
    future: Future = Future()

    def target() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(compute())
        except BaseException as exc:  # noqa: BLE001 - handed to whoever asks the future
            future.set_exception(exc)

    threading.Thread(target=target, daemon=True, name=name).start()
    return future


def finished(futures: list[Future], within: float | None = 0.0) -> bool:
    """Whether every one of ``futures`` is done, waiting at most ``within`` seconds in all
    (None: until they are)."""
    return not wait(futures, timeout=within).not_done


def until(condition: Callable[[], bool], within: float | None, every: float = 0.1) -> bool:
    """Whether ``condition()`` holds, asking every ``every`` seconds for at most ``within``
    seconds (None: until it holds)."""
    deadline = None if within is None else time.monotonic() + within
    while not condition():
        if deadline is not None and time.monotonic() >= deadline:
            return False
        time.sleep(every)
    return True
