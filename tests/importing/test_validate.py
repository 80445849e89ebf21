"""validate() as a whole: refusals before any rule, the report of its problems, and the shape
of the composition (short, rules in their modules)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from validating import run, survey

from loyalty.i18n import MESSAGES
from loyalty.importing import rules
from loyalty.importing import validate as validate_module
from loyalty.importing.report import ImportReport
from loyalty.schema import KINDS


def test_report_shows_twenty_per_kind_and_counts_the_rest():
    n = 45
    raw = survey(n, A1=["9"] * 25 + ["4"] * 20, B1=["x"] * 2 + ["5"] * 43)
    result = run(raw)
    counts = dict(result.problem_counts().iter_rows())
    assert counts == {"out_of_range": 25, "unknown_label": 2}
    report = ImportReport(filename="f.csv", kind="engagement", wave="2025-H2", validation=result)
    text = report.render_text("de")
    assert "  Antworten außerhalb der Skala des Fragebogens (25)" in text
    assert text.count("(erwartet: 1–5)\n") == 20
    assert "    … und 5 weitere (vollständige Liste als CSV: --problems-csv DATEI)" in text
    assert "Probleme: 27 – nichts wurde gespeichert." in text
    assert text.endswith("Der Import wurde abgelehnt; der Datenspeicher ist unverändert.")
    full = report.problems_frame("de")
    assert full.height == 27
    assert full.columns == ["Art", "Zeile", "Spalte", "Wert", "Erwartet", "Meldung"]
    assert full.row(0) == (
        "Antworten außerhalb der Skala des Fragebogens",
        2,
        "A1",
        "9",
        "1–5",
        "Zeile 2, Spalte „A1“: 9 (erwartet: 1–5)",
    )
    en = report.problems_frame("en")
    assert en.columns == ["kind", "row", "column", "value", "expected", "message"]
    assert en["message"][26] == (
        "Row 3, column “B1”: “x” (expected: number 1–5 or a label of the scale)"
    )


def test_bad_options_are_a_programming_error():
    with pytest.raises(ValueError):
        run(survey(), unknown_branches="maybe")
    with pytest.raises(ValueError):
        run(survey(), rows=[1, 2])


def test_no_rows_and_unknown_kind():
    assert run(survey().head(0)).problems["kind"].to_list() == ["no_rows"]
    assert run(survey(), "people").problems["kind"].to_list() == ["unknown_kind"]


# --- the composition ----------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "loyalty" / "importing" / "rules"


def test_validate_stays_a_short_composition_of_the_rules():
    tree = ast.parse((ROOT / "loyalty" / "importing" / "validate.py").read_text(encoding="utf-8"))
    (function,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "validate"]
    body = function.body[1:]  # after the docstring
    assert isinstance(function.body[0].value, ast.Constant)
    assert function.end_lineno - body[0].lineno + 1 <= 60
    # the checks are the rule modules', not validate's own
    assert len(rules.RULES) == len(KINDS) and all(rules.RULES[k] for k in KINDS)


def test_rule_modules_import_at_module_level_only():
    paths = sorted(RULES.glob("*.py"))
    assert len(paths) >= 7
    nested = [
        f"{path.name}:{node.lineno}"
        for path in paths
        for outer in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(outer, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        for node in ast.walk(outer)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert nested == []


def _literal_codes(path: Path) -> set[tuple[str, str]]:
    """(problem or note, code) for each code a rule module writes as a literal."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        position = {"file_problem": 0, "row_problems": 2, "Notice": 0}.get(node.func.id)
        if position is None or len(node.args) <= position:
            continue
        arg = node.args[position]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.add(("note" if node.func.id == "Notice" else "problem", arg.value))
    return found


def test_every_code_a_rule_writes_is_listed_with_its_module():
    literal = set().union(*(_literal_codes(path) for path in RULES.glob("*.py")))
    assert {c for k, c in literal if k == "problem"} <= set(rules.CODES)
    assert {c for k, c in literal if k == "note"} <= set(rules.NOTES)
    assert len(literal) > 30  # proves the scan sees the rules' calls


def test_every_code_has_its_messages_in_both_languages():
    missing = [
        key
        for code in validate_module.PROBLEM_CODES
        for key in (f"import.problem.{code}", f"import.problem.{code}.line")
        if key not in MESSAGES
    ]
    missing += [
        f"import.warning.{code}"
        for code in validate_module.WARNING_CODES
        if f"import.warning.{code}" not in MESSAGES
    ]
    assert missing == []
    assert all(set(MESSAGES[f"import.problem.{c}"]) == {"de", "en"} for c in rules.CODES)


def test_a_problem_code_without_messages_fails_at_once():
    # a rule that raised an unlisted code would reach the report without a message
    with pytest.raises(ValueError, match="no_such_code"):
        validate_module._collect([validate_module.file_problem("no_such_code")])
