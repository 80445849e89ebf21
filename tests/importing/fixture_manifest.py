"""The fixture corpus: the data each file holds and the exact outcome of reading it.

``make_fixtures.py`` writes the files in ``fixtures/`` from the tables below; the tests read the
committed files and compare with :data:`CASES`. The expectations are written by hand from what
the files contain (header rows, row numbers, encodings), never taken from the reader's output.
``MANIFEST.md`` in ``fixtures/`` is generated from this module for people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from loyalty.importing.read import Limits

Row = tuple[str | None, ...]

# --- data tables (the reader must give back exactly these strings; None = empty cell) ----------

ITEMS = [f"{d}{i}" for d in ("MOT", "COM", "LEA", "KUN") for i in (1, 2, 3)]
ENGAGEMENT_HEADER = ["Filiale", "Welle", "Betriebszugehörigkeit", "Funktion", *ITEMS]
_BRANCHES = ["B001", "B001", "B002", "B002", "B003", "B003"]
_TENURE = ["<1", "1-3", "3-10", ">10", "1-3", "3-10"]
_ROLES = ["Verkauf", "Kasse", "Lager", "Leitung", "Verkauf", "Kasse"]
ENGAGEMENT_ROWS: list[Row] = [
    (
        _BRANCHES[i],
        "2025-H1",
        _TENURE[i],
        _ROLES[i],
        *(str(1 + (i * 3 + j * 2) % 5) for j in range(len(ITEMS))),
    )
    for i in range(6)
]

CITY_HEADER = ["Filiale", "Standort", "Welle", "Funktion", "MOT1", "MOT2"]
CITY_ROWS: list[Row] = [
    ("B001", "München", "2025-H1", "Verkauf", "4", "5"),
    ("B002", "Köln", "2025-H1", "Kasse", "3", "4"),
    ("B003", "Düsseldorf", "2025-H1", "Lager", "5", "5"),
    ("B004", "Lübeck", "2025-H1", "Leitung", "2", "3"),
    ("B005", "Nürnberg", "2025-H1", "Verkauf", "4", "4"),
    ("B006", "Gießen", "2025-H1", "Kasse", "1", "2"),
]

LOYALTY_EN_HEADER = [
    "Branch ID",
    "Wave",
    "Active customers",
    "Retained customers",
    "Promoters",
    "Passives",
    "Detractors",
]
LOYALTY_EN_ROWS: list[Row] = [
    ("B001", "2025-H1", "1,234", "1,010", "412", "230", "98"),
    ("B002", "2025-H1", "2,480", "1,990", "801", "420", "260"),
    ("B003", "2025-H1", "987", "700", "300", "180", "120"),
    ("B004", "2025-H1", "12,345", "10,001", "4,000", "2,100", "900"),
]
LOYALTY_DE_HEADER = [
    "Filial-Nr",
    "Welle",
    "Aktive Kunden",
    "Gehaltene Kunden",
    "Promotoren",
    "Passive",
    "Detraktoren",
]
LOYALTY_DE_ROWS: list[Row] = [
    ("B001", "2025-H1", "1.234", "1.010", "412", "230", "98"),
    ("B002", "2025-H1", "2.480", "1.990", "801", "420", "260"),
    ("B003", "2025-H1", "987", "700", "300", "180", "120"),
]

FINANCE_DE_HEADER = ["Filiale", "Welle", "Umsatz", "Rohertrag", "Betriebsergebnis"]
FINANCE_DE_ROWS: list[Row] = [
    ("B001", "2025-H1", "1.234.567,89", "345.678,90", "-12.345,67"),
    ("B002", "2025-H1", "2\u00a0345\u00a0678,00", "612\u202f000,50", "98.765,43"),
    ("B003", "2025-H1", "987.654,32", "234.567,80", "0,00"),
]
#: The same in Windows-1252, which has no narrow no-break space (U+202F).
FINANCE_DE_CP_ROWS: list[Row] = [
    tuple(v.replace("\u202f", "\u00a0") if v else v for v in r) for r in FINANCE_DE_ROWS
]
FINANCE_EN_HEADER = ["Store ID", "Period", "Revenue", "Gross margin", "Operating profit"]
FINANCE_EN_ROWS: list[Row] = [
    ("B001", "2025-H1", "1234567.89", "345678.90", "-12345.67"),
    ("B002", "2025-H1", "2345678.00", "612000.50", "98765.43"),
]
PERCENT_HEADER = ["Filiale", "Welle", "Anteil Stammkunden", "Retourenquote"]
PERCENT_ROWS: list[Row] = [
    ("B001", "2025-H1", "12,5 %", "3,2 %"),
    ("B002", "2025-H1", "7 %", "0,5%"),
    ("B003", "2025-H1", "100 %", "12,25 %"),
]

QUOTED_HEADER = ["Filiale", "Kommentar, frei", "Wert"]
QUOTED_ROWS: list[Row] = [
    ("B001", "gut; aber teuer", "1,5"),
    ("B002", 'sagt "danke"', "2,5"),
    ("B003", "zwei\nZeilen", "3,5"),
    ("B004", "normal", "4,5"),
]

SINGLE_HEADER = ["Filiale"]
SINGLE_ROWS: list[Row] = [("B001",), ("B002",), ("B003",)]

SHORT_HEADER = ["Filiale", "Welle", "Wert"]
SHORT_ROWS: list[Row] = [
    ("B001", "2025-H1", "1"),
    ("B002", "2025-H1", "2"),
    ("B003", "2025-H1", "3"),
]

# Qualtrics: ids, question texts, ImportId JSON, then data
QUALTRICS_IDS = [
    "StartDate",
    "EndDate",
    "Status",
    "IPAddress",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "RecipientLastName",
    "RecipientFirstName",
    "RecipientEmail",
    "ExternalReference",
    "LocationLatitude",
    "LocationLongitude",
    "DistributionChannel",
    "UserLanguage",
    "Q1",
    "Q2_1",
    "Q2_2",
    "Q3",
]
QUALTRICS_TEXTS = [
    "Start Date",
    "End Date",
    "Response Type",
    "IP Address",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "Recorded Date",
    "Response ID",
    "Recipient Last Name",
    "Recipient First Name",
    "Recipient Email",
    "External Data Reference",
    "Location Latitude",
    "Location Longitude",
    "Distribution Channel",
    "User Language",
    "In welcher Filiale arbeiten Sie?",
    "Wie sehr stimmen Sie zu? - Ich gehe gern zur Arbeit.",
    "Wie sehr stimmen Sie zu? - Ich bin stolz, für dieses Unternehmen zu arbeiten.",
    "Welle",
]
QUALTRICS_IMPORT_IDS = [
    '{"ImportId":"startDate","timeZone":"Europe/Berlin"}',
    '{"ImportId":"endDate","timeZone":"Europe/Berlin"}',
    '{"ImportId":"status"}',
    '{"ImportId":"ipAddress"}',
    '{"ImportId":"progress"}',
    '{"ImportId":"duration"}',
    '{"ImportId":"finished"}',
    '{"ImportId":"recordedDate","timeZone":"Europe/Berlin"}',
    '{"ImportId":"_recordId"}',
    '{"ImportId":"recipientLastName"}',
    '{"ImportId":"recipientFirstName"}',
    '{"ImportId":"recipientEmail"}',
    '{"ImportId":"externalDataReference"}',
    '{"ImportId":"locationLatitude"}',
    '{"ImportId":"locationLongitude"}',
    '{"ImportId":"distributionChannel"}',
    '{"ImportId":"userLanguage"}',
    '{"ImportId":"QID1"}',
    '{"ImportId":"QID2_1"}',
    '{"ImportId":"QID2_2"}',
    '{"ImportId":"QID3_TEXT"}',
]
QUALTRICS_ROWS: list[Row] = [
    (
        "2025-03-03 09:12:01",
        "2025-03-03 09:15:44",
        "IP Address",
        "192.0.2.10",
        "100",
        "223",
        "True",
        "2025-03-03 09:15:45",
        "R_1a2b3c4d5e6f7g8",
        None,
        None,
        None,
        None,
        "48.1374",
        "11.5755",
        "anonymous",
        "DE",
        "B001",
        "4",
        "5",
        "2025-H1",
    ),
    (
        "2025-03-03 10:01:13",
        "2025-03-03 10:04:02",
        "IP Address",
        "192.0.2.11",
        "100",
        "169",
        "True",
        "2025-03-03 10:04:03",
        "R_2b3c4d5e6f7g8h9",
        None,
        None,
        None,
        None,
        "50.9375",
        "6.9603",
        "anonymous",
        "DE",
        "B002",
        "3",
        "3",
        "2025-H1",
    ),
    (
        "2025-03-04 14:30:00",
        "2025-03-04 14:31:10",
        "IP Address",
        "192.0.2.12",
        "100",
        "70",
        "True",
        "2025-03-04 14:31:11",
        "R_3c4d5e6f7g8h9i0",
        None,
        None,
        None,
        None,
        "53.5511",
        "9.9937",
        "anonymous",
        "DE",
        "B002",
        "5",
        "4",
        "2025-H1",
    ),
]
QUALTRICS_QUESTION_TEXTS = {
    name: text
    for name, text in zip(QUALTRICS_IDS, QUALTRICS_TEXTS, strict=True)
    if name.casefold() != text.casefold()
}

# SurveyMonkey: the question over its first column, sub items below
SM_META = [
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
]
SM_Q_BRANCH = "In welcher Filiale arbeiten Sie?"
SM_Q_MATRIX = "Wie sehr stimmen Sie den folgenden Aussagen zu?"
SM_Q_OPEN = "Was möchten Sie uns noch sagen?"
SM_SUBITEMS = [
    "Ich gehe gern zur Arbeit.",
    "Ich bin stolz auf das Unternehmen.",
    "Meine Führungskraft informiert mich rechtzeitig.",
]
SM_ROW1 = [*SM_META, SM_Q_BRANCH, SM_Q_MATRIX, None, None, SM_Q_OPEN]
SM_ROW2 = [None] * len(SM_META) + ["Response", *SM_SUBITEMS, "Open-Ended Response"]
SM_COLUMNS = [
    *SM_META,
    SM_Q_BRANCH,
    *(f"{SM_Q_MATRIX} - {s}" for s in SM_SUBITEMS),
    SM_Q_OPEN,
]
SM_QUESTION_TEXTS = {
    SM_Q_BRANCH: SM_Q_BRANCH,
    **{f"{SM_Q_MATRIX} - {s}": SM_Q_MATRIX for s in SM_SUBITEMS},
    SM_Q_OPEN: SM_Q_OPEN,
}
SM_ROWS: list[Row] = [
    (
        "114211111111",
        "431234567",
        "03/03/2025 09:12:01",
        "03/03/2025 09:15:44",
        "192.0.2.20",
        None,
        None,
        None,
        None,
        "B001",
        "Stimme zu",
        "Stimme voll zu",
        "Teils/teils",
        "Mehr Personal an der Kasse.",
    ),
    (
        "114211111112",
        "431234567",
        "03/03/2025 10:01:13",
        "03/03/2025 10:04:02",
        "192.0.2.21",
        None,
        None,
        None,
        None,
        "B002",
        "Stimme nicht zu",
        "Teils/teils",
        "Stimme zu",
        None,
    ),
]

# Microsoft Forms (XLSX): English and German metadata columns
MSF_EN_META = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"]
MSF_DE_META = [
    "ID",
    "Startzeit",
    "Fertigstellungszeit",
    "E-Mail",
    "Name",
    "Zeitpunkt der letzten Änderung",
]
MSF_EN_QUESTIONS = [
    "In which branch do you work?",
    "I enjoy going to work.",
    "I am proud to work for this company.",
]
MSF_DE_QUESTIONS = [
    "In welcher Filiale arbeiten Sie?",
    "Ich gehe gern zur Arbeit.",
    "Ich bin stolz, für dieses Unternehmen zu arbeiten.",
]
MSF_ROWS: list[Row] = [
    ("1", "2025-03-03 09:12:01", "2025-03-03 09:15:44", "anonymous", None, None, "B001", "4", "5"),
    ("2", "2025-03-03 10:01:13", "2025-03-03 10:04:02", "anonymous", None, None, "B002", "3", "3"),
    ("3", "2025-03-04 14:30:00", "2025-03-04 14:31:10", "anonymous", None, None, "B002", "5", "4"),
]

# LimeSurvey: question codes, or full question texts
LS_CODES_HEADER = [
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
    "G01Q01",
    "G02Q01[SQ001]",
    "G02Q01[SQ002]",
    "G02Q01[SQ003]",
]
LS_CODES_ROWS: list[Row] = [
    (
        "1",
        "2025-03-03 09:15:44",
        "2",
        "de",
        "482910374",
        "2025-03-03 09:12:01",
        "2025-03-03 09:15:44",
        "192.0.2.30",
        None,
        "B001",
        "A4",
        "A5",
        "A3",
    ),
    (
        "2",
        "2025-03-03 10:04:02",
        "2",
        "de",
        "1938475610",
        "2025-03-03 10:01:13",
        "2025-03-03 10:04:02",
        "192.0.2.31",
        None,
        "B002",
        "A2",
        "A3",
        "A4",
    ),
]
LS_TEXT_META = [
    "Response ID",
    "Date submitted",
    "Last page",
    "Start language",
    "Seed",
    "Date started",
    "Date last action",
]
LS_TEXT_QUESTIONS = [
    "In which branch do you work?",
    "How much do you agree? [I enjoy going to work.]",
    "How much do you agree? [I am proud to work for this company.]",
]
LS_TEXT_ROWS: list[Row] = [
    (
        "1",
        "2025-03-03 09:15:44",
        "2",
        "en",
        "482910374",
        "2025-03-03 09:12:01",
        "2025-03-03 09:15:44",
        "B001",
        "Agree",
        "Strongly agree",
    ),
    (
        "2",
        "2025-03-03 10:04:02",
        "2",
        "en",
        "1938475610",
        "2025-03-03 10:01:13",
        "2025-03-03 10:04:02",
        "B002",
        "Disagree",
        "Neither agree nor disagree",
    ),
]

# Likert words (German with one unknown label; English with numbered labels)
LIKERT_DE_HEADER = ["Filiale", "Welle", "MOT1", "MOT2", "COM1"]
LIKERT_DE_ROWS: list[Row] = [
    ("B001", "2025-H1", "Stimme voll zu", "Stimme zu", "Teils/teils"),
    ("B001", "2025-H1", "stimme überhaupt nicht zu", "Stimme nicht zu", "Weder noch"),
    ("B002", "2025-H1", "5 - Stimme voll zu", "trifft eher zu", "Stimme voll und ganz zu"),
    ("B002", "2025-H1", "Stimme eher halb zu", "1 = trifft gar nicht zu", "keine Angabe"),
    ("B003", "2025-H1", "  Stimme Zu ", "trifft teilweise zu", None),
]
LIKERT_DE_EXPECTED = {
    "MOT1": ([5, 1, 5, None, 4], ["Stimme eher halb zu"]),
    "MOT2": ([4, 2, 4, 1, 3], []),
    "COM1": ([3, 3, 5, None, None], []),
}
LIKERT_EN_HEADER = ["Store ID", "Wave", "Q1", "Q2"]
LIKERT_EN_ROWS: list[Row] = [
    ("B001", "2025-H1", "Strongly agree", "Agree"),
    ("B001", "2025-H1", "Neutral", "Neither agree nor disagree"),
    ("B002", "2025-H1", "Disagree", "Strongly disagree"),
    ("B002", "2025-H1", "5 - Strongly agree", "1 = Strongly disagree"),
    ("B003", "2025-H1", "Don't know", "agree"),
]
LIKERT_EN_EXPECTED = {
    "Q1": ([5, 3, 2, 5, None], []),
    "Q2": ([4, 3, 1, 1, 4], []),
}

# Identifying columns, one of each kind (plus columns that must not be flagged)
IDENTIFYING_HEADER = [
    "Filiale",
    "Welle",
    "IP Address",
    "E-Mail",
    "Vorname",
    "Nachname",
    "Name",
    "LocationLatitude",
    "LocationLongitude",
    "ResponseId",
    "Respondent ID",
    "Collector ID",
    "RecipientEmail",
    "ExternalReference",
    "StartDate",
    "Startzeit",
    "submitdate",
    "User Agent",
    "Telefon",
    "Kommentar",
    "MOT1",
    "Filialname",
    "Store ID",
    "Ich berate Kunden auch am Telefon gern",
]
IDENTIFYING_EXPECTED = [
    ("IP Address", "ip_address"),
    ("E-Mail", "email"),
    ("Vorname", "name"),
    ("Nachname", "name"),
    ("Name", "name"),
    ("LocationLatitude", "location"),
    ("LocationLongitude", "location"),
    ("ResponseId", "response_id"),
    ("Respondent ID", "response_id"),
    ("Collector ID", "response_id"),
    ("RecipientEmail", "email"),
    ("ExternalReference", "external_id"),
    ("StartDate", "timestamp"),
    ("Startzeit", "timestamp"),
    ("submitdate", "timestamp"),
    ("User Agent", "technical"),
    ("Telefon", "phone"),
    ("Kommentar", "free_text"),
]
_COMMENTS = [
    "Die Einarbeitung neuer Kolleginnen dauert viel zu lange.",
    "Mehr Personal an der Kasse am Samstag wäre gut.",
    "Ich wünsche mir klarere Ziele von der Filialleitung.",
    "Das Team hält gut zusammen, auch in stressigen Wochen.",
    "Die Dienstpläne kommen oft erst sehr kurzfristig.",
    "Schulungen zu neuen Produkten wären hilfreich.",
]
IDENTIFYING_ROWS: list[Row] = [
    (
        f"B00{i % 3 + 1}",
        "2025-H1",
        f"192.0.2.{40 + i}",
        f"person{i}@example.org",
        ["Anna", "Ben", "Clara", "David", "Eva", "Felix"][i],
        ["Schmidt", "Müller", "Meyer", "Schulz", "Wagner", "Becker"][i],
        ["Anna S.", "Ben M.", "Clara M.", "David S.", "Eva W.", "Felix B."][i],
        f"48.{1374 + i}",
        f"11.{5755 + i}",
        f"R_{i}abcdefghijklmn",
        f"11421111111{i}",
        "431234567",
        f"person{i}@example.org",
        f"EMP-{1000 + i}",
        f"2025-03-0{i + 1} 09:12:01",
        f"0{i + 1}.03.2025 09:12",
        f"2025-03-0{i + 1} 09:15:44",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
        f"+49 30 1234567{i}",
        _COMMENTS[i],
        str(i % 5 + 1),
        ["München Hbf", "Köln Dom", "Hamburg Altona"][i % 3],
        f"B00{i % 3 + 1}",
        str(i % 5 + 1),
    )
    for i in range(6)
]

FREE_TEXT_HEADER = [
    "Filiale",
    "Welle",
    "Kommentar",
    "Anmerkung",
    "Kontakt",
    "Zeit",
    "Rechner",
    "MOT1",
    "Funktion",
]
FREE_TEXT_EXPECTED = [
    ("Kommentar", "free_text"),
    ("Kontakt", "email"),
    ("Zeit", "timestamp"),
    ("Rechner", "ip_address"),
]
FREE_TEXT_ROWS: list[Row] = [
    (
        f"B00{i % 3 + 1}",
        "2025-H1",
        _COMMENTS[i],
        ["ja", "nein"][i % 2],
        f"kontakt{i}@example.org",
        f"2025-03-0{i + 1} 1{i}:30:00",
        f"10.0.0.{i + 1}",
        str(i % 5 + 1),
        _ROLES[i],
    )
    for i in range(6)
]

WIDE_HEADER = ["Filiale", *(f"Frage {i}" for i in range(1, 30))]
WIDE_ROWS: list[Row] = [
    (f"B00{r + 1}", *(str((r + c) % 5 + 1) for c in range(29))) for r in range(3)
]
MANY_HEADER = ["Filiale", "Welle", "MOT1"]
MANY_ROWS: list[Row] = [(f"B{r % 40 + 1:03d}", "2025-H1", str(r % 5 + 1)) for r in range(60)]

# Fixtures for the validator (they must read cleanly; the validator finds the problem)
V_SCORE_ROWS: list[Row] = [
    ("B001", "2025-H1", "<1", "Verkauf", "7", *(["3"] * 11)),
    ("B001", "2025-H1", "1-3", "Kasse", "0", *(["4"] * 11)),
    ENGAGEMENT_ROWS[2],
]
V_UNKNOWN_BRANCH_ROWS: list[Row] = [ENGAGEMENT_ROWS[0], ("B999", *ENGAGEMENT_ROWS[1][1:])]
V_DUP_HEADER = ["Respondent ID", *ENGAGEMENT_HEADER]
V_DUP_ROWS: list[Row] = [
    ("R1", *ENGAGEMENT_ROWS[0]),
    ("R2", *ENGAGEMENT_ROWS[1]),
    ("R1", *ENGAGEMENT_ROWS[2]),
]
V_NO_WAVE_HEADER = [h for h in ENGAGEMENT_HEADER if h != "Welle"]
V_NO_WAVE_ROWS: list[Row] = [
    tuple(v for k, v in enumerate(r) if k != 1) for r in ENGAGEMENT_ROWS[:3]
]
V_NEG_REVENUE_ROWS: list[Row] = [
    FINANCE_DE_ROWS[0],
    ("B002", "2025-H1", "-1.000,00", "200,00", "-1.500,00"),
]
V_RETAINED_ROWS: list[Row] = [
    LOYALTY_DE_ROWS[0],
    ("B002", "2025-H1", "1.000", "1.200", "500", "300", "200"),
]

# Parquet: typed columns, read back as strings
PARQUET_HEADER = [
    "Filiale",
    "Welle",
    "Umsatz",
    "Rohertrag",
    "Betriebsergebnis",
    "Stichtag",
    "Erfasst",
    "Geprüft",
]
PARQUET_ROWS: list[Row] = [
    (
        "B001",
        "2025-H1",
        "1234567.89",
        "300000",
        "45000",
        "2025-06-30",
        "2025-07-01 09:30:00",
        "true",
    ),
    ("B002", "2025-H1", "-12.5", None, "-3", "2025-06-30", "2025-07-02", "false"),
    ("B003", "2025-H1", None, "0.25", "0", None, None, None),
]

# XLSX with typed cells; the table starts in B3, row 6 is empty
TYPES_HEADER = [
    "Filiale",
    "Datum",
    "Zeitpunkt",
    "Uhrzeit",
    "Zahl",
    "Anteil",
    "Bool",
    "Formel",
    "Text",
]
TYPES_ROWS: list[Row] = [
    # "Anteil" is formatted as percent (0.0%): read as Excel shows it, 0.125 → "12.5%"
    ("B001", "2025-03-01", "2025-03-01 14:30:05", "14:30:00", "3", "12.5%", "true", "6", "007"),
    (
        "B002",
        "2025-09-30",
        "2025-09-30 08:00:00",
        "08:05:00",
        "3.25",
        "100%",
        "false",
        "6.5",
        "München",
    ),
    ("B003", None, None, None, "1234567.891", None, None, None, None),
]

TWO_SHEETS_NOTES_HEADER = ["Hinweis"]
TWO_SHEETS_NOTES_ROWS: list[Row] = [("Bitte nicht ändern",), ("Stand: März 2025",)]

MERGED_HEADER_HEADER = ["Filiale", "Umsatz", None, "Welle"]
MERGED_DATA_HEADER = ["Filiale", "Welle", "Wert"]
MERGED_DATA_ROWS: list[Row] = [
    ("B001", "2025-H1", "1"),
    (None, "2025-H2", "2"),
    ("B002", "2025-H1", "3"),
]

MESSY_HEADERS_RAW = [" Filiale ", "Welle\n(Halbjahr)", "Wert\u00a0", "\tFrage  1"]
MESSY_HEADERS = ["Filiale", "Welle (Halbjahr)", "Wert", "Frage 1"]
MESSY_ROWS: list[Row] = [("B001", "2025-H1", "1", " 4 "), ("B002", "2025-H2", "2", "5")]

BLANK_LINES_ROWS: list[Row] = [
    ("B001", "2025-H1", "1"),
    ("B002", "2025-H1", "2"),
    ("B003", "2025-H1", "3"),
]
DUPLICATE_HEADERS_LINE = "Filiale;Name;Name;;Wert;"
DUPLICATE_HEADERS_ROWS: list[Row] = [
    ("B001", "a", "b", "x", "1"),
    ("B002", "c", "d", None, "2"),
]
STRAY_QUOTE_ROWS: list[Row] = [("B001", '12" Monitor', "1"), ("B002", "Kabel", "2")]


# --- the expected outcomes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One read of one fixture file, and exactly what must come out."""

    id: str
    file: str
    purpose: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    error_params: dict[str, Any] | None = None
    file_format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    layout: str = "plain"
    columns: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    row_numbers: tuple[int, ...] = ()
    notes: tuple[tuple[str, dict[str, Any]], ...] = ()
    question_texts: dict[str, str] = field(default_factory=dict)
    sheet_names: tuple[str, ...] = ()
    sheet: str | None = None
    decimal_hint: str | None = None


