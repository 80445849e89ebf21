"""Deterministic demo data: a German retail chain generated from a documented causal model.

The model (ground truth in :class:`DemoParams`, described in ``docs/demo-model.md``):

* Each branch has a persistent latent engagement ``u`` plus an AR(1) drift per wave, shifted by
  confounders (region, size). Each of the four dimensions adds its own branch-level deviation.
* Employees answer 12 Likert items (1-5): latent branch-wave level + person effect + item noise,
  rounded and clipped; two items are reverse-keyed (the stored answer is 6 - agreement).
* Loyalty (true NPS) in wave *t* is driven by the driver-weighted engagement of wave *t-1*
  (a lag), plus region, format and size effects and noise. Customers' NPS answers are a
  multinomial draw; retention is a binomial draw from a logistic function of true NPS.
* Return on sales is driven by the same period's true loyalty, plus format effect and noise,
  calibrated so that the top loyalty quartile earns about 2-3x the bottom quartile's return.
* Lost customers name reasons: price ~9 %, quality ~14 %, staff behaviour ~67 % (six kinds),
  other; the staff share rises where engagement is low.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from loyalty import actions
from loyalty.importing.instrument import Instrument, to_yaml
from loyalty.importing.run import import_table
from loyalty.importing.write import ImportMeta
from loyalty.schema import CHURN_FIELDS, CHURN_REASONS, STAFF_REASONS, field_names
from loyalty.store import Store
from loyalty.versions import DEMO_ACTOR

REGIONS = ("Nord", "Süd", "West", "Ost", "Mitte")
FORMATS = ("City", "Mall", "Fachmarkt")

CITIES: dict[str, tuple[str, ...]] = {
    "Nord": (
        "Hamburg",
        "Bremen",
        "Hannover",
        "Kiel",
        "Lübeck",
        "Rostock",
        "Oldenburg",
        "Osnabrück",
        "Braunschweig",
        "Schwerin",
        "Flensburg",
        "Lüneburg",
    ),
    "Süd": (
        "München",
        "Stuttgart",
        "Nürnberg",
        "Augsburg",
        "Regensburg",
        "Freiburg",
        "Ulm",
        "Würzburg",
        "Ingolstadt",
        "Heilbronn",
        "Karlsruhe",
        "Passau",
    ),
    "West": (
        "Köln",
        "Düsseldorf",
        "Dortmund",
        "Essen",
        "Bonn",
        "Aachen",
        "Münster",
        "Duisburg",
        "Bochum",
        "Wuppertal",
        "Bielefeld",
        "Krefeld",
    ),
    "Ost": (
        "Berlin",
        "Leipzig",
        "Dresden",
        "Chemnitz",
        "Magdeburg",
        "Erfurt",
        "Potsdam",
        "Halle",
        "Jena",
        "Cottbus",
        "Zwickau",
        "Görlitz",
    ),
    "Mitte": (
        "Frankfurt",
        "Kassel",
        "Mainz",
        "Wiesbaden",
        "Darmstadt",
        "Gießen",
        "Fulda",
        "Marburg",
        "Koblenz",
        "Trier",
        "Offenbach",
        "Hanau",
    ),
}
SITES = (
    "Zentrum",
    "Nord",
    "Süd",
    "Ost",
    "West",
    "Hbf",
    "Altstadt",
    "Arkaden",
    "Park",
    "Galerie",
    "Markt",
    "Center",
)

#: (dimension id, German name, English name)
DIMENSIONS: tuple[tuple[str, str, str], ...] = (
    ("motivation", "Motivation", "Motivation"),
    ("commitment", "Verbundenheit", "Commitment"),
    ("leadership", "Führung", "Leadership"),
    ("customer_focus", "Kundenorientierung", "Customer focus"),
)

#: (item id, dimension, German wording, English wording, reverse-keyed)
ITEMS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("MOT1", "motivation", "Ich gehe gern zur Arbeit.", "I enjoy going to work.", False),
    (
        "MOT2",
        "motivation",
        "Meine Arbeit gibt mir ein Gefühl von Erfolg.",
        "My work gives me a sense of accomplishment.",
        False,
    ),
    (
        "MOT3",
        "motivation",
        "Ich bin bereit, mich über das Übliche hinaus einzusetzen.",
        "I am willing to go beyond what is expected.",
        False,
    ),
    (
        "COM1",
        "commitment",
        "Ich bin stolz, für dieses Unternehmen zu arbeiten.",
        "I am proud to work for this company.",
        False,
    ),
    (
        "COM2",
        "commitment",
        "Ich würde das Unternehmen als Arbeitgeber empfehlen.",
        "I would recommend the company as an employer.",
        False,
    ),
    (
        "COM3",
        "commitment",
        "Ich denke oft daran, das Unternehmen zu verlassen.",
        "I often think about leaving the company.",
        True,
    ),
    (
        "LEA1",
        "leadership",
        "Meine Führungskraft unterstützt mich bei meiner Entwicklung.",
        "My manager supports my development.",
        False,
    ),
    (
        "LEA2",
        "leadership",
        "Meine Führungskraft informiert mich rechtzeitig.",
        "My manager keeps me informed in good time.",
        False,
    ),
    (
        "LEA3",
        "leadership",
        "Von meiner Führungskraft bekomme ich selten brauchbares Feedback.",
        "My manager rarely gives me useful feedback.",
        True,
    ),
    (
        "KUN1",
        "customer_focus",
        "Bei uns steht die Kundin/der Kunde im Mittelpunkt.",
        "Our customers come first here.",
        False,
    ),
    (
        "KUN2",
        "customer_focus",
        "Ich habe genug Zeit, Kunden gut zu beraten.",
        "I have enough time to advise customers well.",
        False,
    ),
    (
        "KUN3",
        "customer_focus",
        "Ich darf Kundenprobleme selbst lösen.",
        "I am allowed to solve customers' problems myself.",
        False,
    ),
)
SCALE = (1, 5)

TENURE_BANDS = ("<1", "1-3", "3-10", ">10")
ROLES = ("Verkauf", "Kasse", "Lager", "Leitung")


@dataclass(frozen=True)
class DemoParams:
    """Ground-truth parameters of the causal model (see ``docs/demo-model.md``)."""

    n_branches: int = 120
    n_waves: int = 4
    first_year: int = 2024
    #: The half-year (1 or 2) of ``first_year`` the first wave covers.
    first_half: int = 1
    seed: int = 20240601
    #: Target total respondents over all waves; ``None`` = headcount x response rate.
    n_respondents: int | None = None
    # Engagement (1-5 latent scale)
    engagement_mean: float = 3.55
    branch_sd: float = 0.26
    wave_sd: float = 0.10
    wave_ar: float = 0.6
    dimension_sd: float = 0.12
    person_sd: float = 0.66
    item_sd: float = 0.70
    size_on_engagement: float = -0.004  # per head of staff
    region_engagement: dict[str, float] = field(
        default_factory=lambda: {"Nord": 0.0, "Süd": 0.10, "West": 0.0, "Ost": -0.10, "Mitte": 0.0}
    )
    #: Weights of the dimensions in the engagement that drives loyalty.
    driver_weights: dict[str, float] = field(
        default_factory=lambda: {
            "motivation": 0.20,
            "commitment": 0.15,
            "leadership": 0.25,
            "customer_focus": 0.40,
        }
    )
    # Loyalty: true NPS points
    nps_mean: float = 22.0
    nps_per_engagement: float = 38.0  # NPS points per +1 latent engagement in the previous wave
    nps_branch_sd: float = 6.0
    nps_wave_sd: float = 4.0
    size_on_nps: float = -0.10
    region_nps: dict[str, float] = field(
        default_factory=lambda: {"Nord": 0.0, "Süd": 3.0, "West": 0.0, "Ost": -3.0, "Mitte": 0.0}
    )
    format_nps: dict[str, float] = field(
        default_factory=lambda: {"City": 2.0, "Mall": -2.0, "Fachmarkt": 0.0}
    )
    nps_answer_rate: float = 0.06
    retention_intercept: float = 1.25
    retention_per_nps: float = 0.03
    # Return on sales, percent of revenue
    ros_mean: float = 4.8
    ros_per_nps: float = 0.14  # ROS points per true-NPS point
    ros_sd: float = 1.1
    format_ros: dict[str, float] = field(
        default_factory=lambda: {"City": 0.0, "Mall": -0.5, "Fachmarkt": 0.5}
    )
    spend_per_customer: float = 900.0  # euros per half-year
    # Churn reasons: base shares; the staff share moves by this much per SD of engagement
    churn_base: dict[str, float] = field(
        default_factory=lambda: {"price": 0.09, "quality": 0.14, "staff": 0.65, "other": 0.12}
    )
    staff_share_per_sd: float = -0.07
    staff_split: dict[str, float] = field(
        default_factory=lambda: {
            "staff_trust": 0.18,
            "staff_advice": 0.22,
            "staff_care": 0.15,
            "staff_unfriendly": 0.17,
            "staff_accommodation": 0.12,
            "staff_waiting": 0.16,
        }
    )
    # Actions (see loyalty.actions): branches whose weakest dimension scored low in a wave
    # start an action on it in the next wave with probability
    # logistic(action_base + action_per_sd * how many SDs the dimension lies below the company).
    #: True effect of a carried-out action on the latent level of its dimension (1-5 scale),
    #: from the wave it starts in; it reaches loyalty a wave later through the lag above.
    action_effect: float = 0.30
    action_base: float = -3.4
    action_per_sd: float = 1.5


@dataclass
class DemoData:
    """Generated frames in the canonical model plus the latent truth for tests."""

    branches: pl.DataFrame
    waves: pl.DataFrame
    dimensions: pl.DataFrame
    items: pl.DataFrame
    responses: pl.DataFrame  # response_id, wave, branch_id, tenure_band, role
    scores: pl.DataFrame  # response_id, item_id, score
    loyalty: pl.DataFrame
    churn: pl.DataFrame
    financials: pl.DataFrame
    truth: pl.DataFrame  # branch_id, wave, latent engagement, true NPS, true ROS
    params: DemoParams
    #: action_id, branch_ids, dimension_id, title, owner, start_date, status, target_type,
    #: target_value; the true effect is ``params.action_effect`` for running and done actions.
    actions: pl.DataFrame = field(default_factory=pl.DataFrame)


def wave_labels(n_waves: int, first_year: int, first_half: int = 1) -> list[str]:
    start = first_year * 2 + first_half - 1
    return [f"{k // 2}-H{k % 2 + 1}" for k in range(start, start + n_waves)]


def recent_start(n_waves: int, today: date | None = None) -> tuple[int, int]:
    """(first year, first half) so that the newest of ``n_waves`` half-year waves is the last
    half-year that ended before ``today``: the demo a new user seeds is recent, and its four
    waves are all within the 24-month retention period (the oldest ends at most 24 months
    before today), so the purge on start keeps them whole."""
    today = today or date.today()
    last = today.year * 2 + (0 if today.month >= 7 else -1)  # H1 of this year / H2 of last
    first = last - (n_waves - 1)
    return first // 2, first % 2 + 1


def _branch_names(rng: np.random.Generator, regions: np.ndarray) -> list[str]:
    used: set[str] = set()
    names = []
    for region in regions:
        cities = CITIES[str(region)]
        for _ in range(50):
            name = f"{cities[rng.integers(len(cities))]} {SITES[rng.integers(len(SITES))]}"
            if name not in used:
                break
        else:  # large chains: number the sites
            name = f"{cities[rng.integers(len(cities))]} {len(used) + 1}"
        used.add(name)
        names.append(name)
    return names


def generate(params: DemoParams | None = None) -> DemoData:
    """Generate the demo chain; the same parameters always give the same data. A chain has at
    least 2 branches and 1 wave (as ``loyalty demo`` checks)."""
    p = params or DemoParams()
    if p.n_branches < 2 or p.n_waves < 1:
        raise ValueError("a demo chain needs at least 2 branches and 1 wave")
    rng = np.random.default_rng(p.seed)
    nb, nw = p.n_branches, p.n_waves
    width = max(3, len(str(nb)))
    ids = np.array([f"B{i + 1:0{width}d}" for i in range(nb)])
    region = rng.choice(np.array(REGIONS), nb)
    fmt = rng.choice(np.array(FORMATS), nb, p=[0.45, 0.25, 0.30])
    headcount = np.clip(np.round(rng.lognormal(math.log(17), 0.6, nb)), 6, 60).astype(int)
    # a few very small branches (fewer than five respondents)
    small = rng.choice(nb, size=max(1, nb // 20), replace=False)
    headcount[small] = rng.integers(3, 6, small.size)
    names = _branch_names(rng, region)

    # latent engagement per branch and wave (wave -1 exists only as the lag source)
    reg_e = np.array([p.region_engagement[r] for r in region])
    base = p.engagement_mean + reg_e + p.size_on_engagement * (headcount - 20)
    u = rng.normal(0, p.branch_sd, nb)
    drift = np.zeros((nb, nw + 1))
    drift[:, 0] = rng.normal(0, p.wave_sd, nb)
    innov_sd = p.wave_sd * math.sqrt(1 - p.wave_ar**2)
    for t in range(1, nw + 1):
        drift[:, t] = p.wave_ar * drift[:, t - 1] + rng.normal(0, innov_sd, nb)
    latent = base[:, None] + u[:, None] + drift  # (nb, nw+1)
    dim_ids = [d[0] for d in DIMENSIONS]
    dim_dev = rng.normal(0, p.dimension_sd, (nb, len(dim_ids)))
    weights = np.array([p.driver_weights[d] for d in dim_ids])
    driver = latent + (dim_dev @ weights)[:, None]  # weighted engagement that drives loyalty

    # loyalty: true NPS in wave t from driver engagement in wave t-1
    reg_n = np.array([p.region_nps[r] for r in region])
    fmt_n = np.array([p.format_nps[f] for f in fmt])
    nps_true = (
        p.nps_mean
        + p.nps_per_engagement * (driver[:, :-1] - p.engagement_mean)
        + reg_n[:, None]
        + fmt_n[:, None]
        + p.size_on_nps * (headcount[:, None] - 20)
        + rng.normal(0, p.nps_branch_sd, nb)[:, None]
        + rng.normal(0, p.nps_wave_sd, (nb, nw))
    )
    # with 30 % passives, promoters and detractors shares stay in [0, 1] for |NPS| <= 70
    nps_true = np.clip(nps_true, -65, 65)
    fmt_customers = {"City": 1.0, "Mall": 1.3, "Fachmarkt": 0.8}
    cust_base = headcount * 120 * np.array([fmt_customers[f] for f in fmt])
    active = np.round(cust_base[:, None] * rng.lognormal(0, 0.08, (nb, nw))).astype(np.int64)
    answers = np.maximum(20, rng.binomial(active, p.nps_answer_rate))
    pro, pas, det = _nps_answers(rng, answers, nps_true)
    retained = _retained(rng, active, nps_true, p)

    # return on sales from the same period's true loyalty
    fmt_r = np.array([p.format_ros[f] for f in fmt])
    ros_true = (
        p.ros_mean
        + p.ros_per_nps * (nps_true - p.nps_mean)
        + fmt_r[:, None]
        + rng.normal(0, p.ros_sd, (nb, nw))
    )
    revenue = np.round(active * p.spend_per_customer * rng.lognormal(0, 0.05, (nb, nw)), -2)
    gross_margin = np.round(revenue * rng.normal(0.38, 0.02, (nb, nw)), -2)
    op_profit = np.round(revenue * ros_true / 100, -2)

    # churn reasons: staff share higher where engagement is low
    lost = active - retained
    e_z = (latent[:, 1:] - latent[:, 1:].mean()) / latent[:, 1:].std()
    staff = np.clip(p.churn_base["staff"] + p.staff_share_per_sd * e_z, 0.40, 0.90)
    others = [r for r in CHURN_REASONS if r not in STAFF_REASONS]
    rest = sum(p.churn_base[k] for k in others)
    shares = {k: p.churn_base[k] / rest * (1 - staff) for k in others}
    for k, w in p.staff_split.items():
        shares[k] = staff * w
    probs = np.stack([shares[r] for r in CHURN_REASONS], axis=-1)
    churn_counts = _churn_counts(rng, lost, probs)

    waves = wave_labels(nw, p.first_year, p.first_half)
    state = rng.bit_generator.state
    responses, scores = _responses(rng, p, ids, headcount, latent[:, 1:], dim_dev, waves)

    # actions: chosen on the survey as answered, then the effect of those carried out
    act_rng = np.random.default_rng([p.seed, 18])  # own stream: the rest stays as it was
    actions, shift = _actions(act_rng, p, ids, responses, scores, waves)
    if shift.any():
        rng.bit_generator.state = state  # the same draws again, with the shift added
        responses, scores = _responses(rng, p, ids, headcount, latent[:, 1:], dim_dev, waves, shift)
        driver[:, 1:] += shift @ weights  # driver column t + 1 is wave t
        delta = p.nps_per_engagement * (shift[:, :-1] @ weights)  # loyalty a wave later
        changed = np.zeros((nb, nw), dtype=bool)
        changed[:, 1:] = delta != 0
        nps_new = np.clip(nps_true[:, 1:] + delta, -65, 65)
        nps_true[:, 1:] = nps_new
        # fresh customer answers, retention and churn where true loyalty moved
        pro[changed], pas[changed], det[changed] = _nps_answers(
            act_rng, answers[changed], nps_true[changed]
        )
        retained[changed] = _retained(act_rng, active[changed], nps_true[changed], p)
        ros_true[:, 1:] += p.ros_per_nps * delta
        op_profit[changed] = np.round(revenue[changed] * ros_true[changed] / 100, -2)
        churn_counts[changed] = _churn_counts(act_rng, (active - retained)[changed], probs[changed])

    wave_frame = pl.DataFrame(
        {
            "wave": waves,
            "seq": list(range(1, nw + 1)),
            "start_date": [_wave_start(w) for w in waves],
            "end_date": [_wave_end(w) for w in waves],
        }
    )
    grid = {
        "branch_id": np.repeat(ids, nw),
        "wave": np.tile(np.array(waves), nb),
    }
    loyalty = pl.DataFrame(
        {
            **grid,
            "active_customers": active.ravel(),
            "retained_customers": retained.ravel(),
            "promoters": pro.ravel(),
            "passives": pas.ravel(),
            "detractors": det.ravel(),
        }
    )
    churn = pl.DataFrame(
        {
            "branch_id": np.repeat(ids, nw * len(CHURN_REASONS)),
            "wave": np.tile(np.repeat(np.array(waves), len(CHURN_REASONS)), nb),
            "reason": np.tile(np.array(CHURN_REASONS), nb * nw),
            "customers": churn_counts.ravel(),
        }
    )
    financials = pl.DataFrame(
        {
            **grid,
            "revenue": revenue.ravel(),
            "gross_margin": gross_margin.ravel(),
            "operating_profit": op_profit.ravel(),
        }
    )
    truth = pl.DataFrame(
        {
            **grid,
            "engagement": latent[:, 1:].ravel(),
            "driver_engagement": driver[:, 1:].ravel(),
            "lagged_driver_engagement": driver[:, :-1].ravel(),
            "nps": nps_true.ravel(),
            "ros": ros_true.ravel(),
        }
    )
    return DemoData(
        branches=pl.DataFrame(
            {
                "branch_id": ids,
                "name": names,
                "region": region,
                "format": fmt,
                "headcount": headcount,
            }
        ),
        waves=wave_frame,
        dimensions=pl.DataFrame(
            {
                "dimension_id": [d[0] for d in DIMENSIONS],
                "name_de": [d[1] for d in DIMENSIONS],
                "name_en": [d[2] for d in DIMENSIONS],
                "seq": list(range(1, len(DIMENSIONS) + 1)),
            }
        ),
        items=pl.DataFrame(
            {
                "item_id": [i[0] for i in ITEMS],
                "dimension_id": [i[1] for i in ITEMS],
                "text_de": [i[2] for i in ITEMS],
                "text_en": [i[3] for i in ITEMS],
                "scale_min": [SCALE[0]] * len(ITEMS),
                "scale_max": [SCALE[1]] * len(ITEMS),
                "reverse": [i[4] for i in ITEMS],
                "in_index": [True] * len(ITEMS),
                "seq": list(range(1, len(ITEMS) + 1)),
            }
        ),
        responses=responses,
        scores=scores,
        loyalty=loyalty,
        churn=churn,
        financials=financials,
        truth=truth,
        params=p,
        actions=actions,
    )


def _nps_answers(
    rng: np.random.Generator, answers: np.ndarray, nps_true: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Promoters, passives, detractors among ``answers`` customers at a true NPS."""
    p_pass = 0.30
    p_pro = (1 - p_pass + nps_true / 100) / 2
    p_det = 1 - p_pass - p_pro
    pro = rng.binomial(answers, p_pro)
    pas = rng.binomial(answers - pro, p_pass / (p_pass + p_det))
    return pro, pas, answers - pro - pas


