from __future__ import annotations

import numpy as np
import pytest

from loyalty import stats


def test_wilson_interval_matches_the_textbook_value():
    # Newcombe (1998), example: 81 of 263 -> 0.2553 to 0.3662
    low, high = stats.wilson_interval(81, 263)
    assert float(low) == pytest.approx(0.2553, abs=5e-5)
    assert float(high) == pytest.approx(0.3662, abs=5e-5)


def test_nps_and_its_standard_error():
    score, se, low, high = stats.nps_interval(50, 30, 20)
    assert float(score) == pytest.approx(30.0)
    # shares .5 and .2: var = (.5 + .2 - .3^2) / 100 = .0061
    assert float(se) == pytest.approx(100 * np.sqrt(0.0061))
    assert float(low) == pytest.approx(30 - 1.959963984540054 * float(se))
    assert float(high) == pytest.approx(30 + 1.959963984540054 * float(se))


def test_nps_standard_error_agrees_with_simulation():
    rng = np.random.default_rng(1)
    draws = rng.multinomial(400, [0.45, 0.35, 0.20], size=20000)
    sim = 100 * (draws[:, 0] - draws[:, 2]) / 400
    _, se, _, _ = stats.nps_interval(180, 140, 80)
    assert float(se) == pytest.approx(sim.std(), rel=0.03)


def test_mean_interval_is_a_t_interval_and_nan_for_one_observation():
    low, high = stats.mean_interval([3.0, 3.0], [1.0, 1.0], [10, 1])
    assert low[0] == pytest.approx(3 - 2.2621571627409915 / np.sqrt(10))
    assert np.isnan(low[1]) and np.isnan(high[1])


def _ranks_of_every_draw(centre, sd, n_draws, seed, ci):
    """The rank intervals as first written: every draw at once, ranked, np.quantile."""
    k = centre.size
    draws = centre + sd * np.random.default_rng(seed).standard_normal((n_draws, k))
    ranks = np.empty((n_draws, k), dtype=np.int64)
    np.put_along_axis(ranks, draws.argsort(axis=1), np.arange(k, 0, -1), axis=1)
    low, high = np.quantile(ranks, [(1 - ci) / 2, (1 + ci) / 2], axis=0, method="inverted_cdf")
    return k - centre.argsort().argsort(), low, high


@pytest.mark.parametrize("cells", [1, 7 * 40, 10**6])
def test_rank_intervals_drawn_block_by_block_are_those_of_every_draw_at_once(monkeypatch, cells):
    """The draws are made and ranked a block at a time (one draw a block, 7, or all): the
    same stream of draws, the same ranks and intervals as all draws ranked at once."""
    from loyalty.stats import intervals

    monkeypatch.setattr(intervals, "_RANK_BLOCK_CELLS", cells)
    rng = np.random.default_rng(11)
    centre, sd = rng.normal(size=40), rng.uniform(0.05, 0.8, size=40)
    got = stats.rank_intervals(centre, sd, n_draws=300, seed=4, ci=0.9)
    want = _ranks_of_every_draw(centre, sd, 300, 4, 0.9)
    for a, b in zip(got, want, strict=True):
        assert a.dtype == np.int64
        np.testing.assert_array_equal(a, b)
    assert got[1].min() >= 1 and got[2].max() <= 40 and (got[1] < got[2]).any()
