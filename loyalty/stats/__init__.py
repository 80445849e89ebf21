"""Statistics for the loyalty chain: small documented functions on polars frames.

Each takes a polars DataFrame plus column names and returns a typed result with the estimate,
its interval and n. Validated against reference values from R (see ``tests/stats``).
"""

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
from loyalty.stats.funnel import Funnel, funnel
from loyalty.stats.intervals import (
    mean_interval,
    nps,
    nps_interval,
    percentile_interval,
    rank_intervals,
    wilson_interval,
)
from loyalty.stats.latent import LatentLinkResult, latent_link, latent_link_groups
from loyalty.stats.mediation import MediationResult, mediation, path_draws, sobel_interval
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

__all__ = [
    "Funnel",
    "funnel",
    "AlphaResult",
    "CorrelationResult",
    "CrossLag",
    "DidResult",
    "IccMixedResult",
    "MEAN_DECIMALS",
    "IccResult",
    "LaggedEffects",
    "LatentLinkResult",
    "MediationResult",
    "OmegaResult",
    "PartialCorrelationResult",
    "QuartileRatio",
    "ad_m",
    "awg",
    "benjamini_hochberg",
    "correlation",
    "cronbach_alpha",
    "did",
    "expected_vs_actual",
    "icc",
    "icc_from_groups",
    "icc_mixed",
    "lagged_effects",
    "latent_link",
    "latent_link_groups",
    "mean_interval",
    "median_split",
    "min_detectable_correlation",
    "mediation",
    "nps",
    "nps_interval",
    "omega",
    "partial_correlation",
    "path_draws",
    "percentile_interval",
    "quartile_ratio",
    "rank_intervals",
    "relative_weights",
    "rwg",
    "rwg_j",
    "shrunken_means",
    "sobel_interval",
    "wilson_interval",
]
