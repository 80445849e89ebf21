from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from loyalty import i18n
from loyalty.i18n import t

ROOT = Path(__file__).resolve().parents[1]


def test_every_message_exists_in_german_and_english_with_the_same_fields():
    fields = string.Formatter()
    for key, entry in i18n.MESSAGES.items():
        assert set(entry) == {"de", "en"}, key
        names = [{f[1] for f in fields.parse(entry[lang]) if f[1]} for lang in ("de", "en")]
        assert names[0] == names[1], key


def test_every_message_key_used_in_the_code_exists():
    used = set()
    for path in [
        ROOT / "app.py",
        *(ROOT / "pages").glob("*.py"),
        *(ROOT / "loyalty").rglob("*.py"),
    ]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_]+)["']""", path.read_text()))
    assert used, "the scan found no message keys"
    assert used - set(i18n.MESSAGES) == set()


def test_german_number_format():
    assert i18n.num(1234.5, "de") == "1.234,5"
    assert i18n.num(1234.5, "en") == "1,234.5"
    assert i18n.num(0.12345, "de", 2) == "0,12"
    assert i18n.num(2000, "de", 0) == "2.000"
    assert i18n.num(None, "de") == "–"
    assert i18n.num(float("nan"), "en") == "–"
    assert i18n.plotly_separators("de") == ",."


@pytest.mark.parametrize(
    ("requested", "browser", "expected"),
    [
        (None, "de-DE", "de"),
        (None, "en-US", "en"),
        ("en", "de-DE", "en"),
        (None, "fr-FR", "de"),
        (None, None, "de"),
        ("xx", "en_GB", "en"),
    ],
)
def test_pick_language(requested, browser, expected):
    assert i18n.pick_language(requested, browser) == expected


def test_messages_fill_in_values():
    assert t("branch.rank", "de", rank=3, of=10) == "Rang 3 von 10"
    assert t("branch.rank", "en", rank=3, of=10) == "rank 3 of 10"


def test_strength_words():
    assert i18n.strength_words(0.55, "en") == "strong positive association"
    assert i18n.strength_words(-0.2, "de") == "schwacher negativer Zusammenhang"
    assert i18n.strength_words(0.05, "en") == "no notable association"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LOYALTY_LANG": "en"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "de"),
        ({}, "de"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "de_DE.UTF-8"}, "en"),
    ],
)
def test_cli_language(environ, expected):
    assert i18n.cli_language(environ) == expected


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (1, "de", "one"),
        (0, "de", "other"),
        (2, "de", "other"),
        ("1", "de", "one"),
        ("+1", "de", "one"),
        ("1,0", "de", "other"),  # CLDR: visible decimals make it plural ("1,0 Punkte")
        ("+9,4", "de", "other"),
        ("1.0", "en", "other"),
        (1, "en", "one"),
        ("–", "de", "other"),  # not a number
    ],
)
def test_plural_category_follows_cldr(value, lang, expected):
    assert i18n.plural_category(value, lang) == expected


def test_grammatical_number_in_messages():
    # the sentences the workshop saw wrong: plural by CLDR rules, case by the sentence
    assert t("data.summary", "de", read=1, valid=1, problems=0) == (
        "1 Zeile gelesen, 1 gültig, 0 Probleme."
    )
    assert t("data.summary", "en", read=1, valid=1, problems=1) == (
        "1 row read, 1 valid, 1 problem."
    )
    assert t("whatif.left_out", "de", k=1).startswith("1 der gewählten Filialen hat ")
    assert "bleibt außen vor" in t("whatif.left_out", "de", k=1)
    assert "haben" in t("whatif.left_out", "de", k=3)
    assert t("chain.unit.nps", "de", count="+9,4") == "NPS-Punkte"
    assert t("chain.unit_dative.nps", "de", count="+9,4") == "NPS-Punkten"
    assert t("chain.unit.nps", "de", count="+1") == "NPS-Punkt"
    assert t("report.written.pptx", "de", path="d.pptx", size="12", pages=7).endswith("7 Folien).")
    assert t("report.written.pdf", "de", path="d.pdf", size="12", pages=1).endswith("1 Seite).")


def test_what_if_sentence_uses_the_nominative_unit():
    from types import SimpleNamespace

    from loyalty import model

    w = SimpleNamespace(
        n_branches=4,
        mean_delta=0.3,
        loyalty_change=9.4,
        loyalty_ci=(5.0, 13.0),
        loyalty="nps",
        ros_change=0.5,
        ros_ci=(0.1, 0.9),
        profit_change=1000.0,
        profit_ci=(10.0, 2000.0),
        revenue=3e6,
        n_boot=1000,
        n_model=100,
        n_left_out=1,
    )
    lines = model.what_if_sentences(w, None, "de")
    assert "+9,4 NPS-Punkte je Filiale" in lines[0]
    assert "1 der gewählten Filialen hat" in " ".join(lines)