def _retained(
    rng: np.random.Generator, active: np.ndarray, nps_true: np.ndarray, p: DemoParams
) -> np.ndarray:
    rate = 1 / (1 + np.exp(-(p.retention_intercept + p.retention_per_nps * (nps_true - 20))))
    return rng.binomial(active, rate)


def _churn_counts(rng: np.random.Generator, lost: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Lost customers split over the reasons (``probs``: shares on the last axis)."""
    counts = np.zeros((*lost.shape, probs.shape[-1]), dtype=np.int64)
    remaining = lost.copy()
    left = np.ones(lost.shape)
    for k in range(probs.shape[-1] - 1):  # sequential binomials = one multinomial, vectorised
        q = np.clip(probs[..., k] / np.maximum(left, 1e-12), 0, 1)
        counts[..., k] = rng.binomial(remaining, q)
        remaining = remaining - counts[..., k]
        left = left - probs[..., k]
    counts[..., -1] = remaining
    return counts


#: What demo branches do about a weak dimension (German: the demo chain is German).
ACTION_TITLES: dict[str, tuple[str, ...]] = {
    "motivation": (
        "Teamziele und Anerkennung im Monatsgespräch",
        "Job-Rotation zwischen Kasse, Lager und Verkauf",
    ),
    "commitment": (
        "Entwicklungspläne für alle Mitarbeitenden",
        "Patenschaften für neue Kolleginnen und Kollegen",
    ),
    "leadership": (
        "Feedbackgespräche alle sechs Wochen",
        "Führungstraining für die Filialleitung",
    ),
    "customer_focus": (
        "Beratungszeit im Dienstplan freihalten",
        "Kulanzrahmen für das Team vor Ort",
    ),
}
OWNERS = ("A. Becker", "M. Schneider", "S. Fischer", "J. Weber", "K. Wagner", "L. Hoffmann")


def _actions(
    rng: np.random.Generator,
    p: DemoParams,
    ids: np.ndarray,
    responses: pl.DataFrame,
    scores: pl.DataFrame,
    waves: list[str],
) -> tuple[pl.DataFrame, np.ndarray]:
    """Actions chosen on the survey as answered (self-selection: branches whose weakest
    dimension scored low act on it in the next wave), and the latent shift of those carried
    out: an (branches, waves, dimensions) array, ``action_effect`` from the start wave on."""
    nb, nw = len(ids), len(waves)
    dims = [d[0] for d in DIMENSIONS]
    shift = np.zeros((nb, nw, len(dims)))
    empty = pl.DataFrame(
        schema={
            "action_id": pl.Int64,
            "branch_ids": pl.List(pl.String),
            "dimension_id": pl.String,
            "title": pl.String,
            "owner": pl.String,
            "start_date": pl.Date,
            "status": pl.String,
            "target_type": pl.String,
            "target_value": pl.String,
        }
    )
    if nw < 2:
        return empty, shift
    item_dim = pl.DataFrame(
        {
            "item_id": [i[0] for i in ITEMS],
            "dimension_id": [i[1] for i in ITEMS],
            "reverse": [i[4] for i in ITEMS],
        }  # fmt: skip
    )
    means = (
        scores.join(item_dim, on="item_id")
        .with_columns(
            pl.when(pl.col("reverse"))
            .then(SCALE[0] + SCALE[1] - pl.col("score"))
            .otherwise(pl.col("score"))
            .alias("v")
        )
        .join(responses.select("response_id", "wave", "branch_id"), on="response_id")
        .group_by("branch_id", "wave", "dimension_id")
        .agg(pl.col("v").mean(), pl.col("response_id").n_unique().alias("n"))
    )
    index = {b: i for i, b in enumerate(ids)}
    taken = np.zeros(nb, dtype=bool)
    rows = []
    for pre in range(nw):
        start = pre + 1  # the wave the action starts in (the last wave's: planned, next year)
        cells = means.filter(pl.col("wave") == waves[pre], pl.col("n") >= 5)
        z = cells.with_columns(
            ((pl.col("v") - pl.col("v").mean()) / pl.col("v").std()).over("dimension_id")
        ).sort("branch_id", "v")
        weakest = z.group_by("branch_id", maintain_order=True).first()
        for row in weakest.iter_rows(named=True):
            b = index[row["branch_id"]]
            if taken[b]:
                continue
            chance = 1 / (1 + math.exp(-(p.action_base - p.action_per_sd * row["v"])))
            if rng.random() >= chance:
                continue
            taken[b] = True
            if start >= nw:
                status = "planned"
            elif start == nw - 1:
                status = rng.choice(["running", "done", "dropped"], p=[0.7, 0.15, 0.15])
            else:
                status = rng.choice(["done", "running", "dropped"], p=[0.75, 0.1, 0.15])
            d = dims.index(row["dimension_id"])
            if status in ("running", "done"):
                shift[b, start:, d] = p.action_effect
            year, half = (
                (int(waves[start][:4]), int(waves[start][-1]))
                if start < nw
                else (int(waves[-1][:4]) + (waves[-1][-1] == "2"), 3 - int(waves[-1][-1]))
            )
            first_day = np.datetime64(f"{year}-{'01' if half == 1 else '07'}-01")
            rows.append(
                {
                    "branch_ids": [row["branch_id"]],
                    "dimension_id": row["dimension_id"],
                    "title": str(rng.choice(ACTION_TITLES[row["dimension_id"]])),
                    "owner": str(rng.choice(OWNERS)),
                    "start_date": (first_day + int(rng.integers(10, 80))).astype(object),
                    "status": str(status),
                    "target_type": "branch",
                    "target_value": row["branch_id"],
                }
            )
    if not rows:
        return empty, shift
    frame = pl.DataFrame(rows).sort("start_date", "target_value")
    frame = frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("action_id"))
    return frame.select(empty.columns), shift


def _wave_start(wave: str) -> str:
    year, half = wave.split("-H")
    return f"{year}-01-01" if half == "1" else f"{year}-07-01"


def _wave_end(wave: str) -> str:
    year, half = wave.split("-H")
    return f"{year}-06-30" if half == "1" else f"{year}-12-31"


def _responses(
    rng: np.random.Generator,
    p: DemoParams,
    ids: np.ndarray,
    headcount: np.ndarray,
    latent: np.ndarray,
    dim_dev: np.ndarray,
    waves: list[str],
    shift: np.ndarray | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Anonymous answers; ``shift`` (branches, waves, dimensions) moves a branch's latent
    level of a dimension in a wave (the effect of an action)."""
    nb, nw = latent.shape
    rate = rng.uniform(0.65, 0.95, nb)
    if p.n_respondents is not None:  # scale response counts to the requested total
        expected = (headcount * rate).sum() * nw
        rate = rate * p.n_respondents / expected
        counts = np.maximum(0, rng.poisson(np.outer(headcount * rate, np.ones(nw))))
    else:
        counts = rng.binomial(np.repeat(headcount[:, None], nw, axis=1), rate[:, None])
    counts = counts.astype(np.int64)
    branch_idx = np.repeat(np.repeat(np.arange(nb), nw), counts.ravel())
    wave_idx = np.repeat(np.tile(np.arange(nw), nb), counts.ravel())
    n = branch_idx.size
    level = latent[branch_idx, wave_idx] + rng.normal(0, p.person_sd, n)
    dim_of_item = np.array([[d[0] for d in DIMENSIONS].index(i[1]) for i in ITEMS])
    raw = (
        level[:, None]
        + dim_dev[branch_idx][:, dim_of_item]
        + rng.normal(0, p.item_sd, (n, len(ITEMS)))
    )
    if shift is not None:
        raw += shift[branch_idx, wave_idx][:, dim_of_item]
    agree = np.clip(np.rint(raw), SCALE[0], SCALE[1]).astype(np.int16)
    reverse = np.array([i[4] for i in ITEMS])
    answer = np.where(reverse[None, :], SCALE[0] + SCALE[1] - agree, agree).astype(np.int16)
    response_id = np.arange(1, n + 1, dtype=np.int64)
    responses = pl.DataFrame(
        {
            "response_id": response_id,
            "wave": np.array(waves)[wave_idx],
            "branch_id": ids[branch_idx],
            "tenure_band": rng.choice(np.array(TENURE_BANDS), n, p=[0.15, 0.30, 0.35, 0.20]),
            "role": rng.choice(np.array(ROLES), n, p=[0.55, 0.20, 0.17, 0.08]),
        }
    )
    scores = pl.DataFrame(
        {
            "response_id": np.repeat(response_id, len(ITEMS)),
            "item_id": np.tile(np.array([i[0] for i in ITEMS]), n),
            "score": answer.ravel(),
        }
    )
    return responses, scores


def import_tables(data: DemoData) -> list[tuple[str, pl.DataFrame]]:
    """The demo chain as the tables a user's files would hold, one per kind (every wave in
    one): (kind, table), the columns named by the canonical fields and the item ids, so that
    each maps onto itself (:func:`identity_mapping`). The master data comes first."""
    n_items = len(ITEMS)
    if data.scores.height != data.responses.height * n_items:
        raise ValueError("every response answers every item (as generate() writes them)")
    # scores are generated response by response, item by item: one row per response
    answers = data.scores["score"].to_numpy().reshape(-1, n_items)
    survey = data.responses.select(
        pl.col("response_id").alias("respondent_id"), "branch_id", "wave", "tenure_band", "role"
    ).with_columns(pl.Series(item[0], answers[:, k]) for k, item in enumerate(ITEMS))
    churn = data.churn.with_columns(pl.format("churn_{}", "reason").alias("reason")).pivot(
        on="reason", index=["branch_id", "wave"], values="customers"
    )
    loyalty = data.loyalty.join(churn, on=["branch_id", "wave"], how="left")
    return [
        ("branches", data.branches),
        ("engagement", survey),
        ("loyalty", loyalty),
        ("finance", data.financials),
    ]


def identity_mapping(kind: str, table: pl.DataFrame) -> dict[str, str | None]:
    """Each canonical field (and item id) onto the column of the same name."""
    names = set(field_names(kind)) | (
        {i[0] for i in ITEMS} | set(CHURN_FIELDS) if kind != "branches" else set()
    )
    return {c: c for c in table.columns if c in names}


def seed_store(store: Store, data: DemoData, *, actor: str = DEMO_ACTOR) -> None:
    """Import the demo data into ``store`` as a user's files are imported (checked, then
    written by the one writer, one version per kind and wave) — all tables and the action
    plans in one transaction: all or nothing."""
    source = f"demo generator (seed {data.params.seed}, {data.params.n_branches} branches)"
    meta = ImportMeta(source=source, imported_by=actor)
    instrument = Instrument.from_frames(data.dimensions, data.items)
    with store.transaction() as cur:
        for kind, table in import_tables(data):
            if table.height:
                import_table(
                    cur,
                    table,
                    kind,
                    meta=meta,
                    mapping=identity_mapping(kind, table),
                    instrument=instrument if kind == "engagement" else None,
                    decimal=".",
                )
        if data.actions.height:
            actions.seed(cur, data.actions, actor=actor, source=source)


def write_samples(data: DemoData, directory: Path, wave: str | None = None) -> list[Path]:
    """Write sample files as users bring them: a German survey CSV and an Excel finance sheet."""
    directory.mkdir(parents=True, exist_ok=True)
    wave = wave or data.waves["wave"][-1]
    names = data.branches.select("branch_id", "name")
    # Survey export as a German tool writes it: ';', decimal comma, cp1252, German headers.
    survey = (
        data.responses.filter(pl.col("wave") == wave)
        .join(
            data.scores.pivot(on="item_id", index="response_id", values="score"), on="response_id"
        )
        .with_columns(
            (pl.lit(3.0) + (pl.col("response_id") % 17) / 2).alias("Bearbeitungszeit (Min.)")
        )
        .select(
            pl.col("response_id").alias("Antwort-ID"),
            pl.col("branch_id").alias("Filiale"),
            pl.col("wave").alias("Welle"),
            pl.col("tenure_band").alias("Betriebszugehörigkeit (Jahre)"),
            pl.col("role").alias("Tätigkeitsbereich"),
            *[pl.col(i[0]) for i in ITEMS],
            "Bearbeitungszeit (Min.)",
        )
    )
    csv_text = survey.write_csv(separator=";", decimal_comma=True)
    survey_path = directory / f"mitarbeiterbefragung_{wave}.csv"
    survey_path.write_bytes(csv_text.encode("cp1252"))
    finance = (
        data.financials.filter(pl.col("wave") == wave)
        .join(names, on="branch_id")
        .select(
            pl.col("branch_id").alias("Filiale"),
            pl.col("name").alias("Filialname"),
            pl.col("wave").alias("Periode"),
            pl.col("revenue").alias("Umsatz (EUR)"),
            pl.col("gross_margin").alias("Rohertrag (EUR)"),
            pl.col("operating_profit").alias("Betriebsergebnis (EUR)"),
        )
    )
    finance_path = directory / f"filialergebnisse_{wave}.xlsx"
    finance.write_excel(
        finance_path,
        worksheet="Ergebnisse",
        autofit=True,
        float_precision=2,
        column_formats={c: "#,##0.00" for c in finance.columns if "EUR" in c},
    )
    loyalty_path = directory / f"kundenbindung_{wave}.csv"
    loyalty = data.loyalty.filter(pl.col("wave") == wave).select(
        pl.col("branch_id").alias("Filiale"),
        pl.col("wave").alias("Periode"),
        pl.col("active_customers").alias("Aktive Kunden"),
        pl.col("retained_customers").alias("Gehaltene Kunden"),
        pl.col("promoters").alias("Promotoren"),
        pl.col("passives").alias("Passive"),
        pl.col("detractors").alias("Kritiker"),
    )
    loyalty_path.write_bytes(loyalty.write_csv(separator=";").encode("cp1252"))

    instrument_path = directory / "instrument.yaml"
    instrument_path.write_text(
        to_yaml(Instrument.from_frames(data.dimensions, data.items)), encoding="utf-8"
    )
    return [survey_path, finance_path, loyalty_path, instrument_path]
