"""What the rule tests share: a questionnaire, branches, plain frames and a validate() call."""

from __future__ import annotations

import polars as pl

from loyalty.importing.instrument import parse_yaml
from loyalty.importing.validate import problem_line, validate

INSTRUMENT = parse_yaml(
    """
dimensions:
  - id: mood
    name: {de: Stimmung, en: Mood}
    items:
      - {id: A1, text: {de: "Ich gehe gern zur Arbeit.", en: "I enjoy going to work."}}
      - {id: A2, text: {de: "Ich bin oft müde.", en: "I am often tired."}, reverse: true}
  - id: lead
    name: {de: Führung, en: Leadership}
    items:
      - {id: B1, text: {de: "Meine Führungskraft hört zu.", en: "My manager listens."}}
"""
)


BRANCHES = ["B01", "B02", "B03"]


ENG_MAP = {
    "respondent_id": "ID",
    "branch_id": "Filiale",
    "wave": None,
    "tenure_band": None,
    "role": None,
}


def frame(columns: dict[str, list]) -> pl.DataFrame:
    return pl.DataFrame(
        {k: [None if v is None else str(v) for v in vals] for k, vals in columns.items()},
        schema={k: pl.String for k in columns},
    )


def survey(n: int = 6, **override) -> pl.DataFrame:
    cols = {
        "ID": [str(i + 1) for i in range(n)],
        "Filiale": [BRANCHES[i % 2] for i in range(n)],
        "A1": ["4"] * n,
        "A2": ["2"] * n,
        "B1": ["5"] * n,
    }
    cols.update(override)
    return frame(cols)


def run(raw, kind="engagement", wave="2025-H2", mapping=None, **kw):
    kw.setdefault("min_group_size", 3)
    kw.setdefault("known_waves", ["2025-H1", "2025-H2"])
    return validate(
        raw,
        kw.pop("rows", None),
        kind,
        wave,
        ENG_MAP if mapping is None else mapping,
        kw.pop("instrument", INSTRUMENT),
        kw.pop("known", BRANCHES),
        **kw,
    )


def lines(result, lang="de", kind=None):
    return [
        problem_line(r["kind"], r, lang)
        for r in result.problems.iter_rows(named=True)
        if kind is None or r["kind"] == kind
    ]


LOYALTY_MAP = {
    "branch_id": "Filiale",
    "wave": "Periode",
    "active_customers": "Aktive Kunden",
    "retained_customers": "Gehaltene Kunden",
    "promoters": "Promotoren",
    "passives": "Passive",
    "detractors": "Kritiker",
    "churn_price": "Preis",
    "churn_staff_trust": "Vertrauen",
}


def loyalty_frame(**override) -> pl.DataFrame:
    cols = {
        "Filiale": ["B01", "B02", "B03"],
        "Periode": ["2025-H2"] * 3,
        "Aktive Kunden": ["1.000", "2.000", "3.000"],
        "Gehaltene Kunden": ["900", "1.800", "2.700"],
        "Promotoren": ["30", "40", "50"],
        "Passive": ["20", "20", "20"],
        "Kritiker": ["10", "10", "10"],
        "Preis": ["5", "", "7"],
        "Vertrauen": ["8", "9", "10"],
    }
    cols.update(override)
    return frame(cols)
