"""loyalty.warming: plans of steps run in order, once per key, the newest key winning."""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager

import pytest
import threadpoolctl

from loyalty import warming


def test_run_counts_steps_and_goes_on_after_a_failing_one():
    seen = []

    def fail():
        raise ValueError("no data")

    plan = [lambda: seen.append(1), fail, lambda: seen.append(3)]
    result = warming.run(plan)
    assert seen == [1, 3]
    assert (result.done, result.failed, result.stopped) == (2, 1, False)
    assert result.first_error == "ValueError('no data')"


def test_run_stops_once_it_is_no_longer_current():
    seen = []
    plan = [lambda i=i: seen.append(i) for i in range(5)]
    result = warming.run(plan, current=lambda: len(seen) < 2)
    assert seen == [0, 1] and result.done == 2 and result.stopped


def test_a_plan_that_fails_while_planning_ends_with_the_steps_so_far():
    def plan():
        yield lambda: None
        raise KeyError("wave")

    result = warming.run(plan())
    assert (result.done, result.failed, result.stopped) == (1, 1, False)


def test_a_key_is_warmed_once_and_a_newer_key_stops_the_older_run():
    log = io.StringIO()
    warmer = warming.Warmer(log=log)
    gate, entered = threading.Event(), threading.Event()
    seen = []

    def old_plan():
        yield lambda: (entered.set(), gate.wait(10))
        yield lambda: seen.append("old, after the newer key came")

    first = warmer.start("rev1", old_plan, label="revision 1")
    assert first is not None and warmer.start("rev1", old_plan) is None
    assert entered.wait(10)
    second = warmer.start("rev2", lambda: [lambda: seen.append("new")], label="revision 2")
    gate.set()
    first.join(10)
    second.join(10)
    assert seen == ["new"]
    assert warmer.results["rev1"].stopped and warmer.results["rev1"].done == 1
    assert warmer.results["rev2"].done == 1 and not warmer.results["rev2"].stopped
    assert warmer.started() == ["rev1", "rev2"]
    lines = sorted(log.getvalue().splitlines())
    assert lines[0].startswith("caches: 1 entries warmed for revision 1 in ")
    assert lines[0].endswith("; stopped for a newer revision")
    assert lines[1].startswith("caches: 1 entries warmed for revision 2 in ")
    assert lines[1].endswith(" s")


def test_a_background_job_hands_over_its_result_or_its_error():
    gate = threading.Event()
    job = warming.in_background(lambda: gate.wait(60) and 42)
    quick = warming.in_background(lambda: 7)
    assert not warming.finished([job, quick], 0.05)
    gate.set()
    assert warming.finished([job, quick], None) and (job.result(), quick.result()) == (42, 7)
    failed = warming.in_background(lambda: 1 / 0)
    assert warming.finished([failed], None)
    assert isinstance(failed.exception(), ZeroDivisionError)


def test_until_asks_again_until_the_condition_holds_or_the_time_is_up():
    answers = iter([False, False, True])
    assert warming.until(lambda: next(answers), None, every=0.001)
    assert not warming.until(lambda: False, 0.01, every=0.001)


def test_a_warm_up_is_running_until_its_plan_ends():
    gate = threading.Event()
    warmer = warming.Warmer(log=io.StringIO())
    warmer.start("k", lambda: [lambda: gate.wait(60)])
    assert warmer.running("k") and not warmer.running("other")
    gate.set()
    warmer.thread("k").join(10)
    assert not warmer.running("k")


def test_a_warm_up_step_waits_while_a_page_runs():
    visits = warming.Visits()
    order = []
    entered, leave = threading.Event(), threading.Event()

    def page():
        with visits.visit():
            entered.set()
            leave.wait(10)
            order.append("page done")

    visitor = threading.Thread(target=page)
    visitor.start()
    assert entered.wait(10) and visits.running() == 1
    runner = threading.Thread(
        target=warming.run,
        args=([lambda: order.append("step")],),
        kwargs={"pause": lambda: visits.wait_idle(10)},
    )
    runner.start()
    runner.join(0.3)
    assert order == []  # the step waits for the page
    leave.set()
    visitor.join(10)
    runner.join(10)
    assert order == ["page done", "step"] and visits.running() == 0


