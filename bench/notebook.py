"""The notebook way: the same steps as Loyalty, written as an analyst would in a notebook.

Plain pandas + statsmodels + scipy, idiomatic and not deliberately slow: ``pandas.read_csv``
with the German options, validation as a loop over the columns and ``apply`` on the wave
labels, the frame inserted into DuckDB; the branch table by ``groupby().apply``; correlations
with ``scipy.stats.pearsonr``; the chain model with ``statsmodels`` OLS and a competent
bootstrap (every resample run, numpy least squares on indexed arrays in the loop); relative
weights with the same kind of loop; the REML ICC with ``MixedLM``; lags with formula OLS and
cluster-robust errors; expected vs actual from ``get_prediction``.

``bench/run.py`` times these functions against Loyalty's on the same data in the same process
and checks that both give the same numbers.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import plotly.express as px
import statsmodels.formula.api as smf
import yaml
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

MIN_SIZE = 5
WAVE_LABEL = re.compile(r"^(\d{4})-H([12])$")
COLUMNS = {  # the survey tool's German headers -> our names
    "Filiale": "branch_id",
    "Welle": "wave",
    "Betriebszugehörigkeit (Jahre)": "tenure_band",
    "Tätigkeitsbereich": "role",
}
PERSONAL = ("Antwort-ID",)  # the tool's response id: not stored
LINKS = (("engagement", "nps"), ("nps", "ros"), ("engagement", "ros"))
DIMS = ("motivation", "commitment", "leadership", "customer_focus")


# --- (a) import the survey CSV -----------------------------------------------------------------


def read_instrument(path: Path) -> pd.DataFrame:
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    rows = []
    for seq_d, dim in enumerate(doc["dimensions"], start=1):
        for item in dim["items"]:
            scale = item.get("scale") or dim.get("scale") or doc["scale"]
            rows.append(
                {
                    "item_id": item["id"],
                    "dimension_id": dim["id"],
                    "dim_name_de": dim["name"]["de"],
                    "dim_name_en": dim["name"]["en"],
                    "dim_seq": seq_d,
                    "text_de": item["text"]["de"],
                    "text_en": item["text"]["en"],
                    "scale_min": scale["min"],
                    "scale_max": scale["max"],
                    "reverse": bool(item.get("reverse", False)),
                    "in_index": bool(item.get("in_index", True)),
                }
            )
    out = pd.DataFrame(rows)
    out["seq"] = range(1, len(out) + 1)
    return out


def _valid_wave(label) -> bool:
    return isinstance(label, str) and WAVE_LABEL.match(label.strip()) is not None


def import_survey(
    con: duckdb.DuckDBPyConnection, csv: Path, instrument: Path, wave: str
) -> dict[str, int]:
    """Read, check and store one wave's survey export; returns row counts."""
    items = read_instrument(instrument)
    df = pd.read_csv(csv, sep=";", decimal=",", encoding="cp1252")
    df = df.rename(columns=COLUMNS).drop(columns=[c for c in PERSONAL if c in df.columns])

    # validation: every problem as (row, column, value)
    problems = []
    required = ["branch_id", "wave", *items["item_id"]]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ValueError(f"missing columns: {missing}")
    known = set(con.sql("SELECT branch_id FROM branches").df()["branch_id"])
    bad = ~df["branch_id"].isin(known)
    problems += [(i, "branch_id", v) for i, v in df.loc[bad, "branch_id"].items()]
    bad = ~df["wave"].apply(_valid_wave) | (df["wave"] != wave)
    problems += [(i, "wave", v) for i, v in df.loc[bad, "wave"].items()]
    for item in items.itertuples():
        col = df[item.item_id]
        ok = col.notna() & (col % 1 == 0) & col.between(item.scale_min, item.scale_max)
        problems += [(i, item.item_id, v) for i, v in col[~ok].items()]
    if problems:
        raise ValueError(f"{len(problems)} problems, first: {problems[:5]}")

    # store: one transaction
    year, half = WAVE_LABEL.match(wave).groups()
    start, end = (f"{year}-01-01", f"{year}-06-30") if half == "1" else (
        f"{year}-07-01", f"{year}-12-31"
    )  # fmt: skip
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO waves SELECT ?, coalesce(max(seq), 0) + 1, ?, ? FROM waves "
            "WHERE NOT EXISTS (SELECT 1 FROM waves WHERE wave = ?)",
            [wave, start, end, wave],
        )
        dims = items.drop_duplicates("dimension_id")
        con.register("dims_df", dims)
        con.execute(
            "INSERT OR IGNORE INTO dimensions SELECT dimension_id, dim_name_de, dim_name_en, "
            "dim_seq FROM dims_df"
        )
        con.register("items_df", items)
        con.execute(
            "INSERT OR IGNORE INTO items SELECT item_id, dimension_id, text_de, text_en, "
            "scale_min, scale_max, reverse, in_index, seq FROM items_df"
        )
        con.execute("INSERT OR IGNORE INTO wave_items SELECT ?, item_id FROM items_df", [wave])
        import_id = con.execute(
            "INSERT INTO imports (kind, wave, version, active, source, row_count, imported_by) "
            "VALUES ('engagement', ?, 1, TRUE, ?, ?, 'notebook') RETURNING import_id",
            [wave, Path(csv).name, len(df)],
        ).fetchall()[0][0]
        offset = con.execute("SELECT coalesce(max(response_id), 0) FROM responses").fetchall()[0][0]
        df["response_id"] = np.arange(1, len(df) + 1) + offset
        df["import_id"] = import_id
        scores = df.melt(
            id_vars=["import_id", "response_id"],
            value_vars=list(items["item_id"]),
            var_name="item_id",
            value_name="score",
        )
        con.register("resp_df", df)
        con.execute(
            "INSERT INTO responses (import_id, response_id, wave, branch_id, tenure_band, role) "
            "SELECT import_id, response_id, wave, branch_id, tenure_band, role FROM resp_df"
        )
        con.register("scores_df", scores)
        con.execute(
            "INSERT INTO response_scores (import_id, response_id, item_id, score) "
            "SELECT import_id, response_id, item_id, score FROM scores_df"
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return {"responses": len(df), "scores": len(scores)}


# --- (b) the branch table ----------------------------------------------------------------------


def respondent_scores(con: duckdb.DuckDBPyConnection, wave: str | None) -> pd.DataFrame:
    """One row per answer, reverse-keyed items recoded (``value``)."""
    where, params = ("WHERE r.wave = ?", [wave]) if wave else ("", [])
    long = con.execute(
        "SELECT r.wave, r.branch_id, r.response_id, s.item_id, s.score "
        f"FROM active_responses r JOIN active_scores s USING (response_id) {where}",
        params,
    ).df()
    items = con.sql("SELECT * FROM items").df()
    long = long.merge(items[items["in_index"]], on="item_id")
    long["value"] = np.where(
        long["reverse"], long["scale_min"] + long["scale_max"] - long["score"], long["score"]
    ).astype(float)
    return long


def _summarise(g: pd.DataFrame) -> pd.Series:
    return pd.Series(
        {
            "n_respondents": len(g),
            "engagement": g["engagement"].mean(),
            "engagement_sd": g["engagement"].std(),
        }
    )


def branch_table(
    con: duckdb.DuckDBPyConnection, wave: str | None = None, min_size: int = MIN_SIZE
) -> pd.DataFrame:
    long = respondent_scores(con, wave)
    by_dim = long.groupby(["wave", "branch_id", "response_id", "dimension_id"], as_index=False)[
        "value"
    ].mean()
    person = (
        by_dim.groupby(["wave", "branch_id", "response_id"], as_index=False)["value"]
        .mean()
        .rename(columns={"value": "engagement"})
    )
    eng = person.groupby(["wave", "branch_id"]).apply(_summarise).reset_index()
    dims = (
        by_dim.groupby(["wave", "branch_id", "dimension_id"])["value"]
        .mean()
        .unstack("dimension_id")
        .add_prefix("dim_")
        .reset_index()
    )
    where, params = ("WHERE wave = ?", [wave]) if wave else ("", [])
    waves = con.execute(f"SELECT wave, seq AS wave_seq FROM waves {where}", params).df()
    branches = con.sql("SELECT * FROM branches").df()
    loyalty = con.sql(
        "SELECT branch_id, wave, active_customers, retained_customers, promoters, passives, "
        "detractors FROM active_loyalty"
    ).df()
    finance = con.sql(
        "SELECT branch_id, wave, revenue, gross_margin, operating_profit FROM active_financials"
    ).df()
    t = (
        branches.merge(waves, how="cross")
        .merge(loyalty, on=["branch_id", "wave"], how="left")
        .merge(finance, on=["branch_id", "wave"], how="left")
        .merge(eng, on=["branch_id", "wave"], how="left")
        .merge(dims, on=["branch_id", "wave"], how="left")
    )
    t["n_respondents"] = t["n_respondents"].fillna(0).astype(int)
    half = (
        sps.t.ppf(0.975, t["n_respondents"] - 1) * t["engagement_sd"] / np.sqrt(t["n_respondents"])
    )
    t["engagement_low"] = t["engagement"] - half
    t["engagement_high"] = t["engagement"] + half
    t["nps_answers"] = t["promoters"] + t["passives"] + t["detractors"]
    pp, pd_ = t["promoters"] / t["nps_answers"], t["detractors"] / t["nps_answers"]
    t["nps"] = 100 * (pp - pd_)
    t["nps_se"] = 100 * np.sqrt((pp + pd_ - (pp - pd_) ** 2) / t["nps_answers"])
    t["nps_low"] = t["nps"] - 1.959963984540054 * t["nps_se"]
    t["nps_high"] = t["nps"] + 1.959963984540054 * t["nps_se"]
    t["retention"] = 100 * t["retained_customers"] / t["active_customers"]
    low, high = proportion_confint(
        t["retained_customers"].fillna(0), t["active_customers"].fillna(0).clip(lower=1),
        method="wilson",
    )  # fmt: skip
    t["retention_low"], t["retention_high"] = 100 * low, 100 * high
    t["ros"] = np.where(t["revenue"] > 0, 100 * t["operating_profit"] / t["revenue"], np.nan)
    hidden = t["n_respondents"] < min_size
    score_cols = ["engagement", "engagement_sd", "engagement_low", "engagement_high"]
    score_cols += [c for c in t.columns if c.startswith("dim_")]
    t.loc[hidden, score_cols] = np.nan
    t["suppressed"] = hidden
    return t.sort_values(["wave_seq", "branch_id"]).reset_index(drop=True)


# --- (c) the full analysis ---------------------------------------------------------------------


@dataclass
class Analysis:
    icc1: float
    icc2: float
    icc_reml: float
    tau00: float
    sigma2: float
    mu: float
    mean_reliability: float
    rwg_median: float
    rwg_share_strong: float
    correlations: dict[tuple[str, str], tuple[float, tuple[float, float], float, int]]
    a: float
    b: float
    c_prime: float
    c: float
    indirect_ci: tuple[float, float]
    boot_measured: int
    boot_seconds: float  # the measured bootstrap loop
    weights: pd.DataFrame
    lag_forward: float
    lag_backward: float
    expected: pd.DataFrame
    parts: dict[str, float] = field(default_factory=dict)  # seconds per part


def _rwg_j(g: pd.DataFrame, items: list[str], error_variance: float) -> float:
    s = min(g[items].var().mean(), error_variance)
    ratio, j = s / error_variance, len(items)
    return j * (1 - ratio) / (j * (1 - ratio) + ratio)


def aggregation(con: duckdb.DuckDBPyConnection, wave: str, min_size: int = MIN_SIZE) -> dict:
    long = respondent_scores(con, wave)
    person = (
        long.groupby(["branch_id", "response_id", "dimension_id"])["value"]
        .mean()
        .groupby(["branch_id", "response_id"])
        .mean()
        .rename("engagement")
        .reset_index()
    )
    # ICC(1), ICC(2) from the one-way ANOVA
    g = person.groupby("branch_id")["engagement"]
    n_j, m_j = g.size(), g.mean()
    grand = person["engagement"].mean()
    ssb = (n_j * (m_j - grand) ** 2).sum()
    ssw = ((person["engagement"] - g.transform("mean")) ** 2).sum()
    n, j = len(person), len(n_j)
    msb, msw = ssb / (j - 1), ssw / (n - j)
    k = n / j
    # REML ICC: the random-intercept null model
    fit = smf.mixedlm("engagement ~ 1", person, groups=person["branch_id"]).fit(reml=True)
    tau, sigma2 = float(fit.cov_re.iloc[0, 0]), float(fit.scale)
    # r_wg(j) per branch with at least the minimum group size
    wide = long.pivot_table(index=["branch_id", "response_id"], columns="item_id", values="value")
    wide = wide.reset_index()
    item_ids = [c for c in wide.columns if c not in ("branch_id", "response_id")]
    options = int(long["scale_max"].max() - long["scale_min"].min() + 1)
    big = wide.groupby("branch_id").filter(lambda b: len(b) >= min_size)
    rwg = big.groupby("branch_id").apply(
        lambda b: _rwg_j(b, item_ids, (options**2 - 1) / 12), include_groups=False
    )
    return {
        "icc1": (msb - msw) / (msb + (k - 1) * msw),
        "icc2": (msb - msw) / msb,
        "icc_reml": tau / (tau + sigma2),
        "tau00": tau,
        "sigma2": sigma2,
        "mu": float(fit.fe_params.iloc[0]),
        "mean_reliability": float((tau / (tau + sigma2 / n_j)).mean()),
        "rwg_median": float(rwg.median()),
        "rwg_share_strong": float((rwg > 0.70).mean()),
    }


def correlations(table: pd.DataFrame) -> dict:
    out = {}
    for x, y in LINKS:
        d = table[[x, y]].dropna()
        res = sps.pearsonr(d[x], d[y])
        ci = res.confidence_interval(0.95)
        out[(x, y)] = (float(res.statistic), (ci.low, ci.high), float(res.pvalue), len(d))
    return out


def mediation(table: pd.DataFrame, n_boot: int, seed: int = 0) -> dict:
    """Paths by OLS adjusted for headcount; a competent bootstrap of a*b: every one of the
    ``n_boot`` resamples run, each two numpy least-squares fits on indexed arrays (no pandas
    or statsmodels inside the loop)."""
    d = table[["engagement", "headcount", "nps", "ros"]].dropna().reset_index(drop=True)
    fit_a = smf.ols("nps ~ engagement + headcount", d).fit()
    fit_b = smf.ols("ros ~ engagement + headcount + nps", d).fit()
    fit_c = smf.ols("ros ~ engagement + headcount", d).fit()
    ones = np.ones(len(d))
    x_a = np.column_stack([ones, d["engagement"], d["headcount"]])
    x_b = np.column_stack([ones, d["engagement"], d["headcount"], d["nps"]])
    y_a, y_b = d["nps"].to_numpy(float), d["ros"].to_numpy(float)
    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    draws = np.empty(n_boot)
    for k in range(n_boot):
        i = rng.integers(0, len(d), len(d))
        a = np.linalg.lstsq(x_a[i], y_a[i], rcond=None)[0][1]
        b = np.linalg.lstsq(x_b[i], y_b[i], rcond=None)[0][3]
        draws[k] = a * b
    seconds = time.perf_counter() - start
    ci = tuple(np.percentile(draws, [2.5, 97.5])) if n_boot else (np.nan, np.nan)
    return {
        "a": float(fit_a.params["engagement"]),
        "b": float(fit_b.params["nps"]),
        "c_prime": float(fit_b.params["engagement"]),
        "c": float(fit_c.params["engagement"]),
        "indirect_ci": ci,
        "boot_seconds": seconds,
    }


def _relative_weights(data: np.ndarray) -> np.ndarray:
    r = np.corrcoef(data, rowvar=False)
    rxx, rxy = r[:-1, :-1], r[:-1, -1]
    evals, evecs = np.linalg.eigh(rxx)
    lam = evecs @ np.diag(np.sqrt(evals)) @ evecs.T
    beta = np.linalg.solve(lam, rxy)
    return (lam**2) @ beta**2


def relative_weights(table: pd.DataFrame, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    cols = [f"dim_{d}" for d in DIMS]
    d = table[[*cols, "nps"]].dropna()
    weights = _relative_weights(d.to_numpy(dtype=float))
    rng = np.random.default_rng(seed)
    values = d.to_numpy(dtype=float)
    boot = [_relative_weights(values[rng.integers(0, len(d), len(d))]) for _ in range(n_boot)]
    low, high = np.percentile(np.array(boot), [2.5, 97.5], axis=0)
    return pd.DataFrame(
        {
            "predictor": cols,
            "raw_weight": weights,
            "rescaled": 100 * weights / weights.sum(),
            "low": low,
            "high": high,
        }
    ).sort_values("raw_weight", ascending=False)


def lags(table_all: pd.DataFrame) -> tuple[float, float]:
    """Cross-lagged regressions within branches (branch-demeaned), cluster-robust by branch."""
    p = table_all[["branch_id", "wave_seq", "engagement", "nps"]].sort_values(
        ["branch_id", "wave_seq"]
    )
    nxt = p.groupby("branch_id")[["wave_seq", "engagement", "nps"]].shift(-1)
    p = p.assign(seq_next=nxt["wave_seq"], engagement_next=nxt["engagement"], nps_next=nxt["nps"])
    p = p[p["seq_next"] == p["wave_seq"] + 1]
    coefs = []
    for outcome, first, second in (
        ("nps_next", "engagement", "nps"),
        ("engagement_next", "nps", "engagement"),
    ):
        d = p.dropna(subset=[outcome, first, second]).copy()
        d = d[d.groupby("branch_id")["branch_id"].transform("size") > 1]
        for col in (outcome, first, second):
            d[col] = d[col] - d.groupby("branch_id")[col].transform("mean")
        fit = smf.ols(f"{outcome} ~ {first} + {second} - 1", d).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(d["branch_id"])[0]}, use_t=True
        )
        coefs.append(float(fit.params[first]))
    return coefs[0], coefs[1]


