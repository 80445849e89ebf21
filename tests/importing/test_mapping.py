"""Column mapping suggestions: every synonym of the brief, precedence, fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from loyalty.importing.mapping import normalise_header, suggest_mapping
from loyalty.importing.read import read_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"

SYNONYMS_OF_THE_BRIEF = {
    ("engagement", "branch_id"): [
        "Filiale",
        "Filial-Nr",
        "Filialnummer",
        "Standort",
        "Niederlassung",
        "Store",
        "Store ID",
        "Branch",
        "Branch ID",
        "Markt",
        "Geschäftsstelle",
    ],
    ("engagement", "wave"): ["Welle", "Wave", "Periode", "Zeitraum", "Halbjahr"],
    ("engagement", "tenure_band"): ["Betriebszugehörigkeit", "Tenure"],
    ("engagement", "role"): ["Funktion", "Rolle", "Role", "Position"],
    ("loyalty", "active_customers"): ["Aktive Kunden", "Kundenzahl", "Active customers"],
    ("loyalty", "retained_customers"): ["Gehaltene Kunden", "Wiederkäufer", "Retained"],
    ("loyalty", "promoters"): ["Promotoren", "Promoter"],
    ("loyalty", "passives"): ["Passive"],
    ("loyalty", "detractors"): ["Detraktoren", "Kritiker", "Detractors"],
    ("finance", "revenue"): ["Umsatz", "Revenue", "Nettoumsatz"],
    ("finance", "gross_margin"): ["Rohertrag", "Deckungsbeitrag", "Gross margin"],
    ("finance", "operating_profit"): ["Betriebsergebnis", "EBIT", "Operating profit"],
    ("branches", "name"): ["Name", "Filialname"],
    ("branches", "region"): ["Region", "Gebiet"],
    ("branches", "format"): ["Format", "Typ", "Vertriebsform"],
    ("branches", "headcount"): ["Mitarbeiter", "Mitarbeiterzahl", "Headcount", "Köpfe"],
}


@pytest.mark.parametrize(
    ("kind", "field", "header"),
    [(k, f, h) for (k, f), headers in SYNONYMS_OF_THE_BRIEF.items() for h in headers],
)
def test_every_synonym_of_the_brief_is_suggested(kind, field, header) -> None:
    assert suggest_mapping(["irrelevant", header], kind)[field] == header


@pytest.mark.parametrize(
    "header", ["GESCHÄFTSSTELLE", "geschaeftsstelle", "Geschaftsstelle", " Geschäfts-Stelle "]
)
def test_case_umlaut_and_punctuation_insensitive(header) -> None:
    assert suggest_mapping([header], "finance")["branch_id"] == header


@pytest.mark.parametrize(
    ("columns", "kind", "expected"),
    [
        (
            ["Filial-Nr.", "Umsatz (EUR)", "EBIT", "Rohertrag"],
            "finance",
            {
                "branch_id": "Filial-Nr.",
                "wave": None,
                "revenue": "Umsatz (EUR)",
                "gross_margin": "Rohertrag",
                "operating_profit": "EBIT",
            },
        ),
        (
            ["Standort", "Filiale", "Welle", "Betriebszugehörigkeit", "Funktion", "MOT1"],
            "engagement",
            {
                "respondent_id": None,
                "branch_id": "Filiale",  # an earlier synonym wins over "Standort"
                "wave": "Welle",
                "tenure_band": "Betriebszugehörigkeit",
                "role": "Funktion",
            },
        ),
        (
            ["Umsatz (Tsd. €)", "Betriebsergebnis in EUR", "Revenue kEUR"],
            "finance",
            {
                "branch_id": None,
                "wave": None,
                "revenue": None,  # a scale: never matched with the unit removed
                "gross_margin": None,
                "operating_profit": "Betriebsergebnis in EUR",
            },
        ),
        (
            ["Filiale", "Name", "Region", "Typ", "Anzahl Mitarbeiter"],
            "branches",
            {
                "branch_id": "Filiale",
                "name": "Name",
                "region": "Region",
                "format": "Typ",
                "headcount": "Anzahl Mitarbeiter",
            },
        ),
    ],
)
def test_suggestions(columns, kind, expected) -> None:
    assert suggest_mapping(columns, kind) == expected


LOYALTY_NONE = {
    f"churn_{r}": None
    for r in (
        "price",
        "quality",
        "staff_trust",
        "staff_advice",
        "staff_care",
        "staff_unfriendly",
        "staff_accommodation",
        "staff_waiting",
        "other",
    )
}


@pytest.mark.parametrize(
    ("file", "kind", "expected"),
    [
        (
            "loyalty_semicolon_de.csv",
            "loyalty",
            {
                "branch_id": "Filial-Nr",
                "wave": "Welle",
                "active_customers": "Aktive Kunden",
                "retained_customers": "Gehaltene Kunden",
                "promoters": "Promotoren",
                "passives": "Passive",
                "detractors": "Detraktoren",
                **LOYALTY_NONE,
            },
        ),
        (
            "loyalty_comma_en.csv",
            "loyalty",
            {
                "branch_id": "Branch ID",
                "wave": "Wave",
                "active_customers": "Active customers",
                "retained_customers": "Retained customers",
                "promoters": "Promoters",
                "passives": "Passives",
                "detractors": "Detractors",
                **LOYALTY_NONE,
            },
        ),
        (
            "finance_pipe.csv",
            "finance",
            {
                "branch_id": "Store ID",
                "wave": "Period",
                "revenue": "Revenue",
                "gross_margin": "Gross margin",
                "operating_profit": "Operating profit",
            },
        ),
        (
            "v_duplicate_respondent.csv",
            "engagement",
            {
                "respondent_id": "Respondent ID",
                "branch_id": "Filiale",
                "wave": "Welle",
                "tenure_band": "Betriebszugehörigkeit",
                "role": "Funktion",
            },
        ),
        (
            "v_missing_wave.csv",
            "engagement",
            {
                "respondent_id": None,
                "branch_id": "Filiale",
                "wave": None,
                "tenure_band": "Betriebszugehörigkeit",
                "role": "Funktion",
            },
        ),
    ],
)
def test_fixture_files_map_as_expected(file, kind, expected) -> None:
    columns = read_file(FIXTURES / file, file).frame.columns
    assert suggest_mapping(columns, kind) == expected


def test_churn_reason_columns() -> None:
    columns = ["Filiale", "Welle", "Preis", "Qualität", "Wartezeiten", "Sonstige"]
    found = suggest_mapping(columns, "loyalty")
    assert found["churn_price"] == "Preis"
    assert found["churn_quality"] == "Qualität"
    assert found["churn_staff_waiting"] == "Wartezeiten"
    assert found["churn_other"] == "Sonstige"


def test_a_column_is_used_for_one_field_only() -> None:
    found = suggest_mapping(["Filiale"], "branches")
    assert found == {
        "branch_id": "Filiale",
        "name": None,
        "region": None,
        "format": None,
        "headcount": None,
    }


def test_unknown_kind_is_an_error() -> None:
    with pytest.raises(ValueError):
        suggest_mapping(["Filiale"], "waves")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Filial-Nr.", "filialnr"),
        ("  Betriebszugehörigkeit ", "betriebszugehoerigkeit"),
        ("Straße", "strasse"),
        ("MOT1", "mot1"),
        ("Ich gehe gern zur Arbeit.", "ichgehegernzurarbeit"),
        ("Café", "cafe"),
        ("Ｆｉｌｉａｌｅ", "filiale"),  # full-width letters (NFKC)
        ("", ""),
    ],
)
def test_normalise_header(text, key) -> None:
    assert normalise_header(text) == key
