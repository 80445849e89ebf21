"""Statistics for the loyalty chain: small documented functions on polars frames.

Each takes a polars DataFrame plus column names and returns a typed result with the estimate,
its interval and n. Validated against reference values from R (see ``tests/stats``).
"""

from loyalty.stats.association import CorrelationResult, QuartileRatio, correlation, quartile_ratio
from loyalty.stats.intervals import mean_interval, nps, nps_interval, wilson_interval
from loyalty.stats.multilevel import IccResult, icc

__all__ = [
    "CorrelationResult",
    "IccResult",
    "QuartileRatio",
    "correlation",
    "icc",
    "mean_interval",
    "nps",
    "nps_interval",
    "quartile_ratio",
    "wilson_interval",
]