def test_a_warm_up_waits_for_page_runs_no_longer_than_its_patience():
    visits = warming.Visits()
    with visits.visit():
        assert not visits.wait_idle(0.01)  # a page still runs: the step goes on anyway
        result = warming.run([lambda: None], pause=lambda: visits.wait_idle(0.01))
        assert result.done == 1
    assert visits.wait_idle(0.01)
    try:
        with visits.visit():
            raise RuntimeError("st.rerun")  # a run ends by an exception too
    except RuntimeError:
        pass
    assert visits.running() == 0


def test_a_page_that_waits_for_the_warm_up_lets_it_go_on():
    visits = warming.Visits()
    done = threading.Event()
    runner = None
    with visits.visit():
        runner = threading.Thread(
            target=warming.run,
            args=([done.set],),
            kwargs={"pause": lambda: visits.wait_idle(10)},
        )
        runner.start()
        with visits.aside():
            assert done.wait(10)  # the step ran while the page waited for it
        assert visits.running() == 1
    runner.join(10)
    assert visits.running() == 0


def test_two_workers_take_the_steps_in_order_and_run_two_at_once():
    both = threading.Barrier(2, timeout=10)  # a step waits until another runs beside it
    started: list[int] = []
    threads: set[str] = set()

    def step(i: int) -> None:
        started.append(i)
        threads.add(threading.current_thread().name)
        if i < 2:
            both.wait()

    result = warming.run([lambda i=i: step(i) for i in range(6)], workers=2)
    assert (result.done, result.failed, result.stopped) == (6, 0, False)
    # steps 0 and 1 run at once (the barrier), the others after them
    assert sorted(started[:2]) == [0, 1] and sorted(started) == list(range(6))
    assert len(threads) == 2


def test_two_workers_count_failures_and_stop_together():
    def fail():
        raise ValueError("no data")

    result = warming.run([fail, lambda: None, fail, lambda: None], workers=2)
    assert (result.done, result.failed) == (2, 2)
    assert result.first_error == "ValueError('no data')"
    seen: list[int] = []
    lock = threading.Lock()

    def add(i: int) -> None:
        with lock:
            seen.append(i)

    stopped = warming.run(
        [lambda i=i: add(i) for i in range(50)], current=lambda: len(seen) < 3, workers=2
    )
    assert stopped.stopped and 3 <= len(seen) <= 4 and stopped.done == len(seen)

    def broken_plan():
        yield lambda: None
        raise KeyError("wave")

    planned = warming.run(broken_plan(), workers=2)
    assert (planned.done, planned.failed, planned.stopped) == (1, 1, False)


def test_a_warmer_runs_its_plan_inside_its_scope_with_its_workers():
    log = io.StringIO()
    inside: list[bool] = []
    names: set[str] = set()
    state = {"open": False}

    @contextmanager
    def scope():
        state["open"] = True
        yield
        state["open"] = False

    both = threading.Barrier(2, timeout=10)

    def step() -> None:
        inside.append(state["open"])
        names.add(threading.current_thread().name)
        both.wait()

    warmer = warming.Warmer(log=log, workers=2, scope=scope)
    warmer.start("k", lambda: [step, step], label="revision 1").join(10)
    assert inside == [True, True] and not state["open"] and len(names) == 2
    assert warmer.results["k"].done == 2 and warming.WORKERS >= 1


def _blas_threads() -> list[int]:
    import numpy  # noqa: F401 - loads OpenBLAS

    return [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]


def test_workers_side_by_side_use_one_blas_thread_each_until_the_last_ends():
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):  # on any machine
        threadpoolctl.OpenBLASController.clear_controlling_thread(force=True)
        _blas_threads_limited_and_restored()
    threadpoolctl.OpenBLASController.clear_controlling_thread(force=True)


