"""The Data page and issue 15, point 12: the header row under a title (found, shown, chosen
with the 'Header row' input), five- and seven-point answers mixed in one file, Excel's
percent format — in German and English."""

from __future__ import annotations

import pytest

from loyalty import demo


@pytest.fixture(scope="module")
def titled_survey(tmp_path_factory, demo_data) -> bytes:
    """The demo's survey export with a title and a note above the table (rows 1–2)."""
    folder = tmp_path_factory.mktemp("titled")
    path = next(p for p in demo.write_samples(demo_data, folder) if "befragung" in p.name)
    title = "Mitarbeiterbefragung Herbst\r\nStand: 01.10.2025;Quelle: Personalabteilung\r\n"
    return title.encode("cp1252") + path.read_bytes()


def _upload(app, lang, name, data, kind="engagement"):
    at = app("pages/data.py", lang=lang).run()
    if kind != "engagement":
        at.radio(key="data_kind").set_value(kind).run()
    at.file_uploader(key="data_upload").set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    return at


def _text(at) -> str:
    return "\n".join(
        [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
    )


@pytest.mark.parametrize(
    ("lang", "found", "note", "chosen"),
    [
        (
            "de",
            "Kopfzeile in Zeile 3",
            "Kopfzeile: Zeile 3; 2 Zeilen darüber (Titel, Hinweise) wurden übersprungen.",
            "Kopfzeile: Zeile 4 (so gewählt)",
        ),
        (
            "en",
            "header in row 3",
            "Header row: row 3; 2 rows above it (title, notes) were skipped.",
            "Header row: row 4 (as chosen)",
        ),
    ],
)
def test_the_header_row_under_a_title_is_found_shown_and_can_be_chosen(
    app, own_db, titled_survey, lang, found, note, chosen
):
    at = _upload(app, lang, "befragung.csv", titled_survey)
    text = _text(at)
    assert found in text and note in text, text
    assert at.selectbox(key=f"data_map_engagement_branch_id_{_suggested(lang)}").value == "Filiale"
    at.selectbox(key="data_wave_choice").select("2025-H2").run()
    at.button(key="data_check").click().run()
    assert not at.exception, at.exception
    assert [b for b in at.button if b.key == "data_confirm"], _text(at)  # the check passes
    at.number_input(key="data_header_row").set_value(4).run()
    assert not at.exception, at.exception
    assert chosen in _text(at)
    # a row past the table: said in words, and the input stays to undo it
    at.number_input(key="data_header_row").set_value(99999).run()
    assert at.error and ("Zeile 99999" if lang == "de" else "Row 99999") in at.error[0].value
    at.number_input(key="data_header_row").set_value(None).run()
    assert found in _text(at)
    # a new file starts with the header row found by itself again
    at.number_input(key="data_header_row").set_value(4).run()
    at.file_uploader(key="data_upload").set_value(("neu.csv", titled_survey[:5000], "text/csv"))
    at.run()
    assert not at.exception, at.exception
    assert at.number_input(key="data_header_row").value is None
    assert found in _text(at)


def _suggested(lang: str) -> str:
    from loyalty.i18n import t

    return t("data.mapping_suggested", lang)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("de", "Zeile 3, Spalte „MOT1“: „Stimme eher zu / Stimme zu“ gehört zu einer 7-stufigen"),
        ("en", "Row 3, column “MOT1”: “Stimme eher zu / Stimme zu” belongs to a 7-point scale"),
    ],
)
def test_five_and_seven_point_answers_in_one_file_are_refused(app, own_db, lang, expected):
    words = ["Stimme zu", "Stimme eher zu", "Weder noch", "Stimme voll und ganz zu"]
    lines = ["Filiale;Welle;MOT1;MOT2;COM1"]
    for i in range(30):
        lines.append(f"B00{1 + i % 6};2025-H2;{words[i % 4]};{1 + i % 5};{1 + i % 5}")
    at = _upload(app, lang, "gemischt.csv", ("\n".join(lines) + "\n").encode())
    at.selectbox(key="data_wave_choice").select("2025-H2").run()
    at.button(key="data_check").click().run()
    assert not at.exception, at.exception
    assert expected in _text(at), _text(at)
    assert not [b for b in at.button if b.key == "data_confirm"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("de", "Zeile 2, Spalte „Rohertrag“: „12.5%“ ist ein Prozentwert"),
        ("en", "Row 2, column “Rohertrag”: “12.5%” is a percentage"),
    ],
)
def test_a_percent_formatted_excel_cell_is_shown_as_excel_shows_it(
    app, own_db, demo_data, lang, expected
):
    from importing.test_percent import sheet

    rows = [["Filiale", "Periode", "Umsatz", "Rohertrag", "Betriebsergebnis"]]
    rows += [[b, "2025-H2", 100000, 40000, 9000] for b in demo_data.branches["branch_id"]]
    rows[1][3] = 0.125
    data = sheet(rows, {(1, 3): "0.0%"})
    at = _upload(app, lang, "finanzen.xlsx", data, kind="finance")
    at.selectbox(key="data_wave_choice").select("2025-H2").run()
    at.button(key="data_check").click().run()
    assert not at.exception, at.exception
    assert expected in _text(at), _text(at)
