"""Five- and seven-point answers mixed in one survey file (issue 15, point 12): the same words
are different points on the two scales ("stimme eher zu" is 4 of 5, 5 of 7), so such a file is
refused with the columns, rows and the scale expected — never read wrong without a word."""

from __future__ import annotations

import pytest

from loyalty import cli, demo
from loyalty.importing.instrument import latest_instrument, parse_yaml, to_yaml
from loyalty.importing.likert import scale_evidence
from loyalty.importing.run import run_import
from loyalty.store import Store


def test_scale_evidence_reads_numbers_numbered_labels_and_word_pairs():
    assert scale_evidence(["1", "5", "3"]) == {}
    assert scale_evidence(["6", "2"]) == {7: "6"}
    assert scale_evidence(["5 - Stimme voll zu", "1 - gar nicht"]) == {5: "5 - Stimme voll zu"}
    assert scale_evidence(["Strongly agree (5)"]) == {5: "Strongly agree (5)"}
    assert scale_evidence(["Stimme zu", "Stimme eher zu"]) == {7: "Stimme eher zu / Stimme zu"}
    assert scale_evidence(["Agree", "Somewhat agree"]) == {7: "Somewhat agree / Agree"}
    # two word families are two wordings of a five-point scale, not a pair
    assert scale_evidence(["Stimme zu", "trifft eher zu"]) == {}
    both = scale_evidence(["7 - trifft voll zu", "5 - Stimme voll zu"])
    assert both == {7: "7 - trifft voll zu", 5: "5 - Stimme voll zu"}
    assert scale_evidence(["5", "4"], scale_min=0) == {7: "5"}  # 0–6: 5 is the 6th point


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    root = tmp_path_factory.mktemp("scales")
    data = demo.generate(demo.DemoParams(n_branches=6, n_waves=1))
    base = root / "base.duckdb"
    store = Store(base)
    demo.seed_store(store, data)
    wave = store.sql("SELECT wave FROM waves")["wave"][0]
    five = latest_instrument(store)[1]
    store.close()
    seven = parse_yaml(to_yaml(five).replace("max: 5", "max: 7", 1))
    return {"base": base, "wave": wave, "branches": data.branches["branch_id"].to_list(),
            "seven": seven}  # fmt: skip


def survey(chain, mot1: list[str], others: list[str]) -> bytes:
    lines = ["Filiale;Welle;MOT1;MOT2;COM1"]
    for i in range(30):
        b = chain["branches"][i % len(chain["branches"])]
        a = others[i % len(others)]
        lines.append(f"{b};{chain['wave']};{mot1[i % len(mot1)]};{a};{a}")
    return ("\n".join(lines) + "\n").encode()


SEVEN_WORDS = ["Stimme zu", "Stimme eher zu", "Weder noch", "Stimme voll und ganz zu"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "de",
            "Zeile 3, Spalte „MOT1“: „Stimme eher zu / Stimme zu“ gehört zu einer 7-stufigen "
            "Skala; erwartet: 1–5, die 5-stufige Skala des Fragebogens",
        ),
        (
            "en",
            "Row 3, column “MOT1”: “Stimme eher zu / Stimme zu” belongs to a 7-point scale; "
            "expected: 1–5, the questionnaire's 5-point scale",
        ),
    ],
)
def test_seven_point_words_on_a_five_point_questionnaire_are_refused(chain, tmp_path, lang,
                                                                     expected):  # fmt: skip
    db = tmp_path / "s.duckdb"
    db.write_bytes(chain["base"].read_bytes())
    store = Store(db)
    try:
        data = survey(chain, SEVEN_WORDS, ["1", "2", "3", "4", "5"])
        out = run_import(store, data, "u.csv", "engagement", chain["wave"], actor="t", lang=lang)
        assert not out.stored  # before: "stimme zu" and "stimme eher zu" were both stored as 4
        assert expected in out.report.render_text(lang)
        fine = survey(chain, ["Stimme zu", "Teils/teils", "Stimme voll zu"], ["1", "3", "5"])
        ok = run_import(store, fine, "u.csv", "engagement", chain["wave"], actor="t")
        assert ok.stored, ok.report.render_text("en")
    finally:
        store.close()


def test_five_point_columns_beside_seven_point_ones_on_a_seven_point_questionnaire(chain):
    store = Store(chain["base"], read_only=True)
    try:
        data = survey(chain, ["6", "7", "2", "4"], ["1", "2", "3", "4", "5"])
        out = run_import(store, data, "u.csv", "engagement", chain["wave"], actor="t",
                         instrument=chain["seven"], dry_run=True)  # fmt: skip
        text = out.report.render_text("en")
        assert "5- and 7-point answers in one file (2)" in text
        assert "Column “MOT2”: no answer above 5 – 5 points, while other columns" in text
        assert "expected: 1–7, the questionnaire's 7-point scale" in text
        labelled = survey(chain, ["6", "7", "2"], ["5 - Stimme voll zu", "1 - gar nicht"])
        out = run_import(store, labelled, "u.csv", "engagement", chain["wave"], actor="t",
                         instrument=chain["seven"], dry_run=True, lang="de")  # fmt: skip
        assert "Zeile 2, Spalte „COM1“: „5 - Stimme voll zu“ gehört zu einer 5-stufigen" in (
            out.report.render_text("de")
        )
        alone = survey(chain, ["1", "2", "3", "4", "5"], ["1", "2", "3", "4", "5"])
        out = run_import(store, alone, "u.csv", "engagement", chain["wave"], actor="t",
                         instrument=chain["seven"], dry_run=True)  # fmt: skip
        assert out.report.ok  # no seven-point column: nothing is mixed
    finally:
        store.close()


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("de", "Antworten auf einer 7-stufigen Skala – der Fragebogen hat 5 Stufen"),
        ("en", "Answers on a 7-point scale – the questionnaire has 5 points"),
    ],
)
def test_the_cli_refuses_a_mixed_file(chain, tmp_path, capsys, lang, expected):
    db = tmp_path / "cli.duckdb"
    db.write_bytes(chain["base"].read_bytes())
    path = tmp_path / "umfrage.csv"
    path.write_bytes(survey(chain, SEVEN_WORDS, ["1", "2", "3", "4", "5"]))
    args = ["import", str(path), "--kind", "engagement", "--wave", chain["wave"], "--db", str(db)]
    assert cli.main([*args, "--lang", lang]) == 1
    assert expected in capsys.readouterr().out
