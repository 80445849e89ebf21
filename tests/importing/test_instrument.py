"""The survey instrument: loading YAML/CSV, versioning per wave, the item identity rule."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from loyalty import demo
from loyalty.i18n import MESSAGES
from loyalty.importing.instrument import (
    ERRORS,
    Instrument,
    InstrumentError,
    Item,
    from_tables,
    instrument_for_wave,
    latest_instrument,
    load_instrument,
    parse_csv,
    parse_yaml,
    save_instrument,
    to_yaml,
)
from loyalty.store import Store

ROOT = Path(__file__).resolve().parents[2]

SMALL = """
scale: {min: 1, max: 5}
dimensions:
  - id: motivation
    name: {de: Motivation, en: Motivation}
    items:
      - id: MOT1
        text: {de: "Ich gehe gern zur Arbeit.", en: "I enjoy going to work."}
      - id: MOT9
        text: {de: "Ich langweile mich oft.", en: "I am often bored."}
        reverse: ja
        in_index: nein
  - id: pay
    name: {de: Vergütung, en: Pay}
    scale: {min: 0, max: 10}
    items:
      - id: PAY1
        text: {de: "Ich werde fair bezahlt."}
"""


@pytest.fixture
def demo_instrument() -> Instrument:
    data = demo.generate(demo.DemoParams(n_branches=5, n_waves=1))
    return Instrument.from_frames(data.dimensions, data.items)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "i.duckdb")
    yield s
    s.close()


def _errors(exc: pytest.ExceptionInfo, lang: str = "de") -> list[str]:
    return exc.value.messages(lang)


def test_yaml_defaults_scale_inheritance_and_booleans():
    inst = parse_yaml(SMALL)
    assert [d.dimension_id for d in inst.dimensions] == ["motivation", "pay"]
    assert inst.item("MOT1") == Item(
        "MOT1", "motivation", "Ich gehe gern zur Arbeit.", "I enjoy going to work.", 1, 5
    )
    mot9 = inst.item("MOT9")
    assert (mot9.reverse, mot9.in_index) == (True, False)
    pay = inst.item("PAY1")
    assert (pay.scale_min, pay.scale_max) == (0, 10)
    assert pay.text_en == "Ich werde fair bezahlt."  # one language may be left out


def test_sample_file_and_docs_example_are_the_demo_instrument(demo_instrument):
    sample = ROOT / "data" / "samples" / "instrument.yaml"
    if sample.exists():  # written by hand / by `loyalty demo`; data/samples is not versioned
        assert load_instrument(sample) == demo_instrument
    doc = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", doc, re.S)
    assert block is not None
    assert parse_yaml(block.group(1)) == demo_instrument


def test_to_yaml_round_trips(demo_instrument):
    assert parse_yaml(to_yaml(demo_instrument)) == demo_instrument
    small = parse_yaml(SMALL)
    assert parse_yaml(to_yaml(small)) == small


def test_csv_form_semicolon_cp1252(tmp_path):
    text = (
        "item_id;dimension_id;dimension_de;dimension_en;text_de;text_en;scale_min;scale_max;"
        "reverse;in_index\n"
        "MOT1;motivation;Motivation;Motivation;Ich gehe gern zur Arbeit.;I enjoy going to work."
        ";1;5;nein;ja\n"
        "FUE1;leadership;Führung;Leadership;Meine Führungskraft hört zu.;My manager listens.;"
        "1;7;x;\n"
    )
    path = tmp_path / "fragebogen.csv"
    path.write_bytes(text.encode("cp1252"))
    inst = load_instrument(path)
    assert inst.item("FUE1") == Item(
        "FUE1", "leadership", "Meine Führungskraft hört zu.", "My manager listens.", 1, 7, True
    )
    assert inst.dimensions[1].name_de == "Führung"
    assert parse_csv(text.replace(";", ",")).item("MOT1").text_en == "I enjoy going to work."


def test_csv_missing_columns_are_named():
    with pytest.raises(InstrumentError) as exc:
        parse_csv("item_id;text_de\nMOT1;Hallo\n")
    assert _errors(exc) == [
        "In der CSV-Datei fehlen die Spalten dimension_id, dimension_de, dimension_en, text_en "
        "(erwartet: item_id, dimension_id, dimension_de, dimension_en, text_de, text_en, "
        "scale_min, scale_max, reverse, in_index)."
    ]


def test_every_error_is_collected_with_exact_messages():
    text = """
