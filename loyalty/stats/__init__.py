"""Statistics for the loyalty chain: small documented functions on polars frames.

Each takes a polars DataFrame plus column names and returns a typed result with the estimate,
its interval and n. Validated against reference values from R (see ``tests/stats``).

The names below load their module on first use (PEP 562), so that importing
``loyalty.stats`` (and the store, the CLI or the branch table through it) does not load scipy
and statsmodels until a statistic needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and editors: the same names, loaded eagerly
    from loyalty.stats._resample import shared_draws
    from loyalty.stats.association import (
        CorrelationResult,
        PartialCorrelationResult,
        QuartileRatio,
        benjamini_hochberg,
        correlation,
        min_detectable_correlation,
        partial_correlation,
        quartile_ratio,
    )
    from loyalty.stats.differences import DidResult, did
    from loyalty.stats.funnels import Funnel, funnel
    from loyalty.stats.indirect import MediationResult, mediation, path_draws, sobel_interval
    from loyalty.stats.intervals import (
        mean_interval,
        nps,
        nps_interval,
        percentile_interval,
        rank_intervals,
        wilson_interval,
    )
    from loyalty.stats.latent import LatentLinkResult, latent_link, latent_link_groups
    from loyalty.stats.multilevel import (
        MEAN_DECIMALS,
        IccMixedResult,
        IccResult,
        ad_m,
        awg,
        icc,
        icc_from_groups,
        icc_mixed,
        rwg,
        rwg_j,
        shrunken_means,
    )
    from loyalty.stats.quadrants import median_split
    from loyalty.stats.regression import (
        CrossLag,
        LaggedEffects,
        expected_vs_actual,
        lagged_effects,
        relative_weights,
    )
    from loyalty.stats.reliability import AlphaResult, OmegaResult, cronbach_alpha, omega

#: Each public name and the module of loyalty.stats that defines it.
_MODULE_OF: dict[str, str] = {
    "ad_m": "multilevel",
    "AlphaResult": "reliability",
    "awg": "multilevel",
    "benjamini_hochberg": "association",
    "correlation": "association",
    "CorrelationResult": "association",
    "cronbach_alpha": "reliability",
    "CrossLag": "regression",
    "did": "differences",
    "DidResult": "differences",
    "expected_vs_actual": "regression",
    "Funnel": "funnels",
    "funnel": "funnels",
    "icc": "multilevel",
    "icc_from_groups": "multilevel",
    "icc_mixed": "multilevel",
    "IccMixedResult": "multilevel",
    "IccResult": "multilevel",
    "lagged_effects": "regression",
    "LaggedEffects": "regression",
    "latent_link": "latent",
    "latent_link_groups": "latent",
    "LatentLinkResult": "latent",
    "MEAN_DECIMALS": "multilevel",
    "mean_interval": "intervals",
    "median_split": "quadrants",
    "mediation": "indirect",
    "MediationResult": "indirect",
    "min_detectable_correlation": "association",
    "nps": "intervals",
    "nps_interval": "intervals",
    "omega": "reliability",
    "OmegaResult": "reliability",
    "partial_correlation": "association",
    "PartialCorrelationResult": "association",
    "path_draws": "indirect",
    "percentile_interval": "intervals",
    "quartile_ratio": "association",
    "QuartileRatio": "association",
    "rank_intervals": "intervals",
    "relative_weights": "regression",
    "rwg": "multilevel",
    "rwg_j": "multilevel",
    "shared_draws": "_resample",
    "shrunken_means": "multilevel",
    "sobel_interval": "indirect",
    "wilson_interval": "intervals",
}
__all__ = [
    "ad_m",
    "AlphaResult",
    "awg",
    "benjamini_hochberg",
    "correlation",
    "CorrelationResult",
    "cronbach_alpha",
    "CrossLag",
    "did",
    "DidResult",
    "expected_vs_actual",
    "Funnel",
    "funnel",
    "icc",
    "icc_from_groups",
    "icc_mixed",
    "IccMixedResult",
    "IccResult",
    "lagged_effects",
    "LaggedEffects",
    "latent_link",
    "latent_link_groups",
    "LatentLinkResult",
    "MEAN_DECIMALS",
    "mean_interval",
    "median_split",
    "mediation",
    "MediationResult",
    "min_detectable_correlation",
    "nps",
    "nps_interval",
    "omega",
    "OmegaResult",
    "partial_correlation",
    "PartialCorrelationResult",
    "path_draws",
    "percentile_interval",
    "quartile_ratio",
    "QuartileRatio",
    "rank_intervals",
    "relative_weights",
    "rwg",
    "rwg_j",
    "shared_draws",
    "shrunken_means",
    "sobel_interval",
    "wilson_interval",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'loyalty.stats' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"loyalty.stats.{module}"), name)
    globals()[name] = value  # the next access is a plain attribute
    return value


def __dir__() -> list[str]:
    return [*globals(), *__all__]


def preload() -> None:
    """Load every module of loyalty.stats now (scipy and statsmodels with them): the served
    app calls this before it answers, so that no first visit waits for the imports."""
    for module in sorted(set(_MODULE_OF.values())):
        importlib.import_module(f"loyalty.stats.{module}")