def _blas_threads_limited_and_restored() -> None:
    before = _blas_threads()
    assert before and set(before) == {2}  # numpy's OpenBLAS, two threads
    outer = warming.one_blas_thread()
    outer.__enter__()
    assert _blas_threads() == [1] * len(before)
    seen: list[list[int]] = []

    def overlapping() -> None:  # another warm-up, in another thread, outlasting the first
        with warming.one_blas_thread():
            outer.__exit__(None, None, None)
            seen.append(_blas_threads())
        seen.append(_blas_threads())

    thread = threading.Thread(target=overlapping)
    thread.start()
    thread.join(10)
    assert seen == [[1] * len(before), before]
    during: list[list[int]] = []
    warming.run([lambda: during.append(_blas_threads())] * 2, workers=2)
    assert during == [[1] * len(before)] * 2 and _blas_threads() == before
    warming.run([lambda: during.append(_blas_threads())])  # one worker: BLAS as it was
    assert during[-1] == before


def test_after_a_visitor_s_last_request_the_warm_up_waits_its_grace_before_a_step(monkeypatch):
    """A browser loading the app or drawing what it was sent runs no page: the warm-up waits
    GRACE seconds after the visitor's last request or page run before its next step, and at
    most its patience."""
    visits = warming.Visits()
    monkeypatch.setattr(warming, "GRACE", 600.0)
    assert visits.wait_idle(0.0)  # nobody came: no wait
    visits.touch()
    started = threading.Event()
    worker = threading.Thread(
        target=warming.run, args=([started.set],), kwargs={"pause": lambda: visits.wait_idle(600)}
    )
    worker.start()
    assert not started.wait(0.5)  # within the grace
    monkeypatch.setattr(warming, "GRACE", 0.0)
    with visits.visit():  # a page run's end wakes the waiting step: its grace (0 s) is over
        pass
    worker.join(60)
    assert started.is_set()
    monkeypatch.setattr(warming, "GRACE", 600.0)
    visits.touch()
    assert visits.wait_idle(0.05)  # the patience over: the step goes on, no page runs


def test_a_browser_loading_the_app_counts_as_a_visitor_and_its_messages_do_not():
    """Every request of the app's files and the opening of the websocket touch the visits;
    health checks and the messages on the websocket do not (a fragment asking every 2 s
    whether the effects of actions are ready would keep the warm-up from computing them)."""
    import asyncio

    visits = warming.Visits()
    touched: list[int] = []
    visits.touch = lambda: touched.append(1)
    received: list[dict] = []

    async def app(scope, receive, send):
        if scope["type"] == "websocket":
            received.extend([await receive(), await receive()])

    async def receive():
        return {"type": "websocket.receive", "bytes": b"rerun"}

    async def send(message):
        pass

    middleware = warming.VisitorActivity(app, visits)

    async def requests():
        await middleware({"type": "http", "path": "/_stcore/health"}, receive, send)
        assert touched == []
        await middleware({"type": "http", "path": "/base/_stcore/health"}, receive, send)
        assert touched == []
        await middleware({"type": "http", "path": "/static/js/index.js"}, receive, send)
        assert len(touched) == 1
        await middleware({"type": "websocket", "path": "/_stcore/stream"}, receive, send)
        assert len(touched) == 2  # the connection, not its two messages
        await middleware({"type": "lifespan"}, receive, send)
        assert len(touched) == 2

    asyncio.run(requests())
    assert [m["bytes"] for m in received] == [b"rerun", b"rerun"]  # passed on unchanged
    assert warming.VisitorActivity(app).visits is warming.VISITS


def _returns(call, within: float = 60.0) -> bool:
    """Whether ``call()`` returns within ``within`` seconds (run in a thread of its own)."""
    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(within)
    return not thread.is_alive()


def test_inside_a_step_the_warm_up_holds_while_a_browser_is_busy_not_while_a_page_runs(
    monkeypatch,
):
    """Visits.hold, called at a checkpoint inside a warm-up step: no wait when nobody came;
    within the grace after a request it waits, at most ``within``; a page run starting ends
    the wait at once (the page may wait for what the held step computes) and, while it runs,
    nothing is held."""
    visits = warming.Visits()
    monkeypatch.setattr(warming, "GRACE", 600.0)
    assert _returns(lambda: visits.hold(600.0))  # nobody came
    visits.touch()
    done = threading.Event()
    holder = threading.Thread(target=lambda: (visits.hold(600.0), done.set()))
    holder.start()
    assert not done.wait(0.5)  # the browser is busy: the step waits
    with visits.visit():
        assert done.wait(60)  # a page run: the step goes on at once
        assert _returns(lambda: visits.hold(600.0))  # and is not held while the page runs
    holder.join(60)
    assert not _returns(lambda: visits.hold(5.0), 0.3)  # the page's browser draws
    assert _returns(lambda: visits.hold(0.05))  # at most `within`


