"""Tests that say what they test: a missing committed file fails, ``importorskip`` only for an
optional package, and a kill test kills on a progress marker, never after a sleep."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = sorted((ROOT / "tests").rglob("*.py"))
#: Skips that are not about a committed file, with why they may skip outside CI.
ALLOWED_SKIPS = {
    ("tests/conftest.py", "reference_data"): "R reference data live outside the repository",
}


def _functions(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef):
            yield node


def _calls(node: ast.AST, name: str) -> list[ast.Call]:
    return [
        call
        for call in ast.walk(node)
        if isinstance(call, ast.Call)
        and (
            (isinstance(call.func, ast.Attribute) and call.func.attr == name)
            or (isinstance(call.func, ast.Name) and call.func.id == name)
        )
    ]


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    names = {re.split(r"[<>=\[; ]", spec, maxsplit=1)[0].lower() for spec in specs}
    return names | {"pandas"}  # streamlit's own dependency, always installed


def test_importorskip_only_for_optional_packages():
    found = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path in TESTS
        for function in _functions(path)
        for call in _calls(function, "importorskip")
        if call.args
        and isinstance(call.args[0], ast.Constant)
        and call.args[0].value.split(".")[0].lower().replace("_", "-") in _declared() | {"loyalty"}
    ]
    assert found == []


def test_a_skip_fails_in_ci_or_is_listed():
    """A skip (a missing browser, say) must fail when CI=true, i.e. its function also fails;
    a missing committed file fails everywhere."""
    found = [
        f"{path.relative_to(ROOT)}:{function.name}"
        for path in TESTS
        for function in _functions(path)
        if _calls(function, "skip")
        and not _calls(function, "fail")
        and (str(path.relative_to(ROOT)), function.name) not in ALLOWED_SKIPS
    ]
    assert found == []


def test_no_kill_after_a_sleep():
    found = [
        f"{path.relative_to(ROOT)}:{function.name}"
        for path in TESTS
        for function in _functions(path)
        if _calls(function, "sleep")
        and (_calls(function, "kill") or _calls(function, "send_signal"))
    ]
    assert found == []


def test_the_checks_see_what_they_look_for():
    source = (
        "def test_a():\n    time.sleep(4)\n    proc.send_signal(9)\n"
        "def test_b():\n    if not p.exists():\n        pytest.skip('x')\n"
    )
    tree = ast.parse(source)
    a, b = (n for n in tree.body if isinstance(n, ast.FunctionDef))
    assert _calls(a, "sleep") and _calls(a, "send_signal")
    assert _calls(b, "skip") and not _calls(b, "fail")