def _ok(
    id: str,
    file: str,
    purpose: str,
    header: list[str],
    rows: list[Row],
    *,
    first: int = 2,
    row_numbers: tuple[int, ...] | None = None,
    **kw: Any,
) -> Case:
    numbers = row_numbers if row_numbers is not None else tuple(range(first, first + len(rows)))
    fmt = kw.pop("file_format", "csv")
    hint = "." if fmt in ("xlsx", "parquet") else None
    return Case(
        id=id,
        file=file,
        purpose=purpose,
        columns=tuple(header),
        rows=tuple(tuple(r) for r in rows),
        row_numbers=numbers,
        file_format=fmt,
        decimal_hint=kw.pop("decimal_hint", hint),
        **kw,
    )


def _err(id: str, file: str, purpose: str, error: str, params: dict[str, Any], **kw: Any) -> Case:
    return Case(id=id, file=file, purpose=purpose, error=error, error_params=params, **kw)


_CP1252 = ("note_encoding", {"encoding": "Windows-1252"})
_SHEET_NOTE = ("note_sheet", {"sheet": "Daten", "count": 2, "others": "Hinweise"})

CASES: list[Case] = [
    # encodings
    _ok(
        "utf8",
        "engagement_utf8.csv",
        "UTF-8 without BOM, ';', LF",
        ENGAGEMENT_HEADER,
        ENGAGEMENT_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    _ok(
        "utf8_bom",
        "engagement_utf8_bom.csv",
        "UTF-8 with BOM, ',', CRLF",
        ENGAGEMENT_HEADER,
        ENGAGEMENT_ROWS,
        encoding="utf-8-sig",
        delimiter=",",
    ),
    _ok(
        "cp1252",
        "engagement_cp1252.csv",
        "Windows-1252 with umlauts (München, Gießen)",
        CITY_HEADER,
        CITY_ROWS,
        encoding="cp1252",
        delimiter=";",
        notes=(_CP1252,),
    ),
    _ok(
        "latin1",
        "latin1_fallback.csv",
        "byte 0x81 is undefined in cp1252 → ISO-8859-1",
        ["Filiale", "Bemerkung"],
        [("B001", "Gr\u00fc\u00dfe\u0081"), ("B002", "ok")],
        encoding="latin-1",
        delimiter=";",
        notes=(("note_encoding", {"encoding": "ISO-8859-1"}),),
    ),
    _ok(
        "utf16",
        "unicode_text.txt",
        "Excel 'Unicode text': UTF-16 LE with BOM, tabs",
        CITY_HEADER,
        CITY_ROWS,
        encoding="utf-16",
        delimiter="\t",
        file_format="tsv",
    ),
    _ok(
        "mixed_encoding",
        "mixed_encoding.csv",
        "cp1252 file with one UTF-8 'Köln' inside",
        ["Filiale", "Standort"],
        [("B001", "München"), ("B002", "KÃ¶ln")],
        encoding="cp1252",
        delimiter=";",
        notes=(_CP1252, ("note_mixed_encoding", {})),
    ),
    # delimiters and number formats
    _ok(
        "comma_en",
        "loyalty_comma_en.csv",
        "',' with quoted thousands ('\"1,234\"')",
        LOYALTY_EN_HEADER,
        LOYALTY_EN_ROWS,
        encoding="utf-8",
        delimiter=",",
    ),
    _ok(
        "semicolon_de",
        "loyalty_semicolon_de.csv",
        "';' German headers, '1.234'",
        LOYALTY_DE_HEADER,
        LOYALTY_DE_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    _ok(
        "tab",
        "finance_tab.tsv",
        "TSV, German decimals with no-break and narrow spaces",
        FINANCE_DE_HEADER,
        FINANCE_DE_ROWS,
        encoding="utf-8",
        delimiter="\t",
        file_format="tsv",
    ),
    _ok(
        "pipe",
        "finance_pipe.csv",
        "'|' English decimals",
        FINANCE_EN_HEADER,
        FINANCE_EN_ROWS,
        encoding="utf-8",
        delimiter="|",
    ),
    _ok(
        "decimal_comma",
        "finance_decimal_comma.csv",
        "';' decimal comma and thousands",
        FINANCE_DE_HEADER,
        FINANCE_DE_CP_ROWS,
        encoding="cp1252",
        delimiter=";",
        notes=(_CP1252,),
    ),
    _ok(
        "percent",
        "percent.csv",
        "'12,5 %' values",
        PERCENT_HEADER,
        PERCENT_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    _ok(
        "quoted",
        "quoted_fields.csv",
        "',' with quotes: delimiter, doubled quote, newline",
        QUOTED_HEADER,
        QUOTED_ROWS,
        encoding="utf-8",
        delimiter=",",
    ),
    _ok(
        "single_column",
        "single_column.csv",
        "one column, no delimiter",
        SINGLE_HEADER,
        SINGLE_ROWS,
        encoding="utf-8",
        delimiter=None,
    ),
    _ok(
        "no_extension",
        "export_without_extension",
        "CSV content, no extension",
        SHORT_HEADER,
        SHORT_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    _ok(
        "cr_only",
        "cr_line_endings.csv",
        "classic Mac line ends (CR only)",
        SHORT_HEADER,
        SHORT_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    _ok(
        "sep_line",
        "sep_line.csv",
        "Excel's 'sep=,' first line; header in row 2",
        SHORT_HEADER,
        SHORT_ROWS,
        first=3,
        encoding="utf-8",
        delimiter=",",
    ),
    _ok(
        "blank_lines",
        "blank_lines.csv",
        "empty line before the header, an empty line and a ';;' line between data rows",
        SHORT_HEADER,
        BLANK_LINES_ROWS,
        row_numbers=(3, 4, 6),
        encoding="utf-8",
        delimiter=";",
        notes=(("note_skipped_lines", {"count": 1}), ("note_empty_rows", {"count": 3})),
    ),
    _ok(
        "duplicate_headers",
        "duplicate_headers.csv",
        "duplicate and empty headers, trailing ';' (empty column dropped)",
        ["Filiale", "Name", "Name_2", "column_4", "Wert"],
        DUPLICATE_HEADERS_ROWS,
        encoding="utf-8",
        delimiter=";",
        notes=(
            ("note_empty_columns", {"count": 1}),
            ("note_unnamed_columns", {"columns": "column_4"}),
            ("note_duplicate_headers", {"columns": "Name_2"}),
        ),
    ),
    _ok(
        "stray_quote",
        "stray_quote.csv",
        'a quote inside an unquoted field (12" Monitor)',
        ["Filiale", "Artikel", "Menge"],
        STRAY_QUOTE_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    # XLSX
    _ok(
        "xlsx",
        "engagement.xlsx",
        "plain XLSX",
        ENGAGEMENT_HEADER,
        ENGAGEMENT_ROWS,
        file_format="xlsx",
        sheet_names=("Daten",),
        sheet="Daten",
    ),
    _ok(
        "xlsx_first_sheet",
        "two_sheets.xlsx",
        "default: the first sheet",
        TWO_SHEETS_NOTES_HEADER,
        TWO_SHEETS_NOTES_ROWS,
        file_format="xlsx",
        sheet_names=("Hinweise", "Daten"),
        sheet="Hinweise",
        notes=(("note_sheet", {"sheet": "Hinweise", "count": 2, "others": "Daten"}),),
    ),
    _ok(
        "xlsx_second_sheet",
        "two_sheets.xlsx",
        "the second sheet by name",
        ENGAGEMENT_HEADER,
        ENGAGEMENT_ROWS[:3],
        kwargs={"sheet": "Daten"},
        file_format="xlsx",
        sheet_names=("Hinweise", "Daten"),
        sheet="Daten",
        notes=(_SHEET_NOTE,),
    ),
    _ok(
        "xlsx_second_sheet_index",
        "two_sheets.xlsx",
        "the second sheet by position",
        ENGAGEMENT_HEADER,
        ENGAGEMENT_ROWS[:3],
        kwargs={"sheet": 1},
        file_format="xlsx",
        sheet_names=("Hinweise", "Daten"),
        sheet="Daten",
        notes=(_SHEET_NOTE,),
    ),
    _err(
        "xlsx_missing_sheet",
        "two_sheets.xlsx",
        "a sheet that does not exist",
        "read.sheet_not_found",
        {"sheet": "Fehlt", "sheets": "Hinweise, Daten"},
        kwargs={"sheet": "Fehlt"},
    ),
    _ok(
        "xlsx_types",
        "cell_types.xlsx",
        "dates, times, numbers, booleans, formula; table from B3, empty row 6",
        TYPES_HEADER,
        TYPES_ROWS,
        row_numbers=(4, 5, 7),
        file_format="xlsx",
        sheet_names=("Daten",),
        sheet="Daten",
        notes=(("note_empty_rows", {"count": 1}),),
    ),
    _ok(
        "xlsx_merged_data",
        "merged_data.xlsx",
        "merged cells in data rows only: a note",
        MERGED_DATA_HEADER,
        MERGED_DATA_ROWS,
        file_format="xlsx",
        sheet_names=("Daten",),
        sheet="Daten",
        notes=(("note_merged_cells", {"cells": "A2:A3"}),),
    ),
    _err(
        "xlsx_merged_header",
        "merged_header.xlsx",
        "merged header cells",
        "read.merged_header",
        {"cells": "B1:C1"},
    ),
    _ok(
        "parquet",
        "finance.parquet",
        "typed Parquet columns rendered as text",
        PARQUET_HEADER,
        PARQUET_ROWS,
        file_format="parquet",
    ),
    # survey-tool layouts
    _ok(
        "qualtrics_csv",
        "qualtrics.csv",
        "Qualtrics: 3 header rows, UTF-8 BOM",
        QUALTRICS_IDS,
        QUALTRICS_ROWS,
        first=4,
        encoding="utf-8-sig",
        delimiter=",",
        layout="qualtrics",
        question_texts=QUALTRICS_QUESTION_TEXTS,
        notes=(("note_layout", {"layout": "Qualtrics"}),),
    ),
    _ok(
        "qualtrics_xlsx",
        "qualtrics.xlsx",
        "Qualtrics XLSX",
        QUALTRICS_IDS,
        QUALTRICS_ROWS,
        first=4,
        file_format="xlsx",
        layout="qualtrics",
        question_texts=QUALTRICS_QUESTION_TEXTS,
        sheet_names=("Sheet0",),
        sheet="Sheet0",
        notes=(("note_layout", {"layout": "Qualtrics"}),),
    ),
    _ok(
        "surveymonkey_csv",
        "surveymonkey.csv",
        "SurveyMonkey: question carried across",
        SM_COLUMNS,
        SM_ROWS,
        first=3,
        encoding="utf-8",
        delimiter=",",
        layout="surveymonkey",
        question_texts=SM_QUESTION_TEXTS,
        notes=(("note_layout", {"layout": "SurveyMonkey"}),),
    ),
    _ok(
        "surveymonkey_xlsx",
        "surveymonkey.xlsx",
        "SurveyMonkey XLSX with the matrix question merged over its columns (allowed)",
        SM_COLUMNS,
        SM_ROWS,
        first=3,
        file_format="xlsx",
        layout="surveymonkey",
        question_texts=SM_QUESTION_TEXTS,
        sheet_names=("Sheet",),
        sheet="Sheet",
        notes=(("note_layout", {"layout": "SurveyMonkey"}),),
    ),
    _ok(
        "msforms_en",
        "msforms_en.xlsx",
        "Microsoft Forms, English",
        MSF_EN_META + MSF_EN_QUESTIONS,
        MSF_ROWS,
        file_format="xlsx",
        layout="msforms",
        question_texts={q: q for q in MSF_EN_QUESTIONS},
        sheet_names=("Sheet1",),
        sheet="Sheet1",
        notes=(("note_layout", {"layout": "Microsoft Forms"}),),
    ),
    _ok(
        "msforms_de",
        "msforms_de.xlsx",
        "Microsoft Forms, German",
        MSF_DE_META + MSF_DE_QUESTIONS,
        MSF_ROWS,
        file_format="xlsx",
        layout="msforms",
        question_texts={q: q for q in MSF_DE_QUESTIONS},
        sheet_names=("Tabelle1",),
        sheet="Tabelle1",
        notes=(("note_layout", {"layout": "Microsoft Forms"}),),
    ),
    _ok(
        "limesurvey_codes",
        "limesurvey_codes.csv",
        "LimeSurvey with question codes",
        LS_CODES_HEADER,
        LS_CODES_ROWS,
        encoding="utf-8",
        delimiter=",",
        layout="limesurvey",
        notes=(("note_layout", {"layout": "LimeSurvey"}),),
    ),
    _ok(
        "limesurvey_text",
        "limesurvey_text.csv",
        "LimeSurvey with full question texts",
        LS_TEXT_META + LS_TEXT_QUESTIONS,
        LS_TEXT_ROWS,
        encoding="utf-8",
        delimiter=";",
        layout="limesurvey",
        question_texts={q: q for q in LS_TEXT_QUESTIONS},
        notes=(("note_layout", {"layout": "LimeSurvey"}),),
    ),
    # answers as words, identifying columns
    _ok(
        "likert_de",
        "likert_de.csv",
        "German Likert words, one unknown label",
        LIKERT_DE_HEADER,
        LIKERT_DE_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    _ok(
        "likert_en",
        "likert_en.csv",
        "English Likert words, numbered labels",
        LIKERT_EN_HEADER,
        LIKERT_EN_ROWS,
        encoding="utf-8",
        delimiter=",",
    ),
    _ok(
        "identifying",
        "identifying.csv",
        "one column of every identifying kind",
        IDENTIFYING_HEADER,
        IDENTIFYING_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    _ok(
        "free_text",
        "free_text.csv",
        "free text and personal data recognised by content",
        FREE_TEXT_HEADER,
        FREE_TEXT_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    # limits
    _ok(
        "wide_default",
        "wide.csv",
        "30 columns, default limits",
        WIDE_HEADER,
        WIDE_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    _err(
        "wide_limited",
        "wide.csv",
        "30 columns, at most 20 allowed",
        "read.too_many_columns",
        {"columns": 30, "limit": 20},
        kwargs={"limits": Limits(max_columns=20)},
    ),
    _ok(
        "many_default",
        "many_rows.csv",
        "60 rows, default limits",
        MANY_HEADER,
        MANY_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    _err(
        "many_limited",
        "many_rows.csv",
        "60 rows, at most 50 allowed",
        "read.too_many_rows",
        {"limit": 50},
        kwargs={"limits": Limits(max_rows=50)},
    ),
    _err(
        "too_large",
        "engagement_utf8.csv",
        "file larger than max_bytes",
        "read.too_large",
        {"size_mb": 1, "limit_mb": 0},
        kwargs={"limits": Limits(max_bytes=100)},
    ),
    _err(
        "xlsx_too_many_columns",
        "engagement.xlsx",
        "XLSX wider than max_columns",
        "read.too_many_columns",
        {"columns": 16, "limit": 10},
        kwargs={"limits": Limits(max_columns=10)},
    ),
    # refused files
    _err("empty", "empty.csv", "0 bytes", "read.empty_file", {"filename": "empty.csv"}),
    _err(
        "bom_only",
        "bom_only.csv",
        "a BOM and a line end, nothing else",
        "read.empty_file",
        {"filename": "bom_only.csv"},
    ),
    _err(
        "header_only",
        "header_only.csv",
        "header, no data rows",
        "read.header_only",
        {"filename": "header_only.csv"},
    ),
    _err(
        "qualtrics_header_only",
        "qualtrics_header_only.csv",
        "Qualtrics export without responses",
        "read.header_only",
        {"filename": "qualtrics_header_only.csv"},
    ),
    _err(
        "csv_as_xlsx",
        "csv_content.xlsx",
        ".xlsx extension, CSV content",
        "read.wrong_type",
        {"filename": "csv_content.xlsx", "extension": ".xlsx", "detected": "CSV/Text"},
    ),
    _err(
        "xlsx_as_csv",
        "xlsx_content.csv",
        ".csv extension, XLSX content",
        "read.wrong_type",
        {"filename": "xlsx_content.csv", "extension": ".csv", "detected": "Excel (XLSX)"},
    ),
    _err(
        "parquet_as_csv",
        "parquet_content.csv",
        ".csv extension, Parquet content",
        "read.wrong_type",
        {"filename": "parquet_content.csv", "extension": ".csv", "detected": "Parquet"},
    ),
    _err(
        "zip_as_xlsx",
        "zip_not_xlsx.xlsx",
        ".xlsx extension, a zip of text files",
        "read.wrong_type",
        {"filename": "zip_not_xlsx.xlsx", "extension": ".xlsx", "detected": "ZIP"},
    ),
    _err(
        "old_xls",
        "old_excel.xls",
        "OLE compound file (.xls or encrypted .xlsx)",
        "read.xls_unsupported",
        {"filename": "old_excel.xls"},
    ),
    _err(
        "pdf",
        "document.pdf",
        "a PDF",
        "read.unsupported",
        {"filename": "document.pdf", "detected": "PDF"},
    ),
    _err(
        "binary",
        "binary.dat",
        "unknown binary content",
        "read.unknown_format",
        {"filename": "binary.dat"},
    ),
    _err(
        "ragged",
        "ragged.csv",
        "unquoted decimal comma in a ',' file",
        "read.ragged_row",
        {"row": 3, "found": 4, "expected": 3},
    ),
    _err(
        "zip_bomb",
        "zip_bomb.xlsx",
        "200 MB sheet XML compressed ~1000:1",
        "read.xlsx_compression_ratio",
        {"part": "xl/worksheets/sheet1.xml", "ratio": 1028, "limit": 100},
    ),
    _err(
        "zip_declared_huge",
        "zip_declared_huge.xlsx",
        "central directory declares a 2 GB part",
        "read.xlsx_too_large",
        {"size_mb": 1908, "limit_mb": 1024},
    ),
    _err(
        "xml_bomb",
        "xml_bomb.xlsx",
        "billion laughs in the sheet XML",
        "read.xlsx_unsafe",
        {"part": "xl/worksheets/sheet1.xml"},
    ),
    _err(
        "xml_bomb_strings",
        "xml_bomb_shared_strings.xlsx",
        "entity declaration in sharedStrings.xml",
        "read.xlsx_unsafe",
        {"part": "xl/sharedStrings.xml"},
    ),
    _ok(
        "messy_headers",
        "messy_headers.xlsx",
        "headers with spaces, a line break (Alt+Enter), a no-break space, a tab",
        MESSY_HEADERS,
        MESSY_ROWS,
        file_format="xlsx",
        sheet_names=("Daten",),
        sheet="Daten",
    ),
    _err(
        "truncated_xlsx",
        "truncated.xlsx",
        "the first 2000 bytes of an XLSX (a broken upload)",
        "read.unreadable",
        {"filename": "truncated.xlsx", "detail": "File is not a zip file"},
    ),
    _err(
        "nested_parquet",
        "nested.parquet",
        "a Parquet list column",
        "read.parquet_column_type",
        {"column": "Antworten", "dtype": "List(Int64)"},
    ),
    # for the validator: these read cleanly
    _ok(
        "v_score_out_of_range",
        "v_score_out_of_range.csv",
        "validator: scores 7 and 0",
        ENGAGEMENT_HEADER,
        V_SCORE_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    _ok(
        "v_unknown_branch",
        "v_unknown_branch.csv",
        "validator: branch B999",
        ENGAGEMENT_HEADER,
        V_UNKNOWN_BRANCH_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    _ok(
        "v_duplicate_respondent",
        "v_duplicate_respondent.csv",
        "validator: respondent R1 twice",
        V_DUP_HEADER,
        V_DUP_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    _ok(
        "v_missing_wave",
        "v_missing_wave.csv",
        "validator: no wave column",
        V_NO_WAVE_HEADER,
        V_NO_WAVE_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    _ok(
        "v_negative_revenue",
        "v_negative_revenue.csv",
        "validator: revenue -1.000,00",
        FINANCE_DE_HEADER,
        V_NEG_REVENUE_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
    _ok(
        "v_retained_gt_active",
        "v_retained_gt_active.csv",
        "validator: retained 1.200 > active 1.000",
        LOYALTY_DE_HEADER,
        V_RETAINED_ROWS,
        encoding="utf-8",
        delimiter=";",
    ),
]
