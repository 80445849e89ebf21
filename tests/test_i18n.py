from __future__ import annotations

import ast
import itertools
import re
import string
from pathlib import Path

import pytest

from loyalty import (
    actions,
    analysis,
    effects,
    heatmap,
    i18n,
    model,
    quality,
    schema,
    users,
    versions,
)
from loyalty.i18n import t
from loyalty.importing import instrument, layouts, privacy, read, report, run, validate
from loyalty.stats.quadrants import QUADRANTS

ROOT = Path(__file__).resolve().parents[1]


def test_every_message_exists_in_german_and_english_with_the_same_fields():
    fields = string.Formatter()
    for key, entry in i18n.MESSAGES.items():
        assert set(entry) == {"de", "en"}, key
        names = [{f[1] for f in fields.parse(entry[lang]) if f[1]} for lang in ("de", "en")]
        assert names[0] == names[1], key


SOURCES = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "loyalty").rglob("*.py")]


def _key_patterns(node: ast.expr) -> list[str | None]:
    """The key patterns of a t() call: one, or one per branch of ``a if cond else b``."""
    if isinstance(node, ast.IfExp):
        return _key_patterns(node.body) + _key_patterns(node.orelse)
    return [_key_pattern(node)]


def _key_pattern(node: ast.expr) -> str | None:
    """A t() key as text: a literal as it is, an f-string (or ``"a." + x``) with each
    replacement field written ``{}``; ``None`` for a key held in a variable."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _key_pattern(node.left), _key_pattern(node.right)
        return (left or "{}") + (right or "{}")
    return None


def _t_calls():
    """(key pattern or None, place) for every call of t() / i18n.t() in the code."""
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and node.args
                and (
                    (isinstance(node.func, ast.Name) and node.func.id == "t")
                    or (isinstance(node.func, ast.Attribute) and node.func.attr == "t")
                )
            ):
                place = f"{path.relative_to(ROOT)}:{node.lineno}"
                for pattern in _key_patterns(node.args[0]):
                    yield pattern, place


#: Every problem an import can list (validate's rules, the import's own, the report's).
PROBLEM_CODES = (*validate.PROBLEM_CODES, *run.PROBLEM_CODES, *report.PROBLEM_CODES)


def _labels(bands) -> tuple[str, ...]:
    return tuple(label for _limit, label in bands)


#: Every f-string key of the code with the values its fields take: each combination must be a
#: key of the catalogue. A new f-string key fails the test until it is listed here.
#: The columns of the users table and the audit log on the Administration page.
ADMIN_COLUMNS = (
    *("username", "display_name", "email", "role", "disabled", "failed_attempts"),
    *("locked_until", "must_change_password", "has_password", "created_at", "regions"),
    *("branches", "event_id", "happened_at", "actor", "action", "target", "detail"),
)
FSTRING_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "band.alpha.{}": (_labels(quality.ALPHA_BANDS),),
    "band.icc1.{}": (_labels(quality.ICC1_BANDS),),
    "band.rel.{}": (_labels(quality.RELIABILITY_BANDS),),
    "chain.box.{}": (schema.LOYALTY_MEASURES,),
    "chain.one.{}": (schema.LOYALTY_MEASURES,),
    "chain.unit.{}": (schema.LOYALTY_MEASURES,),
    "short.{}": (("engagement", "ros", *schema.LOYALTY_MEASURES),),
    "mid.{}": (schema.LOYALTY_MEASURES,),
    "import.cli.reason.{}": (("folder", "permission", "disk_full", "read_only"),),
    "lag.same.{}": (schema.LOYALTY_MEASURES,),
    "measure.{}": (analysis.COMPARE_MEASURES,),
    "audit.action.{}": (versions.AUDIT_ACTIONS,),
    "role.{}": (users.ROLES,),
    "instrument.col.{}": (instrument.COLUMNS,),
    "present.card.{}": (("engagement", "nps", "retention", "ros"),),
    "col.{}": ((*analysis.SORT_COLUMNS, *analysis.LIST_COLUMNS),),
    "data.layout.{}": (tuple(layouts.DISPLAY_NAMES),),
    "data.unknown.{}": (validate.UNKNOWN_BRANCH_OPTIONS,),
    "strength.{}": (i18n.STRENGTHS,),
    "direction.{}": (i18n.DIRECTIONS,),
    "exclusion.{}": (analysis.EXCLUSION_REASONS,),
    "import.kind.{}": (schema.KINDS,),
    "lag.verdict.{}": (("both", "x_to_y", "y_to_x", "neither"),),
    "present.build_{}": (("pptx", "pdf"),),
    "present.download_{}": (("pptx", "pdf"),),
    "quadrant.{}": (QUADRANTS,),
    "reason.{}": (schema.CHURN_REASONS,),
    "whatif.rule.{}": (model.SELECTIONS,),
    "link.{}": (tuple(key for key, _x, _y in schema.LINKS),),
    "actions.status.{}": (actions.STATUSES,),
    "actions.target.{}": (actions.TARGET_TYPES,),
    "actions.field.{}": (actions.FIELDS,),
    "actions.mode.{}": (("new", "edit"),),
    "actions.outcome.{}": (effects.OUTCOMES,),
    "actions.import.{}": (("row", "column", "value", "problem"),),
    "corrected.quality.{}": (model.RELIABILITY_WORDS,),
    "corrected.converged.{}": (("yes", "no"),),
    "chain.unit_dative.{}": (schema.LOYALTY_MEASURES,),
    "report.written.{}": (("pptx", "pdf"),),
    "funnel.limit_{}": (("95", "998"),),
    "heatmap.order.{}": (heatmap.ORDERS,),
    "heatmap.view.{}": (heatmap.VIEWS,),
    "admin.col.{}": (ADMIN_COLUMNS,),
    "store.pg_{}": (("disk_full", "not_writable"),),  # loyalty.pgstore.PgWriteError
    "unit.{}": (("respondents", "answers", "customers"),),
    "import.progress.{}": (run.PROGRESS_STEPS,),
    "privacy.{}": (privacy.COLUMN_REASONS,),
    "read.{}": ((*read.ERRORS, *read.NOTES),),
    "instrument.{}": (instrument.ERRORS,),
    # the problems and notes of an import: listed where they are raised, checked there too
    "import.problem.{}": (PROBLEM_CODES,),
    "import.problem.{}.line": (PROBLEM_CODES,),
    "import.warning.{}": ((*validate.WARNING_CODES, *run.WARNING_CODES),),
}
#: f-string keys whose values are codes raised across the code (error codes, page paths):
#: each must match at least one key; the messages of a code are checked where the code is
#: raised (tests of users, versions, store, app).
OPEN_KEYS = {
    "actions.error.{}",
    "export.col.{}",  # a download's header where it has its own (else the screen's col.{})
    "import.field.{}",  # a preview heading where the field has one (else the column's name)
    "import.problem.{}.file",  # only where the problem has a file-level wording (has())
    "nav.{}",
    "store.{}",
    "users.{}",
    "versions.{}",
}


def test_the_key_scan_reads_literals_and_fstrings():
    found = dict(_t_calls())
    assert "reason.{}" in found and "link.{}" in found and "app.title" in found
    assert len([k for k in found if k and "{}" not in k]) > 300


def test_no_message_key_is_held_in_a_variable():
    """Every t() key is a literal or an f-string whose fields are listed (FSTRING_KEYS,
    OPEN_KEYS), so the scan sees each message the code can show."""
    hidden = [place for key, place in _t_calls() if key is None]
    assert hidden == []


def test_the_key_scan_sees_a_key_in_a_variable_and_both_branches_of_a_condition():
    tree = ast.parse("t(key, lang)\nt('a.b' if x else f'c.{y}', lang)")
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert [_key_patterns(c.args[0]) for c in calls] == [[None], ["a.b", "c.{}"]]


#: Calls that raise or note a code, and where in their arguments the code is.
CODE_CALLS = {
    "file_problem": (0, "problem"),
    "row_problems": (2, "problem"),
    "Notice": (0, "warning"),
    "ReadError": (0, "read"),
    "Note": (0, "read"),
    "step": (1, "progress"),  # loyalty.importing.run.run_import
}


def test_every_code_raised_with_a_literal_is_listed_with_its_messages():
    listed = {
        "problem": set(PROBLEM_CODES),
        "warning": {*validate.WARNING_CODES, *run.WARNING_CODES},
        "read": {*read.ERRORS, *read.NOTES},
        "progress": set(run.PROGRESS_STEPS),
    }
    unlisted, seen = [], 0
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            position, family = CODE_CALLS.get(node.func.id, (None, None))
            if position is None or len(node.args) <= position:
                continue
            arg = node.args[position]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                seen += 1
                if arg.value not in listed[family]:
                    unlisted.append(f"{path.relative_to(ROOT)}:{node.lineno} {arg.value}")
    assert unlisted == []
    assert seen > 80  # proves the scan sees the calls


def test_every_literal_message_key_used_in_the_code_exists():
    missing = [
        (key, place)
        for key, place in _t_calls()
        if key and "{}" not in key
        if key not in i18n.MESSAGES
    ]
    assert missing == []


def test_every_fstring_key_is_listed_and_each_of_its_values_has_a_message():
    patterns = {key for key, _place in _t_calls() if key and "{}" in key}
    assert patterns - FSTRING_KEYS.keys() - OPEN_KEYS == set(), "list new f-string keys"
    assert (FSTRING_KEYS.keys() | OPEN_KEYS) - patterns == set(), "listed but no longer used"
    missing = [
        pattern.format(*values)
        for pattern, fields in FSTRING_KEYS.items()
        for values in itertools.product(*fields)
        if pattern.format(*values) not in i18n.MESSAGES
    ]
    assert missing == []
    for pattern in OPEN_KEYS:
        regex = re.compile(re.escape(pattern).replace(r"\{\}", r"[a-z0-9_]+") + "$")
        assert any(regex.match(key) for key in i18n.MESSAGES), pattern


def test_one_catalogue_without_a_key_twice():
    assert i18n.OWN_KEYS + sum(len(m) for m in i18n.AREAS.values()) == len(i18n.MESSAGES)
    with pytest.raises(ValueError, match="app.title"):
        i18n.register("a test", {"app.title": {"de": "x", "en": "x"}})


def test_a_missing_key_raises():
    with pytest.raises(KeyError):
        t("no.such.key", "de")


def test_no_other_look_up_of_messages():
    """One ``t``: no module defines another function that reads a MESSAGES dict."""
    readers = []
    for path in SOURCES:
        if path.name == "i18n.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(n, ast.Name) and n.id == "MESSAGES" for n in ast.walk(node)
            ):
                readers.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert readers == []


def test_german_number_format():
    assert i18n.num(1234.5, "de") == "1.234,5"
    assert i18n.num(1234.5, "en") == "1,234.5"
    assert i18n.num(0.12345, "de", 2) == "0,12"
    assert i18n.num(2000, "de", 0) == "2.000"
    assert i18n.num(None, "de") == "–"
    assert i18n.num(float("nan"), "en") == "–"
    assert i18n.plotly_separators("de") == ",."


def test_euros_and_percentages_as_each_language_writes_them():
    assert i18n.euros(822333.4, "de", sign=True) == "+822.333\u00a0€"
    assert i18n.euros(822333.4, "en", sign=True) == "+€822,333"
    assert i18n.euros(-1234.5, "en") == "-€1,234" and i18n.euros(-1234.5, "de") == "-1.234\u00a0€"
    assert i18n.euros(0.2, "en", sign=True) == "€0" and i18n.euros(None, "de") == "–"
    assert i18n.percent_suffix("de") == "\u00a0%" and i18n.percent_suffix("en") == "%"


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


def test_counts_in_messages_carry_the_languages_thousands_separator():
    """At 10,000 branches "n = 10000" read as a typo: every whole number a message counts
    with is written in the language's format, numpy's too, and the plural rule still sees
    the number; a number that names something (a row of a file, a version) stays plain."""
    import numpy as np

    assert t("data.summary", "de", read=125741, valid=125740, problems=1) == (
        "125.741 Zeilen gelesen, 125.740 gültig, 1 Problem."
    )
    assert t("data.summary", "en", read=np.int64(10000), valid=1, problems=1000) == (
        "10,000 rows read, 1 valid, 1,000 problems."
    )
    assert t("branch.rank", "de", rank=1234, of=8465) == "Rang 1.234 von 8.465"
    assert t("branch.rank", "en", rank=True, of=7) == "rank True of 7"  # a bool is no count
    assert "version 12345" in t("versions.label", "en", kind="", wave="2025-H2", version=12345)


def test_what_if_sentence_uses_the_nominative_unit():
    from types import SimpleNamespace

    from loyalty import wording

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
    lines = wording.what_if_sentences(w, None, "de")
    assert "+9,4 NPS-Punkte je Filiale" in lines[0]
    assert "1 der gewählten Filialen hat" in " ".join(lines)


def test_german_writes_the_percent_compound_one_way():
    """German joins "95 %" into a compound with hyphens on both sides ("95-%-KI",
    "95-%-Bereich"); some messages wrote "95%-KI", others "95-%-KI", side by side. The two
    hyphens are non-breaking (U+2011): a line never ends in "[95-" with "%-KI" on the next
    (presenter mode's text at 1280 px did), and they look the same as "-" in the app's font
    (Source Sans has the glyph, of the same width)."""
    german = {key: entry["de"] for key, entry in i18n.MESSAGES.items() if "de" in entry}
    assert not [key for key, text in german.items() if re.search(r"\d%[-\u2011]", text)]
    assert not [key for key, text in german.items() if re.search(r"\d-%|\d\u2011%-", text)]
    assert "95\u2011%\u2011KI" in t("methods.ci", "de", low="0,1", high="0,2")


def test_a_symbol_and_its_value_stay_on_one_line():
    """ "n = 109", "r = 0,52", "τ = 0,012": the spaces around the equals sign are non-breaking
    (U+00A0), in every language and in the messages of actions too, so that a line never ends
    in "r =" with the value on the next (presenter mode's large text, chart titles)."""
    from loyalty import actions_messages

    texts = {
        f"{key}.{lang}": text
        for messages in (i18n.MESSAGES, actions_messages.MESSAGES)
        for key, entry in messages.items()
        for lang, text in entry.items()
    }
    assert not [key for key, text in texts.items() if re.search(r"\S = \{", text)]
    assert "r\u00a0=\u00a00.52" in t(
        "link.sentence", "en", r="0.52", low="0.4", high="0.6", n="109"
    )
