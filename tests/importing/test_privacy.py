"""Identifying columns: by heading for every survey tool, by content for the rest."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from fixture_manifest import FREE_TEXT_EXPECTED, IDENTIFYING_EXPECTED

from loyalty.importing.messages import MESSAGES
from loyalty.importing.privacy import (
    COLUMN_REASONS,
    identifying_columns,
    looks_like_free_text,
    reason_by_content,
    reason_by_name,
)
from loyalty.importing.read import read_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"

TS, RID, NAME = "timestamp", "response_id", "name"
BY_NAME = {
    "qualtrics.csv": [
        ("StartDate", TS),
        ("EndDate", TS),
        ("IPAddress", "ip_address"),
        ("RecordedDate", TS),
        ("ResponseId", RID),
        ("RecipientLastName", NAME),
        ("RecipientFirstName", NAME),
        ("RecipientEmail", "email"),
        ("ExternalReference", "external_id"),
        ("LocationLatitude", "location"),
        ("LocationLongitude", "location"),
    ],
    "surveymonkey.csv": [
        ("Respondent ID", RID),
        ("Collector ID", RID),
        ("Start Date", TS),
        ("End Date", TS),
        ("IP Address", "ip_address"),
        ("Email Address", "email"),
        ("First Name", NAME),
        ("Last Name", NAME),
        ("Custom Data 1", "external_id"),
    ],
    "msforms_en.xlsx": [
        ("ID", RID),
        ("Start time", TS),
        ("Completion time", TS),
        ("Email", "email"),
        ("Name", NAME),
        ("Last modified time", TS),
    ],
    "msforms_de.xlsx": [
        ("ID", RID),
        ("Startzeit", TS),
        ("Fertigstellungszeit", TS),
        ("E-Mail", "email"),
        ("Name", NAME),
        ("Zeitpunkt der letzten Änderung", TS),
    ],
    "limesurvey_codes.csv": [
        ("id", RID),
        ("submitdate", TS),
        ("seed", "technical"),
        ("startdate", TS),
        ("datestamp", TS),
        ("ipaddr", "ip_address"),
        ("refurl", "technical"),
    ],
    "limesurvey_text.csv": [
        ("Response ID", RID),
        ("Date submitted", TS),
        ("Seed", "technical"),
        ("Date started", TS),
        ("Date last action", TS),
    ],
    "identifying.csv": [c for c in IDENTIFYING_EXPECTED if c[1] != "free_text"],
    "free_text.csv": [],
    "engagement_utf8.csv": [],
    "likert_de.csv": [],
}
WITH_CONTENT = {
    **BY_NAME,
    "identifying.csv": IDENTIFYING_EXPECTED,
    "free_text.csv": FREE_TEXT_EXPECTED,
}


def _table(file: str):
    return read_file(FIXTURES / file, file)


@pytest.mark.parametrize("file", sorted(BY_NAME))
def test_identifying_columns_by_heading(file) -> None:
    t = _table(file)
    assert identifying_columns(t.frame.columns, t.question_texts, t.layout) == BY_NAME[file]


@pytest.mark.parametrize("file", sorted(WITH_CONTENT))
def test_identifying_columns_with_content(file) -> None:
    t = _table(file)
    found = identifying_columns(t.frame.columns, t.question_texts, t.layout, frame=t.frame)
    assert found == WITH_CONTENT[file]


def test_every_reason_is_listed_and_has_a_message() -> None:
    reasons = {r for rows in WITH_CONTENT.values() for _, r in rows} | {"phone"}
    assert reasons <= set(COLUMN_REASONS)
    assert {f"privacy.{r}" for r in COLUMN_REASONS} <= set(MESSAGES)
    assert len(reasons) == len(COLUMN_REASONS) == 10


def test_a_question_text_can_identify_a_coded_column() -> None:
    found = identifying_columns(
        ["Q5", "Q6"], {"Q5": "Ihre E-Mail-Adresse", "Q6": "Ich gehe gern zur Arbeit."}, "qualtrics"
    )
    assert found == [("Q5", "email")]


@pytest.mark.parametrize(
    ("heading", "reason"),
    [
        ("Filialname", None),  # a branch's name, not a person's
        ("Store ID", None),
        ("Standort", None),
        ("Name", NAME),
        ("Vor- und Nachname", NAME),
        ("E-Mail-Adresse", "email"),
        ("Ihre E-Mail", "email"),
        ("IP-Adresse", "ip_address"),
        ("Telefonnummer", "phone"),
        ("Mobile phone", "phone"),
        ("Personalnummer", "external_id"),
        ("Custom Data 2", "external_id"),
        ("Browser", "technical"),
        # found by a QA pass: a compound heading, a name asked for optionally, short forms
        ("Nachname/Abteilung", NAME),
        ("Vor-/Nachname", NAME),
        ("Name, Vorname", NAME),
        ("Surname", NAME),
        ("Family name", NAME),
        ("Name (optional)", NAME),
        ("Ihr Name (freiwillig)", NAME),
        ("Tel.", "phone"),
        ("Handy", "phone"),
        ("Pers.-Nr.", "external_id"),
        ("Client IP", "ip_address"),
        ("Name der Filiale", None),
        ("Abteilung", None),
        ("Ich berate Kunden auch am Telefon gern", None),  # a survey item, not a number
        ("Meine E-Mail wird schnell beantwortet und das hilft", None),
        ("", None),
    ],
)
def test_reason_by_name(heading, reason) -> None:
    assert reason_by_name(heading) == reason


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        (["a@example.org", "b@example.org", None], "email"),
        (["192.168.0.1", "10.0.0.255", "2001:db8::1"], "ip_address"),
        (["2025-03-01 09:15", "2025-03-02T10:00:00", "03.03.2025 11:00"], TS),
        (["14:30:00", "08:05:00", "09:00:00"], None),  # times of day are not addresses
        (["2025-03-01", "2025-03-02"], None),  # dates without a time
        (["1.234.567.890", "2.345.678.901"], None),  # German numbers, not IPv4
        (["B001", "B002", "B001"], None),
    ],
)
def test_reason_by_content(values, reason) -> None:
    assert reason_by_content(pl.Series(values, dtype=pl.String)) == reason


COMMENTS = [
    "Die Einarbeitung dauert zu lange.",
    "Mehr Personal am Samstag wäre gut.",
    "Klarere Ziele von der Leitung, bitte.",
    "Das Team hält gut zusammen.",
    "Dienstpläne kommen zu kurzfristig.",
    "Schulungen zu neuen Produkten fehlen.",
]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (COMMENTS, True),
        (COMMENTS + ["4", "5"], True),
        (COMMENTS[:4], False),  # too few values to tell
        (["Stimme zu", "Stimme voll zu", "Teils/teils", "Stimme zu", "Stimme nicht zu"] * 3, False),
        (["1,5", "2,25", "3", "4.000", "17", "12,5 %"] * 2, False),
        (["Verkauf", "Kasse", "Lager", "Leitung", "Verkauf", "Kasse"] * 3, False),
        (["ja", "nein", "ja", "ja", "nein", "vielleicht"], False),
        ([f"Filiale {c} Innenstadt" for c in "ABCDEFGH"], True),  # long, all distinct, wordy
        ([None, "", "  "] * 5, False),
        ([c * 25 for c in "abcdef"], True),  # long single words
        ([f"Antwort {i}" for i in range(20)], False),  # short, two words
    ],
)
def test_looks_like_free_text(values, expected) -> None:
    assert looks_like_free_text(pl.Series(values, dtype=pl.String)) is expected


def test_free_text_beside_numbers_is_still_found_and_repeated_codes_are_not():
    """The shortcuts (few distinct values; nothing long or wordy) only say no where the full
    rule would: comments mixed with numbers are still free text, repeated phrases are not."""
    comments = [f"Die Beratung war diesmal {i} Minuten zu langsam" for i in range(50)]
    assert looks_like_free_text(pl.Series(["3"] * 50 + comments))
    assert not looks_like_free_text(pl.Series(["sehr gute Beratung heute"] * 100))
    assert not looks_like_free_text(pl.Series([f"B{i:05d}" for i in range(100)]))
