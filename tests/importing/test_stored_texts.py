"""Every text an import stores passes the identifying-content scan (issue 15, point 5):
a value that looks like an e-mail, phone number, IP address, person's name or free text, or is
too long, is refused with row and column; so is a category with too many distinct values.
Nothing is stored then."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from loyalty import demo
from loyalty.importing import privacy, run
from loyalty.importing.run import run_import
from loyalty.store import Store

ROOT = Path(__file__).resolve().parents[2]


def test_text_reasons():
    values = pl.Series(
        [
            "Verkauf",
            "3-10",
            "<1",
            "anna.schmidt@example.de",
            "+49 541 1234567",
            "10.0.0.17",
            "Schmidt, Anna",
            "Anna Schmidt",
            "Frau Müller",
            "Ich arbeite gern hier. Die Kollegen sind nett.",
            "x" * 61,
            "Verkauf und Beratung",
            "2015-2020",
            None,
        ]
    )
    assert privacy.text_reasons(values).to_list() == [
        None,
        None,
        None,
        "email",
        "phone",
        "ip",
        "name",
        "name",
        "name",
        "free_text",
        "too_long",
        None,
        None,
        None,
    ]
    # a branch may be called after a person; e-mails are still refused
    assert privacy.text_reasons(pl.Series(["Anna Schmidt", "a@b.de"]), names=False).to_list() == [
        None,
        "email",
    ]


def test_category_limit_grows_with_respondents():
    assert privacy.category_limit(12, 5) == 12
    assert privacy.category_limit(200, 5) == 40
    assert privacy.category_limit(100_000, 5) == 50


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    root = tmp_path_factory.mktemp("texts")
    data = demo.generate(demo.DemoParams(n_branches=12, n_waves=1))
    base = root / "base.duckdb"
    store = Store(base)
    demo.seed_store(store, data)
    store.close()
    survey = demo.write_samples(data, root / "samples")[0]
    frame = pl.read_csv(
        survey.read_bytes().decode("cp1252").encode(), separator=";", infer_schema=False
    )
    return {"base": base, "frame": frame, "wave": data.waves["wave"][0]}


@pytest.fixture
def store(chain, tmp_path):
    path = tmp_path / "s.duckdb"
    path.write_bytes(chain["base"].read_bytes())
    s = Store(path)
    yield s
    s.close()


def _with(frame: pl.DataFrame, column: str, row: int, value: str) -> bytes:
    edited = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == row)
        .then(pl.lit(value))
        .otherwise(pl.col(column))
        .alias(column)
    )
    return edited.write_csv(separator=";").encode("utf-8")


def _count(store: Store) -> int:
    return store.sql("SELECT count(*) AS n FROM imports")["n"][0]


@pytest.mark.parametrize(
    ("column", "value", "kind", "shown"),
    [
        ("Tätigkeitsbereich", "anna.schmidt@example.de", "identifying_email", None),
        ("Tätigkeitsbereich", "Schmidt, Anna", "identifying_name", None),
        ("Betriebszugehörigkeit (Jahre)", "0541 98765432", "identifying_phone", None),
        (
            "Tätigkeitsbereich",
            "Mein Chef ist nie da und keiner hilft",
            "identifying_free_text",
            None,
        ),
        # a sentence naming someone is refused for the name
        (
            "Tätigkeitsbereich",
            "Mein Chef ist Herr Meier und er ist nie da",
            "identifying_name",
            None,
        ),
        (
            "Tätigkeitsbereich",
            "Lorem ipsum " * 100_000,
            "identifying_too_long",
            ("Lorem ipsum " * 6)[:60] + " …",
        ),
    ],
)
def test_an_identifying_value_is_refused_and_nothing_stored(
    chain, store, column, value, kind, shown
):
    before = _count(store)
    data = _with(chain["frame"], column, 6, value)
    out = run_import(store, data, "s.csv", "engagement", chain["wave"], actor="hr", lang="de")
    assert not out.stored
    problems = out.report.validation.problems.filter(pl.col("kind") == kind)
    assert problems.select("row", "column", "value").rows() == [(8, column, shown or value)]
    usual = set(chain["frame"][column].to_list())
    assert set(problems["expected"][0].split(", ")) <= usual  # the column's usual values
    assert _count(store) == before
    stored = store.sql("SELECT count(*) AS n FROM responses WHERE role = ?", [value])["n"][0]
    assert stored == 0


def test_a_category_with_a_value_per_respondent_is_refused(chain, store):
    frame = chain["frame"].with_columns(
        ("P" + pl.int_range(pl.len()).cast(pl.String)).alias("Tätigkeitsbereich")
    )
    data = frame.write_csv(separator=";").encode()
    out = run_import(store, data, "s.csv", "engagement", chain["wave"], actor="hr", lang="en")
    assert not out.stored
    text = out.report.render_text("en")
    limit = privacy.category_limit(frame.height, 5)
    assert (
        f"Column “Tätigkeitsbereich” has {frame.height} distinct values; expected: at most "
        f"{limit}" in text
    )


def test_a_branch_list_with_an_email_as_region_is_refused(store):
    data = "Filiale;Name;Region;Format\nB001;Osnabrück Nord;chef@example.de;City\n".encode()
    mapping = {"branch_id": "Filiale", "name": "Name", "region": "Region", "format": "Format"}
    out = run_import(
        store, data, "b.csv", "branches", None, mapping=mapping, actor="admin", lang="en"
    )
    assert not out.stored
    assert "Row 2, column “Region”: “chef@example.de” holds an e-mail address" in (
        out.report.render_text("en")
    )


def test_the_cli_refuses_and_names_row_and_column(chain, tmp_path):
    db = tmp_path / "cli.duckdb"
    db.write_bytes(chain["base"].read_bytes())
    path = tmp_path / "befragung.csv"
    path.write_bytes(_with(chain["frame"], "Tätigkeitsbereich", 0, "10.1.2.3"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTY_")}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "loyalty",
            "import",
            str(path),
            "--kind",
            "engagement",
            "--wave",
            chain["wave"],
            "--db",
            str(db),
            "--lang",
            "de",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Zeile 2, Spalte „Tätigkeitsbereich“: „10.1.2.3“ enthält eine IP-Adresse" in out.stdout


# --- names inside survey categories (QA: names in job areas were stored) ----------------------

#: Realistic job areas and tenure bands: none may be taken for a person's name or free text.
CATEGORIES = [
    *("Verkauf", "Kasse", "Lager", "Filialleitung", "Stellv. Filialleitung"),
    *("Service & Beratung", "Backshop", "Frische/Obst & Gemüse", "Fleisch- und Wursttheke"),
    *("Kundenservice", "Azubi", "Aushilfe", "Teilzeit", "< 1 Jahr", "1-3 Jahre", "Max. 2 Jahre"),
    *("seit Jan 2020", "über 10 Jahre", "Sales", "Cashier", "Warehouse", "Store manager"),
    *("Less than 1 year", "Azubi 1. Lehrjahr", "z. B. Kasse", "Damen- und Herrenmode"),
    *("1-2 J. Betriebszugehörigkeit", "1 - 3 yrs.", "Less than 1 yr. Service"),
    "MS Office Support",
]
#: Job areas that name a person somewhere in the value.
NAMED = [
    *("Verkauf (Anna Müller)", "Kasse bei Herrn Weber", "Verkauf, Chefin: Sophie Wagner"),
    *("Team Jonas Becker", "Markus", "Verkauf/Anna", "Leonie Müller", "Kasse Müller"),
    *("Lager (Fr. Meyer)", "Lager - Ltg. L. Fischer", "Hannah", "Mia Schulz"),
    *("Frau Schneider", "HERR KOCH"),
]


def test_realistic_categories_pass():
    reasons = privacy.text_reasons(pl.Series(CATEGORIES))
    assert dict(zip(CATEGORIES, reasons.to_list(), strict=True)) == dict.fromkeys(CATEGORIES)


def test_a_name_anywhere_in_a_category_is_refused():
    reasons = privacy.text_reasons(pl.Series(NAMED))
    assert dict(zip(NAMED, reasons.to_list(), strict=True)) == dict.fromkeys(NAMED, "name")
    # a first name that is also a word counts only as the whole value "First Last"
    ambiguous = ["seit Jan 2020", "Jan Müller", "Max Mustermann", "Jan 2020"]
    assert privacy.text_reasons(pl.Series(ambiguous)).to_list() == [None, "name", "name", None]
    # a branch may be called after a person: branch texts are not searched for names
    branches = ["Anna Müller", "Filiale Müller", "Kasse bei Herrn Weber"]
    assert privacy.text_reasons(pl.Series(branches), names=False).to_list() == [None] * 3
    # the documented limit (docs/privacy.md): a surname that is also a word or a job area
    # (Fischer, Koch, Bauer …) is not recognised on its own
    alone = ["Lager (Fischer)", "Koch", "Bäckerei Bauer"]
    assert privacy.text_reasons(pl.Series(alone)).to_list() == [None] * 3


def test_what_a_qa_pass_stored_is_refused_now():
    """A QA pass stored these as job areas, tenure bands and branch attributes: an address or
    number inside a value, names in capitals, joined by underscores or written as a login, a
    first name with a letter outside German's. Dates and ranges stay categories."""
    refused = {
        "anna.schmidt@firma": "email",
        "Kasse anna.schmidt(at)firma.de": "email",
        "Kasse PC 192.168.10.23": "ip",
        "Server 10.0.0.1.": "ip",
        "(0171) 2345678": "phone",
        "541 1234567": "phone",
        "Kasse Yılmaz": "name",
        "Kasse DEMİR": "name",
        "City 10.1.2.33": "ip",
        "Kasse 0171 2345678": "phone",
        "Verkauf Tel 0171-2345678": "phone",
        "Kasse +49 (541) 123-4567": "phone",
        "SCHMIDT, ANNA": "name",
        "Lager FRAU ÖZDEMIR": "name",
        "Kasse_Anna_Schmidt": "name",
        "Lager_Lukas": "name",
        "anna.schmidt": "name",
        "a.mueller": "name",
        "Ayşe Demir": "name",
        "Kasse ANNA": "name",
        "Verkauf KEVIN": "name",
    }
    reasons = privacy.text_reasons(pl.Series(list(refused)))
    assert dict(zip(refused, reasons.to_list(), strict=True)) == refused
    # in a branch list a name may stand (a branch called after a person), an address not
    branch = ["Schwerin Nord Tel 0385 5551234", "City 10.1.2.33", "Anna Müller"]
    assert privacy.text_reasons(pl.Series(branch), names=False).to_list() == ["phone", "ip", None]
    kept = ["IT, HR", "2020 - 2025", "01.01.2020 - 31.12.2020", "seit 01.01.2020", "10+ Jahre"]
    kept += ["Kasse @ Nord", "Team (at) Nord", "01/2020 - 12/2020", "2023/2024 - 2024/2025"]
    # ranges of postcodes and amounts, long branch ids: no phone numbers (a review's examples)
    kept += ["PLZ 10000-19999", "PLZ-Gebiet 20000 - 29999", "10.000-20.000 EUR", "5.000-10.000 qm"]
    kept += ["Umsatzklasse 1.000.000 - 2.000.000", "FIL0000012345", "GLN 4012345000009"]
    assert privacy.text_reasons(pl.Series(kept)).to_list() == [None] * len(kept)


