"""The layout rules of the brief, checked."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_loyalty_package_never_imports_streamlit_in_source():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "loyalty").rglob("*.py")
        if any(name.split(".")[0] == "streamlit" for name in _imports(path))
    ]
    assert offenders == []


def test_importing_every_loyalty_module_loads_no_streamlit():
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in (ROOT / "loyalty").rglob("*.py")
        if p.name != "__main__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print('streamlit' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "False"


def _python_files():
    yield from [
        ROOT / "app.py",
        ROOT / "serve.py",
        *(ROOT / "pages").glob("*.py"),
        *(ROOT / "loyalty").rglob("*.py"),
    ]


def test_no_user_text_is_ever_rendered_as_html():
    """unsafe_allow_html never; st.html only with a module-level string literal of ours or
    with CSS from loyalty.style (built from our constants and the message catalogue)."""
    checked = 0
    for path in _python_files():
        text = path.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in text, path
        tree = ast.parse(text)
        constants = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "html"
            ):
                checked += 1
                args = node.args
                assert len(args) == 1, (path, node.lineno)
                if (
                    isinstance(args[0], ast.Call)
                    and isinstance(args[0].func, ast.Attribute)
                    and isinstance(args[0].func.value, ast.Name)
                    and args[0].func.value.id == "style"
                ):
                    continue
                assert isinstance(args[0], ast.Name), (path, node.lineno)
                assert args[0].id in constants, (path, node.lineno, args[0].id)
    assert checked >= 1  # the presenter style; proves the scan sees st.html calls


def test_pages_hold_no_sql():
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for keyword in ("SELECT ", "duckdb", ".sql("):
            assert keyword not in text, (path, keyword)


def test_pages_import_only_streamlit_loyalty_and_shared_glue():
    allowed = {"streamlit", "loyalty", "pages", "polars", "__future__"}
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py")]:
        roots = {name.split(".")[0] for name in _imports(path)}
        assert roots <= allowed, (path, roots - allowed)


IN_PLACE_METHODS = {"insert_column", "replace_column", "shrink_to_fit"}


def _in_place_frame_edits(source: str, items: bool = True) -> list[str]:
    """Polars calls that change a frame in place: the pages share cached frames across
    sessions (st.cache_resource), so none may be changed. Flags the in-place methods, any
    ``in_place=True`` and (with ``items``) item assignment with a (row, column) index, which
    in loyalty/ is numpy's and allowed."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in IN_PLACE_METHODS:
                found.append(f"line {node.lineno}: .{node.func.attr}()")
            for kw in node.keywords:
                if kw.arg == "in_place" and not (
                    isinstance(kw.value, ast.Constant) and kw.value.value is False
                ):
                    found.append(f"line {node.lineno}: in_place=")
        elif items and isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Tuple):
                    found.append(f"line {node.lineno}: item assignment [row, column]")
    return sorted(found, key=lambda f: int(f.split()[1].rstrip(":")))


def test_the_in_place_check_finds_each_kind_of_edit():
    sample = (
        "t.insert_column(0, s)\n"
        "t.vstack(u, in_place=True)\n"
        "t[0, 'nps'] = 1.0\n"
        "t = t.with_columns(x=1)\n"
        "names['a'] = 'b'\n"
    )
    assert [f.split(":")[0] for f in _in_place_frame_edits(sample)] == [
        "line 1",
        "line 2",
        "line 3",
    ]


def test_no_code_changes_a_polars_frame_in_place():
    pages = [ROOT / "app.py", *(ROOT / "pages").glob("*.py")]
    paths = [*pages, *(ROOT / "loyalty").rglob("*.py")]
    found = {
        str(path.relative_to(ROOT)): edits
        for path in paths
        if (edits := _in_place_frame_edits(path.read_text(encoding="utf-8"), path in pages))
    }
    assert found == {}


def test_top_level_layout_exists():

    for name in (
        "app.py",
        "pages",
        "loyalty",
        "data",
        "tests",
        "pyproject.toml",
        "Makefile",
        "README.md",
        ".ci/run",
        "constraints.txt",
        "docs/data-model.md",
    ):
        assert (ROOT / name).exists(), name


def test_pins_carry_no_registry_urls():
    for name in ("constraints.txt", "pyproject.toml", "Makefile", ".ci/run"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text and "index-url" not in text, name


def test_readme_quick_start_is_exactly_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.strip() for line in block.strip().splitlines() if line.strip()]
    assert commands == ["make run", "make test"]
