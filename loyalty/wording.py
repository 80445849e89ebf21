"""All sentence-building for people, beside the story: the headline, the chain's links, the
chain model, power, lag direction, a branch's expectation, the what-if. Each figure comes with
its interval, n and level; the words come from the catalogue (:func:`loyalty.i18n.t`).

Pages, charts' subtitles, the story and the deck take their sentences from here, so a sentence
is written once; :func:`loyalty.charts.chart_title` puts a subtitle under a chart's title.
"""

from __future__ import annotations

import math

import polars as pl

from loyalty import analysis, charts, confidentiality, i18n, stats
from loyalty.i18n import t
from loyalty.model import RELEVANT_R, RELIABLE_ICC2, ChainModel, Corrected, Power, WhatIf


def headline(ratio: stats.QuartileRatio, lang: str) -> str:
    """Return on sales of the top loyalty quartile over the bottom one, with its interval."""
    if not analysis.finite(ratio.ratio):
        return t("overview.headline_na", lang)
    return t(
        "overview.headline",
        lang,
        ratio=i18n.num(ratio.ratio, lang),
        low=i18n.num(ratio.ci[0], lang),
        high=i18n.num(ratio.ci[1], lang),
    )


def headline_detail(ratio: stats.QuartileRatio, lang: str) -> str:
    """The quartiles' means, their n and the bootstrap behind the headline."""
    return t(
        "overview.headline_detail",
        lang,
        top=i18n.num(ratio.top_mean, lang),
        bottom=i18n.num(ratio.bottom_mean, lang),
        n_top=ratio.n_top,
        n_bottom=ratio.n_bottom,
        n=ratio.n,
        n_boot=i18n.num(ratio.n_boot, lang, 0),
    )


def link_sentence(link: analysis.Link, lang: str, min_n: int = 0) -> str:
    """r with its interval and n (or why there is none: no r, or fewer than ``min_n``)."""
    res = link.result
    if res.n < min_n or not analysis.finite(res.r):
        return t("link.na", lang, n=res.n)
    return t(
        "link.sentence",
        lang,
        r=i18n.num(res.r, lang, 2),
        low=i18n.num(res.ci[0], lang, 2),
        high=i18n.num(res.ci[1], lang, 2),
        n=res.n,
    )


def link_subtitle(link: analysis.Link, lang: str) -> str:
    """What a link chart says below its title (:func:`loyalty.charts.link_scatter`): r with
    its interval and n, from as many branches as the chart draws its fitted line from."""
    return link_sentence(link, lang, charts.FIT_MIN_N)


def quadrant_note(quads: pl.DataFrame, lang: str) -> str:
    """How the branches were split into the four quadrants (n, at the medians): a line of the
    story and the subtitle of its chart (:func:`loyalty.charts.quadrant_bars`). Where no
    quadrant has an interval (too few branches to resample), it does not promise one."""
    n = quads["n_total"][0]
    if (quads["ci_low"].is_not_null() & quads["ci_low"].is_not_nan()).any():
        return t("quadrant.subtitle", lang, n=n)
    return t("quadrant.subtitle_no_interval", lang, n=n)


def link_line(link: analysis.Link, lang: str) -> str:
    """One link in a line: its name, the strength in words, r with interval and n."""
    name = t("link." + link.key, lang)
    if not analysis.finite(link.result.r):
        return f"{name}: {link_sentence(link, lang)}"
    return f"{name}: {i18n.strength_words(link.result.r, lang)}, {link_sentence(link, lang)}"


def _with_interval(value: float, ci: tuple[float, float], lang: str, digits: int) -> dict[str, str]:
    return {
        "value": i18n.num(value, lang, digits, sign=True),
        "low": i18n.num(ci[0], lang, digits),
        "high": i18n.num(ci[1], lang, digits),
    }


def sentences(chain: ChainModel, lang: str) -> list[str]:
    """The chain model in plain words, each figure with its interval, n and level."""
    res = chain.result
    if not analysis.finite(res.a):
        return [t("link.na", lang, n=res.n)]
    a = _with_interval(res.a, res.a_ci, lang, 1)
    unit = t(f"chain.unit_dative.{chain.loyalty}", lang, count=a["value"])
    return [
        t("chain.a", lang, unit=unit, n=res.n, **a),
        t(
            "chain.b",
            lang,
            unit=t(f"chain.one.{chain.loyalty}", lang),
            **_with_interval(res.b, res.b_ci, lang, 2),
        ),
        t(
            "chain.indirect",
            lang,
            n_boot=i18n.num(res.n_boot, lang, 0),
            direct=i18n.num(res.c_prime, lang, 2, sign=True),
            direct_low=i18n.num(res.c_prime_ci[0], lang, 2),
            direct_high=i18n.num(res.c_prime_ci[1], lang, 2),
            total=i18n.num(res.c, lang, 2, sign=True),
            **_with_interval(res.indirect, res.indirect_ci, lang, 2),
        ),
        t("chain.adjusted", lang),
    ]