@pytest.mark.parametrize(
    ("filename", "kept"),
    [
        ("Befragung_Kasse_anna.schmidt@firma.de_0171-2345678.csv", False),
        ("Export Anna Schmidt.csv", False),
        ("Mitarbeiterbefragung_2025_H2_Filiale_Osnabrueck_anna.schmidt@firma.de.csv", False),
        ("mitarbeiterbefragung_2025-H2.csv", True),
    ],
)
def test_a_file_name_that_identifies_a_person_is_not_kept(chain, store, filename, kept):
    """The version's record and the audit log keep the file's name: one that holds an e-mail
    address, a phone number or a person's name is kept as its digest instead."""
    import hashlib

    data = chain["frame"].write_csv(separator=";").encode("utf-8")
    out = run_import(store, data, filename, "engagement", chain["wave"], actor="hr", lang="de")
    assert out.stored
    expected = filename if kept else f"file-{hashlib.sha256(data).hexdigest()[:12]}.csv"
    sources = store.sql(
        "SELECT source FROM imports WHERE kind = 'engagement' AND active AND wave = ?",
        [chain["wave"]],
    )["source"].to_list()
    assert sources == [expected]
    details = " ".join(store.sql("SELECT detail FROM audit_log")["detail"].drop_nulls())
    assert expected in details
    assert kept or ("anna" not in details.lower() and "0171" not in details)


