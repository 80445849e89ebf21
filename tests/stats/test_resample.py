"""loyalty.stats._resample: resample counts, drawn anew or shared while shared_draws is open."""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from loyalty.stats import _resample
from loyalty.stats._resample import resample_counts, shared_draws


def _drawn(n: int, n_boot: int, seed: int, dtype=float) -> tuple[np.ndarray, float]:
    """Every block of counts, and the generator's next number afterwards."""
    rng = np.random.default_rng(seed)
    counts = np.concatenate(list(resample_counts(n, n_boot, rng, dtype)))
    return counts, rng.random()


def test_counts_are_a_whole_resample_per_row():
    counts, _ = _drawn(37, 500, 1)
    assert counts.shape == (500, 37) and (counts.sum(axis=1) == 37).all()
    assert (counts >= 0).all() and counts.max() > 1  # some rows drawn more than once


@pytest.mark.parametrize("dtype", [float, np.int32])
def test_shared_counts_are_the_counts_drawn_anew_and_leave_the_generator_alike(dtype):
    fresh, after = _drawn(1200, 700, 3, dtype)  # several blocks (BLOCK_CELLS // 1200 rows)
    with shared_draws():
        first, first_after = _drawn(1200, 700, 3, dtype)
        hits = _resample._SHARED.hits
        again, again_after = _drawn(1200, 700, 3, dtype)
        assert _resample._SHARED.hits == hits + 1  # the second draw was given, not drawn
    for counts, next_number in ((first, first_after), (again, again_after)):
        assert counts.dtype == np.dtype(dtype) and np.array_equal(counts, fresh)
        assert next_number == after


def test_another_state_or_size_is_drawn_anew():
    with shared_draws():
        hits = _resample._SHARED.hits
        a, _ = _drawn(50, 40, 1)
        b, _ = _drawn(50, 40, 2)
        c, _ = _drawn(51, 40, 1)
        d, _ = _drawn(50, 41, 1)
        assert _resample._SHARED.hits == hits
        assert len(_resample._SHARED.kept) == 4
    assert not np.array_equal(a, b) and c.shape == (40, 51) and np.array_equal(d[:40], a)


def test_a_given_block_is_the_callers_own():
    with shared_draws():
        block = next(resample_counts(20, 10, np.random.default_rng(0)))
        block[:] = -1  # a caller may change what it got
        again = next(resample_counts(20, 10, np.random.default_rng(0)))
    assert (again >= 0).all() and (again.sum(axis=1) == 20).all()


def test_nothing_is_kept_outside_or_after_the_last_user():
    _drawn(30, 20, 0)
    assert not _resample._SHARED.kept and not _resample._SHARED.users
    outer = shared_draws()
    outer.__enter__()
    with shared_draws():
        _drawn(30, 20, 0)
    assert len(_resample._SHARED.kept) == 1  # the outer user still shares
    outer.__exit__(None, None, None)
    assert not _resample._SHARED.kept and not _resample._SHARED.users


def test_shared_counts_are_bounded_oldest_first(monkeypatch):
    monkeypatch.setattr(_resample, "SHARED_BYTES", 2 * 100 * 100 * 2)  # two 16-bit 100×100
    with shared_draws():
        for seed in range(3):
            _drawn(100, 100, seed)
        kept = list(_resample._SHARED.kept.values())
        assert len(kept) == 2 and all(c.dtype == np.int16 for c, _ in kept)
        hits = _resample._SHARED.hits
        _drawn(100, 100, 0)  # the oldest went: drawn anew
        assert _resample._SHARED.hits == hits
        _drawn(100, 201, 9)  # larger than all that is kept at most: not kept
        assert all(c.shape == (100, 100) for c, _ in _resample._SHARED.kept.values())