def rwg_share(agg, lang: str) -> str:
    """The share of branches with strong agreement (r_wg(j) ≥ .70) and over how many; without
    a branch to judge, a sentence that says so (not "– % of 0 branches")."""
    if not agg.n_branches_rwg:
        return t("methods.rwg_none", lang, min=confidentiality.minimum())
    return t(
        "methods.rwg_share",
        lang,
        share=i18n.num(100 * agg.rwg_share_strong, lang, 0),
        n=agg.n_branches_rwg,
    )


def drivers_na(weights: pl.DataFrame, lang: str) -> str:
    """Why the relative weights could not be estimated: too few branches for the dimensions
    (fewer than two more), or a dimension or the outcome without spread."""
    n = int(weights["n"][0])
    return t("drivers.na" if n < weights.height + 2 else "drivers.na_flat", lang, n=n)


def power_sentence(p: Power, lang: str) -> str:
    if not math.isfinite(p.min_detectable_r):  # fewer than four branches: no power to speak of
        return t("power.none", lang, n=p.n)
    return t(
        "power.enough" if p.enough else "power.too_few",
        lang,
        n=p.n,
        r=i18n.num(p.min_detectable_r, lang, 2),
        relevant=i18n.num(RELEVANT_R, lang, 1),
    )


def lag_sentences(lags: stats.LaggedEffects, loyalty: str, lang: str) -> list[str]:
    """The lag analysis in plain words: both cross-lagged paths with interval and n, then
    which way the evidence points."""
    short = t(f"mid.{loyalty}", lang)  # inside the sentences

    def path(lag: stats.CrossLag, digits: int) -> dict[str, object]:
        return {
            "loyalty": short,
            "value": i18n.num(lag.coef, lang, digits, sign=True),
            "low": i18n.num(lag.ci[0], lang, digits),
            "high": i18n.num(lag.ci[1], lang, digits),
            "n": lag.n,
            "units": lag.n_units,
        }

    return [
        t("lag.forward", lang, **path(lags.x_to_y, 1), same=t(f"lag.same.{loyalty}", lang)),
        t("lag.backward", lang, **path(lags.y_to_x, 4)),
        t(f"lag.verdict.{lags.direction}", lang, loyalty=short),
    ]


def expectation_sentences(row: dict | None, lang: str, loyalty: str = "nps") -> list[str]:
    """One branch's row of :func:`expected_vs_actual` in plain words: how far its loyalty lies
    from what its engagement predicts, and its return from what its loyalty predicts."""
    out = []
    for prefix, basis, digits in (("loyalty", "engagement", 1), ("ros", loyalty, 1)):
        residual = row.get(f"{prefix}_residual") if row else None
        measure = loyalty if prefix == "loyalty" else "ros"
        if residual is None or not analysis.finite(residual):
            out.append(t("expected.na", lang, measure=t(f"short.{measure}", lang)))
            continue
        text = t(
            "expected.above" if residual >= 0 else "expected.below",
            lang,
            measure=t(f"short.{measure}", lang),
            basis=t(f"short.{basis}", lang),
            gap=i18n.num(abs(residual), lang, digits),
            expected=i18n.num(row[f"{prefix}_expected"], lang, digits),
            low=i18n.num(row[f"{prefix}_low_95"], lang, digits),
            high=i18n.num(row[f"{prefix}_high_95"], lang, digits),
        )
        if row.get(f"{prefix}_outside"):
            text += " " + t("expected.outside", lang)
        out.append(text)
    return out