def test_a_branch_given_for_all_rows_is_checked_as_the_file_s_problem(chain, store):
    """All rows one branch ("--branch", "All rows belong to branch"), a new one holding an
    e-mail address: one problem about the file, naming the value and a branch id as expected
    (a QA pass saw a message naming an empty column and a job area's examples)."""
    before = _count(store)
    data = chain["frame"].drop("Filiale").write_csv(separator=";").encode("utf-8")
    out = run_import(
        store, data, "s.csv", "engagement", chain["wave"], actor="hr", lang="de",
        branch="x@y.de", unknown_branches="add",
    )  # fmt: skip
    assert not out.stored and _count(store) == before
    problems = out.report.validation.problems
    assert problems.select("kind", "row", "column", "value").rows() == [
        ("identifying_email_without_examples", None, None, "x@y.de")
    ]
    assert (
        "Die für alle Zeilen angegebene Filiale „x@y.de“ enthält eine E-Mail-Adresse; erwartet: "
        "eine Filialnummer" in out.report.render_text("de")
    )
    assert "The branch given for all rows, “x@y.de”, holds an e-mail address; expected: a " in (
        out.report.render_text("en")
    )


# --- an identifying column mapped to a stored field ------------------------------------------

_MAPPING = {
    "respondent_id": "Antwort-ID",
    "branch_id": "Filiale",
    "wave": "Welle",
    "tenure_band": "Betriebszugehörigkeit (Jahre)",
    "role": "Tätigkeitsbereich",
}
_SURNAMES = ["Schneider", "Wagner", "Fischer", "Koch", "Richter", "Neumann", "Schwarz"]