def test_threads_share_one_draw_and_get_the_same_counts():
    fresh, _ = _drawn(400, 300, 7)
    seen: list[np.ndarray] = []
    start = threading.Barrier(4)

    def draw() -> None:
        start.wait()
        seen.append(_drawn(400, 300, 7)[0])

    with shared_draws():
        threads = [threading.Thread(target=draw) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(seen) == 4 and all(np.array_equal(s, fresh) for s in seen)


def test_every_bootstrapped_statistic_is_the_same_with_shared_draws():
    """The statistics drawn over the same rows (quartile ratio, median split, relative
    weights, mediation, difference in differences) give exactly their results without
    sharing, and share the draws where they ask for the same ones."""
    from loyalty import stats

    rng = np.random.default_rng(11)
    n = 300
    frame = pl.DataFrame(
        {
            "branch_id": [f"B{i:03d}" for i in range(n)],
            "x": rng.normal(size=n),
            "m": rng.normal(size=n),
            "region": rng.choice(["N", "S", "W"], n),
            "treated": rng.random(n) < 0.3,
        }
    ).with_columns(y=pl.col("x") + pl.col("m") + 5, change=pl.col("m") + pl.col("treated") * 0.5)

    def everything():
        return (
            stats.quartile_ratio(frame, "x", "y", n_boot=400),
            stats.median_split(frame, "x", "m", "y", n_boot=400),
            stats.relative_weights(frame, ["x", "m"], "y", n_boot=400),
            stats.mediation(frame, "x", "m", "y", n_boot=400, seed=0),
            stats.did(frame, "change", "treated", ["x"], ["region"], n_boot=400),
        )

    alone = everything()
    with shared_draws():
        hits = _resample._SHARED.hits
        shared = everything()
        assert _resample._SHARED.hits > hits  # same rows, same seed: drawn once
    for mine, theirs in zip(shared, alone, strict=True):
        if isinstance(mine, pl.DataFrame):  # every value, to the last bit
            assert_frame_equal(mine, theirs, check_exact=True)
        else:
            assert dataclasses.astuple(mine) == dataclasses.astuple(theirs)


@pytest.mark.parametrize("dtype", [np.int16, np.int32, float])
@pytest.mark.parametrize("n", [1, 5, 63, 64, 65, 200])  # one block, a full block, several
def test_counted_samples_equal_the_expanded_resamples(n, dtype):
    """Every order statistic, every count and count-weighted sum up to a value, from the
    counts kept per block, equal those of the expanded, sorted resamples, whatever type the
    counts come in and however many draws a row holds."""
    from loyalty.stats._resample import CountedSamples

    rng = np.random.default_rng(n)
    values = np.sort(np.round(rng.normal(size=n), 1))  # ties
    weights = rng.uniform(1, 5, n)
    counts = next(resample_counts(n, 12, rng, dtype))
    counts[0] = 0
    counts[0, -1] = n  # every draw the largest value
    counts[1] *= 3  # three times the draws
    drawn = CountedSamples(values, counts, weights)
    expanded = [np.repeat(values, row.astype(np.int64)) for row in counts]
    assert np.array_equal(drawn.size, counts.sum(1))
    for j in range(n):  # each resample has n draws or more
        assert np.array_equal(drawn.order_stat(np.full(12, j)), [e[j] for e in expanded])
    assert drawn.order_stat(np.full(12, 3 * n - 1))[1] == expanded[1][-1]
    for k in range(n + 1):
        at = np.full(12, k)
        assert np.array_equal(drawn.below(at), counts[:, :k].sum(1))
        np.testing.assert_allclose(
            drawn.weighted_below(at), counts[:, :k] @ weights[:k], rtol=1e-12, atol=1e-12
        )
    np.testing.assert_allclose(drawn.total, counts @ weights, rtol=1e-12)
    mixed = rng.integers(0, n + 1, 12)  # a different place in every resample
    assert np.array_equal(
        drawn.below(mixed), [c[:k].sum() for c, k in zip(counts, mixed, strict=True)]
    )
    assert np.array_equal(drawn.quantile(0.5), [np.quantile(e, 0.5) for e in expanded])