def what_if_sentences(
    w: WhatIf, lags: stats.LaggedEffects | None, lang: str, corrected: Corrected | None = None
) -> list[str]:
    """The what-if in plain words, with intervals, n and the standing caution; it says that it
    uses the observed paths, and with ``corrected`` how large the corrected path a is."""
    if not w.n_branches:
        return [t("whatif.none", lang)]
    if not analysis.finite(w.loyalty_change):
        # the chain model has no paths (too few branches with complete data), so there are
        # neither changes nor resamples to speak of
        lines = [
            t(
                "whatif.na",
                lang,
                k=w.n_branches,
                delta=i18n.num(w.mean_delta, lang, 2),
                n=w.n_model,
            )
        ]
        if w.n_left_out:
            lines.append(t("whatif.left_out", lang, k=w.n_left_out))
        return lines
    change = i18n.num(w.loyalty_change, lang, 1, sign=True)
    lines = [
        t(
            "whatif.loyalty",
            lang,
            k=w.n_branches,
            delta=i18n.num(w.mean_delta, lang, 2),
            value=change,
            low=i18n.num(w.loyalty_ci[0], lang, 1),
            high=i18n.num(w.loyalty_ci[1], lang, 1),
            unit=t(f"chain.unit.{w.loyalty}", lang, count=change),
        ),
        t(
            "whatif.ros",
            lang,
            value=i18n.num(w.ros_change, lang, 2, sign=True),
            low=i18n.num(w.ros_ci[0], lang, 2),
            high=i18n.num(w.ros_ci[1], lang, 2),
        ),
        t(
            "whatif.profit",
            lang,
            value=i18n.euros(w.profit_change, lang, sign=True),
            low=i18n.num(w.profit_ci[0], lang, 0),
            high=i18n.num(w.profit_ci[1], lang, 0),
            revenue=i18n.num(w.revenue / 1e6, lang, 1),
            n_boot=i18n.num(w.n_boot, lang, 0),
            n=w.n_model,
        ),
    ]
    if w.n_left_out:
        lines.append(t("whatif.left_out", lang, k=w.n_left_out))
    if corrected is not None and corrected.a.converged:
        lines.append(
            t(
                "whatif.observed_paths",
                lang,
                corrected=i18n.num(corrected.a.slope, lang, 1, sign=True),
                observed=i18n.num(corrected.a.manifest_slope, lang, 1, sign=True),
                unit=t(
                    f"chain.unit.{w.loyalty}",
                    lang,
                    count=i18n.num(corrected.a.manifest_slope, lang, 1),
                ),
            )
        )
    else:
        lines.append(t("whatif.observed_paths_short", lang))
    caution = t("whatif.caution", lang)
    if lags is not None:
        caution += " " + t(
            f"lag.verdict.{lags.direction}", lang, loyalty=t(f"mid.{w.loyalty}", lang)
        )
    lines.append(caution)
    return lines


def _reliability_words(res: stats.LatentLinkResult, lang: str) -> str:
    icc2 = res.icc2_x
    band = "high" if icc2 >= 0.85 else "ok" if icc2 >= RELIABLE_ICC2 else "moderate"
    band = band if icc2 >= 0.5 else "low"
    return t(
        "corrected.reliability",
        lang,
        size=i18n.num(res.mean_group_size, lang, 0),
        quality=t(f"corrected.quality.{band}", lang),
        icc2=i18n.num(icc2, lang, 2),
    )


def corrected_link_sentence(res: stats.LatentLinkResult, observed_r: float, lang: str) -> str:
    """One link, corrected, in plain words: the reliability of the branch means that drives
    the difference, the corrected r with its interval and the observed r beside it."""
    if not (res.converged and analysis.finite(res.r)):
        return t("corrected.na", lang, n=res.n_groups)
    return t(
        "corrected.link",
        lang,
        reliability=_reliability_words(res, lang),
        r=i18n.num(res.r, lang, 2),
        low=i18n.num(res.r_ci[0], lang, 2),
        high=i18n.num(res.r_ci[1], lang, 2),
        observed=i18n.num(observed_r, lang, 2),
        n=res.n_groups,
    )


def corrected_links_sentence(
    results: list[tuple[str, stats.LatentLinkResult, float]], lang: str
) -> list[str]:
    """Several links from the same predictor, corrected, in one sentence (the deck's short
    form of :func:`corrected_link_sentence`): ``results`` holds (link label, corrected
    result, observed r). Links whose model did not converge, or with another n, get their
    own sentence."""
    good = [(k, res, r) for k, res, r in results if res.converged and analysis.finite(res.r)]
    if not good or len({res.n_groups for _, res, _ in good}) > 1:
        return [f"{k}: {corrected_link_sentence(res, r, lang)}" for k, res, r in results]
    items = [
        t(
            "corrected.links_item",
            lang,
            link=k,
            r=i18n.num(res.r, lang, 2),
            low=i18n.num(res.r_ci[0], lang, 2),
            high=i18n.num(res.r_ci[1], lang, 2),
            observed=i18n.num(r, lang, 2),
        )
        for k, res, r in good
    ]
    rest = [
        f"{k}: {corrected_link_sentence(res, r, lang)}"
        for k, res, r in results
        if (k, res, r) not in good
    ]
    first = good[0][1]
    return [
        t(
            "corrected.links",
            lang,
            reliability=_reliability_words(first, lang),
            links="; ".join(items),
            n=first.n_groups,
        ),
        *rest,
    ]