def _with_column(frame: pl.DataFrame, heading: str, values: list[str]) -> bytes:
    column = pl.Series(heading, [values[i % len(values)] for i in range(frame.height)])
    return frame.with_columns(column).write_csv(separator=";").encode("utf-8")


def _stored_roles(store: Store) -> set[str]:
    return set(store.sql("SELECT DISTINCT role FROM responses")["role"].to_list())


@pytest.mark.parametrize(
    ("heading", "values", "field", "code", "de", "en"),
    [
        (
            "Nachname",
            _SURNAMES,
            "role",
            "identifying_column_name_as_role",
            "Spalte „Nachname“ enthält Angaben zu Personen (Name einer Person) und darf nicht "
            "als „Tätigkeitsbereich“ gespeichert werden; ordnen Sie eine andere Spalte zu.",
            "Column “Nachname” holds personal data (a person's name) and may not be stored as "
            "“Role”; assign another column.",
        ),
        (  # classified by content: most values are e-mail addresses
            "Kontakt",
            ["a.koch@example.de", "b.richter@example.de", "Verkauf"],
            "tenure_band",
            "identifying_column_email_as_tenure_band",
            "Spalte „Kontakt“ enthält Angaben zu Personen (E-Mail-Adresse) und darf nicht als "
            "„Betriebszugehörigkeit“ gespeichert werden; ordnen Sie eine andere Spalte zu.",
            "Column “Kontakt” holds personal data (e-mail address) and may not be stored as "
            "“Tenure band”; assign another column.",
        ),
    ],
)
def test_an_identifying_column_mapped_to_a_stored_field_is_refused(
    chain, store, heading, values, field, code, de, en
):
    before, roles = _count(store), _stored_roles(store)
    data = _with_column(chain["frame"], heading, values)
    mapping = _MAPPING | {field: heading}
    out = run_import(
        store, data, "s.csv", "engagement", chain["wave"], mapping=mapping, actor="hr", lang="de"
    )
    assert not out.stored
    problems = out.report.validation.problems
    assert problems.rows() == [(code, None, heading, field, None)]
    assert de in out.report.render_text("de")
    assert en in out.report.render_text("en")
    assert de in out.report.problems_frame("de")["Meldung"].to_list()
    # the column is named among those not stored, and nothing is stored
    reason = code.removeprefix("identifying_column_").split("_as_")[0]
    assert (heading, reason) in out.report.validation.dropped_columns
    assert _count(store) == before
    assert _stored_roles(store) == roles


def test_a_saved_mapping_cannot_store_an_identifying_column(chain, store):
    run.save_mapping(store, "HR", "engagement", _MAPPING | {"role": "Nachname"})
    data = _with_column(chain["frame"], "Nachname", _SURNAMES)
    out = run_import(
        store, data, "s.csv", "engagement", chain["wave"], mapping_name="HR", actor="hr", lang="en"
    )
    assert not out.stored
    assert out.report.validation.problems["kind"].to_list() == ["identifying_column_name_as_role"]
    assert not _stored_roles(store) & set(_SURNAMES)
    # the respondent id may come from an identifying column: it finds duplicates and is never
    # stored (the column is still named as dropped)
    data = _with_column(chain["frame"], "Personalnummer", [str(7000 + i) for i in range(200)])
    mapping = _MAPPING | {"respondent_id": "Personalnummer"}
    out = run_import(
        store, data, "s.csv", "engagement", chain["wave"], mapping=mapping, actor="hr", lang="en"
    )
    assert out.stored, out.report.render_text("en")
    assert ("Personalnummer", "external_id") in out.report.validation.dropped_columns