def expected_vs_actual(table: pd.DataFrame) -> pd.DataFrame:
    out = table[["branch_id"]].copy()
    for prefix, x, y in (("loyalty", "engagement", "nps"), ("ros", "nps", "ros")):
        d = table[["branch_id", x, y]].dropna()
        fit = smf.ols(f"{y} ~ {x}", d).fit()
        pred = fit.get_prediction(d).summary_frame(alpha=0.05)
        part = pd.DataFrame(
            {
                "branch_id": d["branch_id"].to_numpy(),
                f"{prefix}_expected": pred["mean"].to_numpy(),
                f"{prefix}_residual": (d[y] - pred["mean"]).to_numpy(),
                f"{prefix}_low_95": pred["obs_ci_lower"].to_numpy(),
                f"{prefix}_high_95": pred["obs_ci_upper"].to_numpy(),
            }
        )
        part[f"{prefix}_outside"] = np.select(
            [
                d[y].to_numpy() > part[f"{prefix}_high_95"],
                d[y].to_numpy() < part[f"{prefix}_low_95"],
            ],
            ["above", "below"],
            None,
        )
        out = out.merge(part, on="branch_id", how="left")
    return out


def full_analysis(
    con: duckdb.DuckDBPyConnection,
    wave: str,
    table: pd.DataFrame,
    table_all: pd.DataFrame,
    n_boot: int,
    min_size: int = MIN_SIZE,
) -> Analysis:
    """Every part of the full analysis, each timed (``parts``); the mediation bootstrap runs
    all ``n_boot`` resamples."""
    parts: dict[str, float] = {}

    def timed(name, fn, *args, **kwargs):
        start = time.perf_counter()
        value = fn(*args, **kwargs)
        parts[name] = time.perf_counter() - start
        return value

    agg = timed("aggregation", aggregation, con, wave, min_size)
    corr = timed("correlations", correlations, table)
    med = timed("mediation", mediation, table, n_boot)
    weights = timed("drivers", relative_weights, table)
    forward, backward = timed("lags", lags, table_all)
    expected = timed("expected", expected_vs_actual, table)
    return Analysis(
        **agg,
        correlations=corr,
        a=med["a"],
        b=med["b"],
        c_prime=med["c_prime"],
        c=med["c"],
        indirect_ci=med["indirect_ci"],
        boot_measured=n_boot,
        boot_seconds=med["boot_seconds"],
        weights=weights,
        lag_forward=forward,
        lag_backward=backward,
        expected=expected,
        parts=parts,
    )


