"""loyalty.warming: plans of steps run in order, once per key, the newest key winning."""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager

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