def corrected_chain_sentences(corr: Corrected, chain: ChainModel, lang: str) -> list[str]:
    """The chain's paths from engagement, corrected, beside the observed ones."""
    a, c, res = corr.a, corr.c, chain.result
    if not (a.converged and c.converged):
        return [t("corrected.na", lang, n=a.n_groups)]
    return [
        t(
            "corrected.chain",
            lang,
            reliability=_reliability_words(a, lang),
            unit=t(f"chain.unit.{chain.loyalty}", lang, count=i18n.num(a.slope, lang, 1)),
            observed=i18n.num(res.a, lang, 1, sign=True),
            c_value=i18n.num(c.slope, lang, 2, sign=True),
            c_low=i18n.num(c.slope_ci[0], lang, 2),
            c_high=i18n.num(c.slope_ci[1], lang, 2),
            c_observed=i18n.num(res.c, lang, 2, sign=True),
            n=a.n_groups,
            **_with_interval(a.slope, a.slope_ci, lang, 1),
        ),
        t("corrected.chain_rest", lang),
    ]


def corrected_methods(corr: Corrected, lang: str) -> list[str]:
    """For the Methods page: the model, its variance components and when not to trust it."""
    lines = [t("corrected.method", lang)]
    for key, res in corr.links.items():
        if not analysis.finite(res.between_var_x):
            lines.append(f"{t('link.' + key, lang)}: {t('corrected.na', lang, n=res.n_groups)}")
            continue
        lines.append(
            t(
                "corrected.components",
                lang,
                link=t("link." + key, lang),
                tau=i18n.num(res.between_var_x, lang, 3),
                sigma=i18n.num(res.within_var_x, lang, 3),
                icc1=i18n.num(res.icc1_x, lang, 2),
                icc2=i18n.num(res.icc2_x, lang, 2),
                size=i18n.num(res.mean_group_size, lang, 1),
                n=res.n_groups,
                slope=i18n.num(res.slope, lang, 2),
                slope_se=i18n.num(res.slope_se, lang, 2),
                manifest=i18n.num(res.manifest_slope, lang, 2),
                loglik=i18n.num(res.loglik, lang, 1),
                converged=t("corrected.converged." + ("yes" if res.converged else "no"), lang),
            )
        )
    lines.append(t("corrected.trust", lang))
    return lines


def multiplier_line(quads: pl.DataFrame, loyalty: str, lang: str) -> str:
    """ "Engaged and loyal branches earn 1.9× [1.5; 2.4] the return of the rest", with the
    n of both groups, the level and the bootstrap; a plain note when there is no ratio."""
    row = quads.filter(pl.col("quadrant") == "high_high").row(0, named=True)
    if not analysis.finite(row["vs_rest"]) or not analysis.finite(row["vs_rest_low"]):
        return t("quadrant.multiplier_na", lang)
    return t(
        "quadrant.multiplier",
        lang,
        loyalty=t(f"short.{loyalty}", lang),
        ratio=i18n.num(row["vs_rest"], lang, 1),
        low=i18n.num(row["vs_rest_low"], lang, 1),
        high=i18n.num(row["vs_rest_high"], lang, 1),
        n_top=row["n"],
        n_rest=row["n_total"] - row["n"],
        n_boot=i18n.num(row["n_boot"], lang, 0),
    )


def unmeasured_note(table: pl.DataFrame, dimensions: pl.DataFrame, lang: str) -> str | None:
    """The index dimensions a wave's branch table has no answers for, named in ``lang``
    (:func:`analysis.unmeasured_dimensions`); ``None`` when it has every one."""
    ids = dimensions.filter("in_index")["dimension_id"].to_list()
    missing = analysis.unmeasured_dimensions(table, ids)
    if not missing:
        return None
    names = i18n.dimension_names(dimensions, lang)
    return t("dimensions.unmeasured", lang, dims=", ".join(names[d] for d in missing))


def purged_counts_note(counts: pl.DataFrame, lang: str) -> str | None:
    """Under the responses per wave (:func:`loyalty.quality.response_counts`): which waves'
    counts come from the branch figures their purge saved; ``None`` without such a wave."""
    waves = counts.filter("purged")["wave"].to_list()
    if not waves:
        return None
    return t("methods.counts_purged", lang, waves=", ".join(waves), count=len(waves))