# --- (d) a drill-down cell, rerun for another branch -------------------------------------------


def drill_down(
    con: duckdb.DuckDBPyConnection,
    table: pd.DataFrame,
    table_all: pd.DataFrame,
    agg: Analysis,
    branch_id: str,
    wave: str,
) -> dict:
    """The cell an analyst reruns for another branch: the earlier cells' tables and fitted
    variance components stay in memory (as Loyalty's caches), everything branch-specific is
    computed again, charts included (serialised as a notebook displays them)."""
    row = table.loc[table["branch_id"] == branch_id].iloc[0]
    shown = table[~table["suppressed"]]

    def company(t: pd.DataFrame) -> dict:
        s = t[~t["suppressed"]]
        return {
            "engagement": np.average(s["engagement"], weights=s["n_respondents"]),
            "nps": 100 * (t["promoters"].sum() - t["detractors"].sum()) / t["nps_answers"].sum(),
            "retention": 100 * t["retained_customers"].sum() / t["active_customers"].sum(),
            "ros": 100 * t["operating_profit"].sum() / t["revenue"].sum(),
            **{
                c: np.average(s[c], weights=s["n_respondents"])
                for c in t.columns
                if c.startswith("dim_")
            },
        }

    bench = company(table)
    ranks = {
        m: table[m].rank(ascending=False, method="min")[table["branch_id"] == branch_id].iloc[0]
        for m in ("engagement", "nps", "retention", "ros")
    }
    margin = max(2, round(row["headcount"] * 0.3))
    peers = table[
        (table["branch_id"] != branch_id)
        & ((table["region"] == row["region"]) | (table["format"] == row["format"]))
        & table["headcount"].between(row["headcount"] - margin, row["headcount"] + margin)
    ]
    peer_figures = company(peers) if len(peers) else {}
    estimate = None
    if not row["suppressed"]:
        n = row["n_respondents"]
        lam = agg.tau00 / (agg.tau00 + agg.sigma2 / n)
        estimate = agg.mu + lam * (row["engagement"] - agg.mu)
    expected = None
    if not row["suppressed"]:
        fit = smf.ols("nps ~ engagement", shown).fit()
        here = table.loc[table["branch_id"] == branch_id]
        expected = float(fit.get_prediction(here).summary_frame()["mean"].iloc[0])
    churn = con.execute(
        "SELECT branch_id, reason, customers FROM active_churn WHERE wave = ?", [wave]
    ).df()
    mine = churn[churn["branch_id"] == branch_id].groupby("reason")["customers"].sum()
    everyone = churn.groupby("reason")["customers"].sum()
    reasons = pd.DataFrame({"branch": mine / mine.sum(), "company": everyone / everyone.sum()})
    trend = table_all[table_all["branch_id"] == branch_id][
        ["wave", "engagement", "nps", "retention", "ros"]
    ].merge(
        table_all.groupby("wave").apply(lambda t: pd.Series(company(t)), include_groups=False),
        left_on="wave",
        right_index=True,
        suffixes=("", "_company"),
    )
    figures = [
        px.bar(reasons.reset_index(), x="reason", y=["branch", "company"], barmode="group"),
        *(px.line(trend, x="wave", y=[m, f"{m}_company"]) for m in ("engagement", "nps", "ros")),
    ]
    if not row["suppressed"]:
        dims = [c for c in table.columns if c.startswith("dim_")]
        bars = pd.DataFrame({"branch": row[dims].astype(float), "company": pd.Series(bench)[dims]})
        figures.append(px.bar(bars.reset_index(), x="index", y=["branch", "company"]))
    payload = [f.to_json() for f in figures]
    return {
        "name": row["name"],
        "company": bench,
        "ranks": ranks,
        "peers": len(peers),
        "peer_figures": peer_figures,
        "estimate": estimate,
        "expected": expected,
        "chart_bytes": sum(len(p) for p in payload),
    }
