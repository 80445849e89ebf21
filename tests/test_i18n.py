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
