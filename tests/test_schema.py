"""The one schema module: every name has its words, and no other module spells it out."""

from __future__ import annotations

import ast
from pathlib import Path

from loyalty import i18n, schema
from loyalty.importing import mapping

ROOT = Path(__file__).resolve().parents[1]


def test_six_staff_reasons_among_the_churn_reasons():
    assert len(schema.STAFF_REASONS) == 6
    assert set(schema.STAFF_REASONS) < set(schema.CHURN_REASONS)
    assert set(schema.CHURN_FIELDS.values()) == set(schema.CHURN_REASONS)
    assert schema.field_names("loyalty")[-len(schema.CHURN_REASONS) :] == tuple(schema.CHURN_FIELDS)


def test_every_reason_and_field_has_words_in_both_languages():
    for reason in schema.CHURN_REASONS:
        assert set(i18n.MESSAGES[f"reason.{reason}"]) == {"de", "en"}, reason
    labels = i18n.MESSAGES
    for kind in schema.KINDS:
        assert f"import.kind.{kind}" in labels, kind
        for name in schema.field_names(kind):
            assert set(labels[f"import.field.{name}"]) == {"de", "en"}, name


def test_synonyms_only_for_canonical_fields():
    every = {name for kind in schema.KINDS for name in schema.field_names(kind)}
    assert set(mapping.SYNONYMS) <= every


def _literal_string_sets(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            values = {
                e.value
                for e in node.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            }
            if values:
                yield node.lineno, values


def test_no_other_module_spells_out_the_churn_reasons_or_the_kinds():
    found = []
    for path in [*(ROOT / "loyalty").rglob("*.py"), *(ROOT / "pages").glob("*.py")]:
        if path.name == "schema.py":
            continue
        for line, values in _literal_string_sets(path):
            if len(values & set(schema.CHURN_REASONS)) >= 3 or values >= set(schema.KINDS):
                found.append(f"{path.relative_to(ROOT)}:{line}")
    assert found == []