dimensions:
  - id: motivation
    name: Motivation
    items:
      - id: MOT1
        text: {de: "A"}
      - id: mot1
        text: {de: "B"}
      - id: MOT 2
        text: {de: "C"}
        reverse: vielleicht
      - id: MOT3
        text: {de: "D"}
        scale: {min: 5, max: 1}
"""
    with pytest.raises(InstrumentError) as exc:
        parse_yaml(text)
    assert _errors(exc) == [
        "MOT 2: „Umgepolt (reverse)“ muss ja oder nein sein, nicht „vielleicht“.",
        "Die Frage-ID mot1 kommt mehrfach vor.",
        "„MOT 2“ ist als ID nicht erlaubt (Buchstaben, Ziffern, _ . -; ohne Leerzeichen).",
        "MOT3: Das Skalenende 1 muss größer sein als der Skalenanfang 5.",
    ]
    assert _errors(exc, "en")[1] == "Item id mot1 appears more than once."


def test_structural_errors():
    with pytest.raises(InstrumentError) as exc:
        parse_yaml("- just a list")
    assert exc.value.errors[0][0] == "bad_format"
    with pytest.raises(InstrumentError) as exc:
        parse_yaml("dimensions: [\n")
    assert exc.value.errors[0][0] == "unreadable"
    with pytest.raises(InstrumentError) as exc:
        parse_yaml("dimensions:\n  - id: a\n    name: A\n    items: []\n")
    assert _errors(exc) == ["Der Fragebogen enthält keine Fragen."]
    with pytest.raises(InstrumentError) as exc:
        parse_yaml(
            "dimensions:\n  - id: a\n    name: A\n    items:\n"
            "      - {id: A1, text: x, in_index: false}\n"
        )
    assert _errors(exc, "en") == [
        "No item counts towards the engagement index (set “In the index”, in a file in_index: "
        "yes, on at least one)."
    ]


def test_bad_suffix_and_missing_file(tmp_path):
    with pytest.raises(InstrumentError) as exc:
        load_instrument(tmp_path / "missing.yaml")
    assert exc.value.errors[0][0] == "unreadable"
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(InstrumentError) as exc:
        load_instrument(tmp_path / "x.json")
    assert _errors(exc) == [
        "Fragebogendateien müssen auf .yaml, .yml oder .csv enden (nicht „.json“)."
    ]


def test_save_and_read_back_per_wave(store, demo_instrument):
    save_instrument(store, "2025-H1", demo_instrument, "hr")
    assert instrument_for_wave(store, "2025-H1") == demo_instrument
    assert instrument_for_wave(store, "2025-H2") is None
    smaller = demo_instrument.subset(["MOT1", "MOT2", "COM1"])
    save_instrument(store, "2025-H2", smaller, "hr")
    assert instrument_for_wave(store, "2025-H2") == smaller
    assert instrument_for_wave(store, "2025-H1") == demo_instrument  # unchanged
    assert latest_instrument(store) == ("2025-H2", smaller)
    assert latest_instrument(store, before="2025-H2") == ("2025-H1", demo_instrument)
    log = store.sql("SELECT actor, action, target FROM audit_log ORDER BY event_id").rows()
    assert log == [("hr", "instrument", "wave 2025-H1"), ("hr", "instrument", "wave 2025-H2")]


def test_same_wording_keeps_identity_whitespace_ignored(store, demo_instrument):
    save_instrument(store, "2025-H1", demo_instrument, "hr")
    items = list(demo_instrument.items)
    first = items[0]
    items[0] = Item(**{**first.__dict__, "text_de": "  Ich gehe  gern zur Arbeit. "})
    save_instrument(store, "2025-H2", Instrument(demo_instrument.dimensions, tuple(items)), "hr")
    assert store.sql("SELECT count(*) AS n FROM items")["n"][0] == 12
    assert store.sql("SELECT text_de FROM items WHERE item_id = 'MOT1'")["text_de"][0] == (
        "Ich gehe gern zur Arbeit."
    )


def test_changed_wording_of_a_used_item_is_refused_and_nothing_changes(store, demo_instrument):
    save_instrument(store, "2025-H1", demo_instrument, "hr")
    items = list(demo_instrument.items)
    items[0] = Item(**{**items[0].__dict__, "text_de": "Ich arbeite gern hier."})
    changed = Instrument(demo_instrument.dimensions, tuple(items))
    with pytest.raises(InstrumentError) as exc:
        save_instrument(store, "2025-H2", changed, "hr")
    assert _errors(exc) == [
        "Die Frage MOT1 ist bereits mit anderer Definition gespeichert (geändert: Wortlaut "
        "deutsch (text_de); "
        "bisher „Ich gehe gern zur Arbeit.“, jetzt „Ich arbeite gern hier.“) und wird in "
        "Welle 2025-H1 verwendet. Eine geänderte Frage ist eine neue Frage: Geben Sie ihr "
        "eine neue ID (z. B. MOT1b), damit Trends vergleichbar bleiben."
    ]
    assert instrument_for_wave(store, "2025-H2") is None
    assert store.sql("SELECT count(*) AS n FROM audit_log")["n"][0] == 1
    # with a new id it is a new item; MOT1 keeps its wording for 2025-H1
    items[0] = Item(**{**items[0].__dict__, "item_id": "MOT1b"})
    save_instrument(store, "2025-H2", Instrument(demo_instrument.dimensions, tuple(items)), "hr")
    assert store.sql("SELECT count(*) AS n FROM items")["n"][0] == 13
    assert instrument_for_wave(store, "2025-H1") == demo_instrument
    assert instrument_for_wave(store, "2025-H2").item_ids[0] == "MOT1b"


def test_reverse_or_scale_change_counts_as_a_new_item(store, demo_instrument):
    save_instrument(store, "2025-H1", demo_instrument, "hr")
    items = list(demo_instrument.items)
    items[1] = Item(**{**items[1].__dict__, "scale_max": 7})
    with pytest.raises(InstrumentError) as exc:
        save_instrument(
            store, "2025-H2", Instrument(demo_instrument.dimensions, tuple(items)), "hr"
        )
    assert exc.value.errors[0][1]["fields"] == "scale_max"


def test_correction_before_any_use_elsewhere_updates_in_place(store, demo_instrument):
    save_instrument(store, "2025-H1", demo_instrument, "hr")
    items = list(demo_instrument.items)
    items[0] = Item(**{**items[0].__dict__, "text_en": "I like going to work."})
    corrected = Instrument(demo_instrument.dimensions, tuple(items))
    save_instrument(store, "2025-H1", corrected, "hr")  # same wave, no answers yet
    assert instrument_for_wave(store, "2025-H1").item("MOT1").text_en == "I like going to work."


def test_changing_a_wave_with_answers_to_dropped_items_is_refused(tmp_path, demo_instrument):
    data = demo.generate(demo.DemoParams(n_branches=6, n_waves=1))
    s = Store(tmp_path / "d.duckdb")
    try:
        demo.seed_store(s, data)
        wave = data.waves["wave"][0]
        with pytest.raises(InstrumentError) as exc:
            save_instrument(s, wave, demo_instrument.subset(["MOT1"]), "hr")
        assert exc.value.errors[0][0] == "wave_has_data"
        assert len(instrument_for_wave(s, wave).items) == 12
    finally:
        s.close()


def test_every_error_code_of_the_module_is_listed_and_has_its_messages():
    """An error is a (code, params) pair written as a literal in loyalty/importing/instrument.py;
    each code is in ERRORS, and each code of ERRORS has ``instrument.<code>`` in both
    languages."""
    source = (ROOT / "loyalty" / "importing" / "instrument.py").read_text(encoding="utf-8")
    written = {
        node.elts[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Tuple)
        and len(node.elts) == 2
        and isinstance(node.elts[0], ast.Constant)
        and isinstance(node.elts[0].value, str)
        and isinstance(node.elts[1], ast.Dict)
    }
    assert written <= set(ERRORS)
    assert len(written) >= 15  # proves the scan sees the errors
    assert all(set(MESSAGES[f"instrument.{code}"]) == {"de", "en"} for code in ERRORS)


def test_rewording_an_answered_item_of_the_same_wave_is_refused(tmp_path, demo_instrument):
    """No other wave uses the item, but the wave's own answers do: a new wording would change
    what they mean, so it is refused as for an item used elsewhere."""
    data = demo.generate(demo.DemoParams(n_branches=6, n_waves=1))
    s = Store(tmp_path / "d.duckdb")
    try:
        demo.seed_store(s, data)
        wave = data.waves["wave"][0]
        items = list(demo_instrument.items)
        items[0] = Item(**{**items[0].__dict__, "text_de": "Ich arbeite gern hier."})
        with pytest.raises(InstrumentError) as exc:
            save_instrument(s, wave, Instrument(demo_instrument.dimensions, tuple(items)), "hr")
        assert [code for code, _ in exc.value.errors] == ["changed_item"]
        assert exc.value.errors[0][1]["item"] == "MOT1"
        assert instrument_for_wave(s, wave).item("MOT1").text_de == "Ich gehe gern zur Arbeit."
    finally:
        s.close()


def test_a_questionnaire_with_an_address_or_number_is_refused():
    """A questionnaire is stored with every wave: a wording or a dimension's name with an
    e-mail address, a phone number or an IP address is refused, long as a question may be (a
    QA pass stored "Ich arbeite gern mit Anna Schmidt (anna.schmidt@firma.de, 0171 2345678)"),
    in a file as in the Data page's editor (both end in the same check). Names are not looked
    for: a questionnaire names its employer and brands."""
    text = SMALL.replace(
        '"Ich langweile mich oft."', '"Ich arbeite gern mit Anna Schmidt, Tel. 0171 2345678."'
    ).replace("{de: Vergütung, en: Pay}", '{de: "Vergütung (Fragen an hr@firma)", en: Pay}')
    long = "Bei Fragen zu dieser Befragung wenden Sie sich bitte an anna.schmidt@firma.de."
    assert len(long) > 60
    text = text.replace('"I enjoy going to work."', f'"{long}"')
    with pytest.raises(InstrumentError) as exc:
        parse_yaml(text)
    assert sorted(code for code, _ in exc.value.errors) == [
        "identifying_email",
        "identifying_email",
        "identifying_phone",
    ]
    de, en = " ".join(_errors(exc, "de")), " ".join(_errors(exc, "en"))
    assert f"MOT1, Wortlaut englisch (text_en): „{long}“ enthält eine E-Mail-Adresse" in de
    assert "MOT9, Wording in German (text_de): “Ich arbeite gern mit Anna Schmidt, Tel." in en
    assert "holds a phone number" in en
    named = SMALL.replace('"Ich langweile mich oft."', '"Ich empfehle die Drogerie Müller."')
    inst = parse_yaml(named)  # an employer's name passes, from the editor too
    assert from_tables(inst.dimensions_frame(), inst.items_frame()) == inst
