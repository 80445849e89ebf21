"""The latent-covariate link when its maximum lies on the boundary (no between-group variance
of x): a fit that cannot be estimated, reported as not converged, never an error."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from loyalty import stats, wording
from loyalty.i18n import t
from loyalty.stats import latent

#: The smallest input found that made scipy raise "array must not contain infs or NaNs":
#: three branches whose means differ less than the noise of their few answers predicts
#: (ICC(1) < 0), so the between variance goes to 0 and the slope is not identified.
NO_BETWEEN_VARIANCE = pl.DataFrame(
    {"n": [11, 2, 8], "m": [3.3, 3.6, 3.6], "sd": [0.9, 1.0, 0.8], "nps": [17.0, 10.0, 21.0]}
)


def test_no_between_variance_gives_a_fit_that_did_not_converge_not_an_error():
    res = stats.latent_link_groups(NO_BETWEEN_VARIANCE, "n", "m", "sd", "nps")
    assert not res.converged
    assert res.icc1_x < 0
    assert (res.n_groups, res.n) == (3, 21)
    assert np.isfinite(res.manifest_r)  # the observed link stands
    for lang in ("de", "en"):
        sentence = wording.corrected_link_sentence(res, res.manifest_r, lang)
        assert sentence == t("corrected.na", lang, n=3)


class _RunawayRidge:
    """A log-likelihood that rises without end along its first parameter (as along the flat
    ridge of an unidentified slope) and is NaN beyond |th0| = 40, where a variance would
    overflow; the second parameter has a proper maximum."""

    i_sigma, i_tau = 1, 1

    def start(self) -> np.ndarray:
        return np.array([0.0, 0.5])

    def loglik(self, th):
        x, y = th[..., 0], th[..., 1]
        value = x - (y - 1.0) ** 2
        return np.where(np.abs(np.real(x)) < 40, value, np.nan * value)  # NaN derivatives too


def test_a_fit_that_leaves_the_finite_likelihood_is_not_converged():
    with np.errstate(all="ignore"):
        th, loglik, _cov, converged = latent._fit(_RunawayRidge())
    assert not converged
    assert np.all(np.isfinite(th)) and np.isfinite(loglik)
    assert abs(th[0]) < 40  # the best point the optimiser reached, not the one it proposed
    assert th[1] == pytest.approx(1.0, abs=1e-3)
