"""Survey-tool layouts: detection from the first rows, and the fixture files end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixture_manifest import CASES

from loyalty.importing.layouts import Layout, detect_layout
from loyalty.importing.read import read_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_qualtrics() -> None:
    head = [
        ["StartDate", "ResponseId", "Q1", "Q2_1"],
        ["Start Date", "Response ID", "Filiale?", "Wie sehr? - Ich gehe gern zur Arbeit."],
        [
            '{"ImportId":"startDate"}',
            '{"ImportId":"_recordId"}',
            '{"ImportId":"QID1"}',
            '{ "ImportId" : "QID2_1"}',
        ],
    ]
    assert detect_layout(head) == Layout(
        "qualtrics",
        3,
        ["StartDate", "ResponseId", "Q1", "Q2_1"],
        {
            0: "Start Date",
            1: "Response ID",
            2: "Filiale?",
            3: "Wie sehr? - Ich gehe gern zur Arbeit.",
        },
    )


def test_qualtrics_needs_the_import_id_row() -> None:
    head = [["StartDate", "Q1"], ["Start Date", "Filiale?"], ["2025-03-01", "B001"]]
    assert detect_layout(head).name == "plain"


def test_surveymonkey_carries_the_question_across_blank_cells() -> None:
    head = [
        ["Respondent ID", "Collector ID", "Q", "Matrix", None, None, "Open"],
        [None, None, "Response", "A", "B", "C", "Open-Ended Response"],
        ["1", "2", "x", "4", "5", "3", "text"],
    ]
    layout = detect_layout(head)
    assert layout.name == "surveymonkey" and layout.header_rows == 2
    assert layout.columns == [
        "Respondent ID",
        "Collector ID",
        "Q",
        "Matrix - A",
        "Matrix - B",
        "Matrix - C",
        "Open",
    ]
    assert layout.question_texts == {2: "Q", 3: "Matrix", 4: "Matrix", 5: "Matrix", 6: "Open"}


def test_surveymonkey_blank_column_ends_the_carried_question() -> None:
    head = [
        ["Respondent ID", "Start Date", "Matrix", None, None],
        [None, None, "A", None, "Extra"],
    ]
    assert detect_layout(head).columns == [
        "Respondent ID",
        "Start Date",
        "Matrix - A",
        None,
        "Extra",
    ]


def test_surveymonkey_needs_an_empty_second_row_under_the_metadata() -> None:
    head = [["Respondent ID", "Collector ID", "Q"], ["1", "2", "x"]]
    assert detect_layout(head).name == "plain"


@pytest.mark.parametrize(
    ("header", "variant"),
    [
        (["ID", "Start time", "Completion time", "Email", "Name", "Q1 text"], "en"),
        (["ID", "Startzeit", "Fertigstellungszeit", "E-Mail", "Name", "Frage 1"], "de"),
        (["id", "START TIME", " Completion  time ", "Frage"], "en"),
    ],
)
def test_msforms(header, variant) -> None:
    layout = detect_layout([header, ["1"] * len(header)])
    assert (layout.name, layout.header_rows, layout.variant) == ("msforms", 1, variant)
    assert list(layout.question_texts.values()) == [" ".join(header[-1].split())]


@pytest.mark.parametrize(
    ("header", "variant", "texts"),
    [
        (["id", "submitdate", "lastpage", "G01Q01"], "codes", {}),
        (["Filiale", "Q1[SQ001]", "Q1[SQ002]"], "codes", {}),
        (
            ["Response ID", "Date submitted", "Last page", "Wie? [A]"],
            "text",
            {3: "Wie? [A]"},
        ),
    ],
)
def test_limesurvey(header, variant, texts) -> None:
    layout = detect_layout([header])
    assert (layout.name, layout.variant, layout.question_texts) == ("limesurvey", variant, texts)


@pytest.mark.parametrize(
    "header",
    [
        ["Filiale", "Welle", "MOT1"],
        ["ID", "Name", "Email"],  # not enough for Microsoft Forms
        ["id", "startdate", "Filiale"],  # two LimeSurvey codes are not enough
        ["Q1[SQ001]", "Filiale"],  # one bracket code is not enough
    ],
)
def test_plain(header) -> None:
    layout = detect_layout([header, ["x"] * len(header)])
    assert (layout.name, layout.header_rows, layout.columns) == ("plain", 1, header)


def test_empty_head_is_plain() -> None:
    assert detect_layout([]) == Layout("plain", 1, [])


LAYOUT_CASES = [c for c in CASES if c.layout != "plain" and c.error is None]


def test_the_corpus_has_every_layout_in_csv_and_xlsx_where_tools_export_both() -> None:
    found = {(c.layout, c.file.rsplit(".", 1)[1]) for c in LAYOUT_CASES}
    assert found == {
        ("qualtrics", "csv"),
        ("qualtrics", "xlsx"),
        ("surveymonkey", "csv"),
        ("surveymonkey", "xlsx"),
        ("msforms", "xlsx"),
        ("limesurvey", "csv"),
    }


@pytest.mark.parametrize("case", LAYOUT_CASES, ids=lambda c: c.id)
def test_layout_fixture_first_data_row_and_question_texts(case) -> None:
    table = read_file(FIXTURES / case.file, case.file)
    first = {"qualtrics": 4, "surveymonkey": 3, "msforms": 2, "limesurvey": 2}[case.layout]
    assert table.layout == case.layout
    assert table.row_numbers[0] == first
    assert table.question_texts == case.question_texts
    assert table.notes[0].key == "read.note_layout"
