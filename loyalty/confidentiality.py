"""The one place where confidentiality of employee-survey scores is enforced.

Rules (see ``docs/data-model.md`` and ``docs/privacy.md``):

* A group (branch, wave, ...) with fewer respondents than the minimum group size
  (``$LOYALTY_MIN_GROUP_SIZE``, default 5, never below 3) gets no score: every score column is
  set to null and ``suppressed`` is true (:func:`suppress`). The respondent count itself stays
  visible (it is needed to say "fewer than 5 responses").
* Every engagement score of a group (index, SD, interval, dimension means) stands on the
  same respondents: those who answered every index dimension the wave asked (at least
  :data:`ASKED_SHARE` of its respondents answered it; :mod:`loyalty.analysis`,
  ``_RESPONDENT_INDEX_SQL``). Scores over different sets of
  respondents could be combined into the answers of the few in one set and not the other.
* Every figure over several groups that the app shows — the company, a region or format, a
  filter's selection, a user's scope — is computed from *shown* groups only
  (:func:`shown_weighted_mean`, over the suppressed branch table of
  :mod:`loyalty.dashboard`). A hidden group contributes nothing to it, so "total minus the
  shown parts" is empty by construction and no hidden score can be worked back, whatever
  figures are combined. (True totals that include hidden groups would need complementary
  suppression; the app shows none, so it has none.)
* Row-level responses never leave :mod:`loyalty.analysis` and :mod:`loyalty.quality` except as
  statistics that describe no single group, over the respondents of the shown branches only
  (an ICC with a hidden branch's answers in it would give that branch's mean and spread back
  with the shown branches' figures).
* The app shows no answer distributions and no free-text comments (free-text columns are
  dropped at import, :mod:`loyalty.importing.privacy`), so it has no thresholds for them.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from loyalty import config

#: A dimension counts in a wave's engagement figures when at least this share of the wave's
#: respondents (with an answer to an index item) answered it; one answered by fewer (a stray
#: answer, a question only some were shown) is left out of that wave's index and figures, so
#: that it does not leave everybody who skipped it uncounted.
ASKED_SHARE = 0.5


def minimum(min_size: int | None = None) -> int:
    """The minimum group size in force (never below 3)."""
    return max(3, min_size if min_size is not None else config.min_group_size())


def shown(n: pl.Expr, min_size: int | None = None) -> pl.Expr:
    """Whether a group of ``n`` respondents may be shown: at least the minimum (the one rule
    :func:`suppress` and every figure over the shown groups apply)."""
    return n.fill_null(0) >= minimum(min_size)


def suppress(
    frame: pl.DataFrame, *, n: str, columns: Sequence[str], min_size: int | None = None
) -> pl.DataFrame:
    """Null ``columns`` where ``n`` is below the minimum; add a boolean ``suppressed`` column."""
    hidden = ~shown(pl.col(n), min_size)
    return frame.with_columns(
        *[pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c) for c in columns],
        hidden.alias("suppressed"),
    )


def shown_weighted_mean(frame: pl.DataFrame, value: str, n: str) -> tuple[float | None, int]:
    """Respondent-weighted mean over the *shown* groups only, and the respondents it covers."""
    shown = frame.filter(pl.col(value).is_not_null() & ~pl.col("suppressed"))
    total = int(shown[n].sum()) if shown.height else 0
    if total == 0:
        return None, 0
    return float((shown[value] * shown[n]).sum() / total), total