@pytest.mark.parametrize("heading", ["Custom Data 1", "ExternalReference"])
def test_a_branch_code_passed_by_the_survey_tool_is_read_by_its_values(chain, store, heading):
    """Survey tools pass a store's code in a column headed like an id (SurveyMonkey's
    "Custom Data 1", Qualtrics' "ExternalReference"): mapped as the branch, its values must
    name branches of the store, so the heading alone does not refuse it; adding unknown
    branches from such a column is refused (its values would be stored as branch ids)."""
    frame = chain["frame"].rename({"Filiale": heading})
    data = frame.write_csv(separator=";").encode("utf-8")
    mapping = _MAPPING | {"branch_id": heading}
    out = run_import(
        store, data, "s.csv", "engagement", chain["wave"], mapping=mapping, actor="hr", lang="en"
    )
    assert out.stored, out.report.render_text("en")
    assert heading not in [c for c, _ in out.report.validation.dropped_columns]
    adding = run_import(
        store, data, "s.csv", "engagement", chain["wave"], mapping=mapping, actor="hr",
        unknown_branches="add", dry_run=True,
    )  # fmt: skip
    assert adding.report.validation.problems["kind"].to_list() == [
        "identifying_column_external_id_as_branch_id"
    ]


# --- the examples beside a refused text ---------------------------------------------------------


def test_the_examples_are_accepted_values_only(chain, store):
    frame = chain["frame"].with_columns(
        pl.when(pl.int_range(pl.len()) < 3)
        .then(pl.lit("Verkauf (Anna Müller)"))
        .when(pl.int_range(pl.len()) == 3)
        .then(pl.lit("anna.mueller@example.de"))
        .when(pl.int_range(pl.len()) == 4)
        .then(pl.lit("Lager (Fischer)"))  # not recognised, but given once: no example
        .otherwise(pl.col("Tätigkeitsbereich"))
        .alias("Tätigkeitsbereich")
    )
    data = frame.write_csv(separator=";").encode()
    out = run_import(store, data, "s.csv", "engagement", chain["wave"], actor="hr", lang="de")
    assert not out.stored
    problems = out.report.validation.problems
    assert problems.select("kind", "row").rows() == [
        ("identifying_name", 2),
        ("identifying_name", 3),
        ("identifying_name", 4),
        ("identifying_email", 5),
    ]
    # the three most frequent of the column's accepted values, the most frequent first
    usual = (
        frame["Tätigkeitsbereich"]
        .value_counts()
        .filter(~pl.col("Tätigkeitsbereich").str.contains(r"\(|@"))
        .sort(["count", "Tätigkeitsbereich"], descending=[True, False])
    )
    assert set(problems["expected"]) == {", ".join(usual["Tätigkeitsbereich"].head(3))}
    text = out.report.render_text("de")
    assert "„Verkauf (Anna Müller)“ sieht aus wie der Name einer Person" in text
    assert "Anna Müller), " not in text and "Fischer)," not in text


def test_a_column_without_an_accepted_value_gets_the_messages_examples(chain, store):
    names = ["Anna Müller", "Jonas Becker", "Leonie Schmidt", "Sophie Wagner", "Lukas Meyer"]
    data = _with_column(chain["frame"], "Tätigkeitsbereich", names)
    out = run_import(store, data, "s.csv", "engagement", chain["wave"], actor="hr", lang="de")
    assert not out.stored
    problems = out.report.validation.problems
    assert set(problems["kind"]) == {"identifying_name_without_examples"}
    assert problems["expected"].is_null().all()
    assert problems.height == chain["frame"].height
    de, en = out.report.render_text("de"), out.report.render_text("en")
    assert (
        "„Anna Müller“ sieht aus wie der Name einer Person; erwartet: eine kurze Kategorie wie "
        "Verkauf, Kasse, 1–3 Jahre (kein Wert, den mehrere Zeilen dieser Spalte teilen" in de
    )
    assert (
        "“Anna Müller” looks like a person's name; expected: a short category such as "
        "Sales, Cashier, 1–3 years (no value that several rows of this column share" in en
    )
    assert "wie –" not in de and "such as –" not in en
