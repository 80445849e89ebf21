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
