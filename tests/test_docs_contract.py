"""Settings: what the code reads, the README's table and docs/privacy.md agree, both ways."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTING = re.compile(r"^LOYALTY_[A-Z_]+$")
#: Where the privacy-relevant settings are read (store, threshold, retention, sign-in).
PRIVACY_MODULES = ("loyalty/config.py", "loyalty/auth.py", "loyalty/confidentiality.py")


def _read_by(paths) -> set[str]:
    """Every ``LOYALTY_*`` string literal in the code (environment variable names)."""
    names = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                names |= {node.value} if SETTING.match(node.value) else set()
    return names


def _code_settings() -> set[str]:
    paths = [
        ROOT / "app.py",
        ROOT / "serve.py",
        ROOT / "tests" / "conftest.py",  # the reference data of the statistics tests
        *(ROOT / "pages").glob("*.py"),
        *(ROOT / "loyalty").rglob("*.py"),
    ]
    return _read_by(paths)


def _readme_table() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `LOYALTY_")]
    return {name for row in rows for name in re.findall(r"`(LOYALTY_[A-Z_]+)`", row.split("|")[1])}


def _privacy_doc() -> set[str]:
    return set(re.findall(r"LOYALTY_[A-Z_]+", (ROOT / "docs/privacy.md").read_text("utf-8")))


def test_the_scan_finds_settings_in_code_and_docs():
    assert {"LOYALTY_DB", "LOYALTY_MIN_GROUP_SIZE", "LOYALTY_AUTH"} <= _code_settings()
    assert "LOYALTY_MIN_GROUP_SIZE" in _readme_table() and "LOYALTY_DB" in _privacy_doc()


def test_every_setting_the_code_reads_is_in_the_readme_table_and_no_other():
    assert _code_settings() == _readme_table()


def test_privacy_doc_names_only_settings_the_code_reads():
    assert _privacy_doc() - _code_settings() == set()


def test_every_privacy_setting_is_explained_in_the_privacy_doc():
    read = _read_by(ROOT / p for p in PRIVACY_MODULES)
    assert read and read - _privacy_doc() == set()