def test_a_page_waiting_for_the_warm_up_neither_holds_it_nor_keeps_it_waiting(monkeypatch):
    """While a page run waits for a step of the warm-up (Visits.aside: the effects of
    actions), no step is held for a browser's grace (a request of its own browser, e.g. a
    chart's code loaded meanwhile, included) and the next step does not wait."""
    visits = warming.Visits()
    monkeypatch.setattr(warming, "GRACE", 600.0)
    with visits.visit():
        pass  # a page run ended: its browser's grace
    assert not _returns(lambda: visits.hold(5.0), 0.3)
    with visits.visit(), visits.aside():
        visits.touch()
        assert _returns(lambda: visits.hold(600.0))
        assert _returns(lambda: visits.wait_idle(600.0))
    assert visits.running() == 0
    assert not _returns(lambda: visits.hold(5.0), 0.3)  # the page run's end: a grace again


def test_a_step_holds_at_its_checkpoints_at_most_its_patience_in_all(monkeypatch):
    """warming.run hands each step's checkpoints (loyalty.courtesy) the hold with what is
    left of PATIENCE for that step; outside a warm-up step a checkpoint does nothing. A clock
    of the test's own: each hold takes 0.4 s of it."""
    from types import SimpleNamespace

    from loyalty import courtesy

    clock = SimpleNamespace(now=0.0)
    clock.monotonic = clock.perf_counter = lambda: clock.now
    monkeypatch.setattr(warming, "time", clock)
    monkeypatch.setattr(warming, "PATIENCE", 1.0)
    asked: list[float] = []

    def hold(within: float) -> None:
        asked.append(within)
        clock.now += 0.4

    def step() -> None:
        for _ in range(4):
            courtesy.checkpoint()

    courtesy.checkpoint()  # no hold in this thread
    result = warming.run([step, step], hold=hold)
    assert result.done == 2 and not result.failed
    # per step: 1.0 s, then 0.6 and 0.2 s left; then nothing left: the fourth is not held
    assert asked == pytest.approx([1.0, 0.6, 0.2] * 2)
    asked.clear()
    step()  # outside a step
    warming.run([step])  # no hold given
    assert asked == []


def test_the_warm_up_s_bootstraps_step_aside_at_their_blocks_and_give_the_same_numbers(
    monkeypatch,
):
    """The effects of actions (did_many) and the quartile ratio call the checkpoint between
    blocks of resamples (the counts all bootstraps draw, loyalty.stats._resample); holding
    there changes no number."""
    import numpy as np
    import polars as pl

    from loyalty import courtesy, stats
    from loyalty.stats import _resample, differences

    monkeypatch.setattr(_resample, "BLOCK_CELLS", 80 * 500)  # blocks of 500 resamples
    rng = np.random.default_rng(3)
    n = 400
    frame = pl.DataFrame(
        {
            "branch_id": [f"b{i % 80}" for i in range(n)],
            "treated": (np.arange(n) % 80 < 20).astype(int),
            "change": rng.normal(size=n),
            "x": rng.normal(size=n),
        }
    )

    def effects():
        return differences.did_many(frame, [("change", ["x"])], "treated", n_boot=3000)

    def ratio():
        return stats.quartile_ratio(frame, "x", "change", n_boot=3000)

    for compute in (effects, ratio):
        plain = compute()
        calls: list[int] = []

        def hold(calls=calls):
            calls.append(1)
            np.random.default_rng(len(calls)).random(100)  # another thread's work meanwhile

        with courtesy.stepping_aside(hold):
            held = compute()
        assert len(calls) >= 6  # 3,000 resamples: 6 blocks of 500 drawn
        assert held == plain
    solving: list[int] = []  # did_many's solving of the resamples steps aside as well
    with courtesy.stepping_aside(lambda: solving.append(1)):
        monkeypatch.setattr(_resample, "checkpoint", lambda: None)  # only the solving's now
        effects()
    assert solving
