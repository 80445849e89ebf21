"""The layout rules of the brief, checked."""

from __future__ import annotations

import ast
import re
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


def _marked_perf(func: ast.FunctionDef) -> bool:
    return any(
        isinstance(d, ast.Attribute) and d.attr == "perf" and ast.unparse(d).endswith("mark.perf")
        for d in func.decorator_list
    )


def _reads_the_clock(node: ast.AST) -> bool:
    """A call of ``perf_counter()`` (``time.perf_counter()`` or imported by name)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name == "perf_counter"


def test_make_test_asserts_no_wall_clock_time():
    """A test that reads the clock to time something is marked ``perf``; pytest's addopts leave
    ``perf`` out, so ``make test`` passes on a busy machine and ``make bench`` runs them."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pytest_config = config["tool"]["pytest"]["ini_options"]
    assert "-m 'not perf and not bench'" in pytest_config["addopts"]
    assert any(m.startswith("perf:") for m in pytest_config["markers"])
    assert "pytest -m 'perf or bench'" in (ROOT / "Makefile").read_text(encoding="utf-8")
    offenders, marked = [], 0
    for path in (ROOT / "tests").rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
                continue
            if _marked_perf(node):
                marked += 1
            elif any(_reads_the_clock(call) for call in ast.walk(node)):
                offenders.append(f"{path.relative_to(ROOT)}::{node.name}")
    assert offenders == []
    assert marked >= 9  # the timings moved out of make test (issue 13)


# --- layers -------------------------------------------------------------------------------------

#: The layer order, bottom first. A module may import from its own layer and the layers below,
#: never from a layer above. The most specific entry names a module's layer
#: (``loyalty.importing.messages`` is a catalogue, the rest of ``loyalty.importing`` is import).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "foundation: statistics, store, schema, settings, message catalogue, suppression",
        (
            "loyalty.stats",
            "loyalty.store",
            "loyalty.pgstore",
            "loyalty.devdb",
            "loyalty.devcluster",
            "loyalty.schema",
            "loyalty.config",
            "loyalty.auth",
            "loyalty.warming",
            "loyalty.courtesy",
            "loyalty.figcache",
            "loyalty.tablestyle",
            "loyalty.results",
            "loyalty.i18n",
            "loyalty.users_messages",
            "loyalty.actions_messages",
            "loyalty.importing.messages",
            "loyalty.importing.validate_messages",
            "loyalty.confidentiality",
        ),
    ),
    (
        "records: versions, users and scope, imports, exports",
        (
            "loyalty.versions",
            "loyalty.exports",
            "loyalty.users",
            "loyalty.sessions",
            "loyalty.access",
            "loyalty.importing",
            "loyalty.actions",
            "loyalty.actions_import",
        ),
    ),
    ("demo data, seeded through the import layer", ("loyalty.demo",)),
    (
        "analysis and model",
        (
            "loyalty.analysis",
            "loyalty.quality",
            "loyalty.retention",
            "loyalty.model",
            "loyalty.charts",
            "loyalty.fitting",
            "loyalty.tables",
            "loyalty.effects",
            "loyalty.actions_view",
            "loyalty.heatmap",
            "loyalty.style",
        ),
    ),
    ("story: the steps and their wording", ("loyalty.story", "loyalty.wording")),
    ("the core façade: what every entry point shows", ("loyalty.dashboard",)),
    ("report: deck and PDF of the story", ("loyalty.report",)),
    (
        "entry points: CLI, the server's routes and pages",
        ("loyalty.cli", "loyalty.__main__", "loyalty.session_routes", "pages", "app"),
    ),
)

#: Imports inside a function body in loyalty/, each with the reason it may not sit at the top.
FUNCTION_IMPORTS: dict[tuple[str, str], str] = {
    ("loyalty/cli.py", "_report"): "`loyalty report` alone loads plotly and kaleido",
    ("loyalty/store.py", "connect"): "pgstore builds on store; psycopg only for PostgreSQL",
}


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _layer_of(module: str) -> int:
    best = None
    for index, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[1]
            ):
                best = (index, len(prefix))
    assert best is not None, f"{module} is in no layer of LAYERS"
    return best[0]


def _project_modules() -> dict[str, Path]:
    paths = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "loyalty").rglob("*.py")]
    # the package ``loyalty`` itself (its __init__) imports nothing and belongs to no layer
    return {_module_name(p): p for p in paths if _module_name(p) != "loyalty"}


def _imported_modules(path: Path, known: set[str]):
    """(module, line, enclosing function or None) for every project module ``path`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function
            if inner is None and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = child.name
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.split(".")[0] in ("loyalty", "pages"):
                        yield alias.name, child.lineno, in_function
            elif isinstance(child, ast.ImportFrom) and (child.module or "").split(".")[0] in (
                "loyalty",
                "pages",
            ):
                for alias in child.names:
                    full = f"{child.module}.{alias.name}"
                    yield (full if full in known else child.module), child.lineno, in_function
            yield from visit(child, inner)

    yield from visit(tree, None)


def test_every_module_has_a_layer():
    for module in _project_modules():
        _layer_of(module)


def test_no_module_imports_from_a_higher_layer():
    modules = _project_modules()
    upward = [
        f"{module} ({LAYERS[_layer_of(module)][0]}) imports {target} "
        f"({LAYERS[_layer_of(target)][0]}), line {line}"
        for module, path in modules.items()
        for target, line, _inner in _imported_modules(path, set(modules))
        if _layer_of(target) > _layer_of(module)
    ]
    assert upward == []


def test_the_layer_check_sees_an_upward_import():
    assert _layer_of("loyalty.demo") > _layer_of("loyalty.importing.validate")
    assert _layer_of("loyalty.stats.quadrants") < _layer_of("loyalty.analysis")
    assert _layer_of("pages._shared") > _layer_of("loyalty.story")


def test_no_imports_inside_functions_in_loyalty_but_the_listed_ones():
    modules = _project_modules()
    found = {
        (str(path.relative_to(ROOT)), function)
        for module, path in modules.items()
        if module.startswith("loyalty")
        for _target, _line, function in _imported_modules(path, set(modules))
        if function
    }
    # a project import in a function body must be listed with its reason (third-party ones
    # may stay there: optional dependencies)
    assert found == set(FUNCTION_IMPORTS)


#: Frame methods that shape data (filter, count, rename, reorder, aggregate): never in pages/.
SHAPING_METHODS = {
    "filter",
    "select",
    "with_columns",
    "group_by",
    "agg",
    "rename",
    "unique",
    "n_unique",
    "sort",
    "head",
    "tail",
    "reverse",
    "pivot",
    "explode",
    "drop",
    "drop_nulls",
    "len",
    "count",
    "value_counts",
    "sum",
    "mean",
    "join",
    "vstack",
    "concat",
    "map_elements",
    "replace_strict",
    "cast",
    "alias",
    "min",
    "max",
}
#: Frame attributes that count.
SHAPING_ATTRIBUTES = {"height", "shape"}


def _data_shaping(source: str) -> list[str]:
    """Polars or pandas in a page: an expression of the library (its frame type in a hint
    is allowed), a frame method that shapes data, or a count (``.height``).
    ``", ".join(...)`` on a string literal is text, not data."""
    found = []
    tree = ast.parse(source)
    # ``actions.select(...)`` is a function of a project module, not a frame method
    modules = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").split(".")[0] in ("loyalty", "pages")
        for alias in node.names
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if (
                isinstance(node.value, ast.Name)
                and node.value.id in ("pl", "pd")
                and node.attr != "DataFrame"  # a type hint
            ):
                found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
            elif node.attr in SHAPING_ATTRIBUTES:
                found.append(f"line {node.lineno}: .{node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SHAPING_METHODS
            and not (node.func.attr == "join" and isinstance(node.func.value, ast.Constant))
            and not (isinstance(node.func.value, ast.Name) and node.func.value.id in modules)
        ):
            found.append(f"line {node.lineno}: .{node.func.attr}()")
    return sorted(set(found), key=lambda f: int(f.split()[1].rstrip(":")))


def test_the_shaping_check_finds_each_kind():
    sample = (
        "import polars as pl\n"
        "t = table.filter(pl.col('x') > 1)\n"
        "n = t.height\n"
        "names = ', '.join(t['name'])\n"
        "regions = sorted(t['region'].unique())\n"
    )
    assert [f.split(":")[0] for f in _data_shaping(sample)] == [
        "line 2",
        "line 2",
        "line 3",
        "line 5",
    ]


def test_pages_hold_no_data_shaping():
    """Pages arrange widgets and show what the core computed: no polars or pandas, no
    filtering, counting, renaming or aggregating (as no SQL)."""
    found = {
        str(path.relative_to(ROOT)): shaping
        for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py")]
        if (shaping := _data_shaping(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_no_page_file_is_over_300_lines():
    long = {
        path.name: n
        for path in (ROOT / "pages").glob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 300
    }
    assert long == {}


def test_only_charts_writes_the_markup_of_a_chart_subtitle():
    """A chart's title and subtitle become plotly markup in loyalty/charts.py (chart_title);
    wording builds the sentences, pages and the story pass them on."""
    writers = sorted(
        str(path.relative_to(ROOT))
        for path in _python_files()
        if "<sup>" in path.read_text(encoding="utf-8")
    )
    assert writers == ["loyalty/charts.py"]


#: The tables of canonical survey rows: one module writes them (the import path).
CANONICAL_TABLES = ("responses", "response_scores", "loyalty", "churn_reasons", "financials")
_INSERT = re.compile(r"\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+(\w+|\{)", re.I)


def _executed_inserts(source: str) -> set[str]:
    """Tables the SQL passed to ``execute``/``executemany``/``sql`` inserts into; ``{`` for a
    table named at run time (an f-string), which may be any of them."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("execute", "executemany", "sql")
            and node.args
        ):
            continue
        query = node.args[0]
        if isinstance(query, ast.Constant) and isinstance(query.value, str):
            text = query.value
        elif isinstance(query, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in query.values)
        else:
            continue
        found |= {m.lower() for m in _INSERT.findall(text)}
    return found


def test_one_module_writes_canonical_rows():
    """Every write of survey, loyalty and finance rows goes through the import path's one
    writer (loyalty.importing.write.store_validated): the demo chain is imported as a user's
    files are, not inserted beside them."""
    writers = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "loyalty").rglob("*.py")
        if _executed_inserts(path.read_text(encoding="utf-8")) & {*CANONICAL_TABLES, "{"}
    )
    assert writers == ["loyalty/importing/write.py"]


def test_the_writer_check_sees_each_kind_of_insert():
    assert _executed_inserts('cur.execute("INSERT INTO responses SELECT * FROM x")') == {
        "responses"
    }
    assert _executed_inserts(
        'cur.execute(f"INSERT OR REPLACE INTO {table} ({cols}) SELECT 1", [1])'
    ) == {"{"}
    assert _executed_inserts('con.sql("insert into financials values (1)")') == {"financials"}
    # SQL that is only built (the PostgreSQL dialect), not run, is no write
    assert _executed_inserts('sql = f"INSERT INTO {table} ({cols})"') == set()


CHOICE_WIDGETS = ("selectbox", "multiselect")


def _choices_without_placeholder(source: str) -> list[int]:
    """Lines of select boxes and multiselects called without ``placeholder``: with nothing
    chosen or nothing to choose, Streamlit shows its own English text ("Choose an option")."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CHOICE_WIDGETS
        and not any(k.arg in ("placeholder", None) for k in node.keywords)
    ]


def test_every_choice_widget_says_in_the_users_language_what_an_empty_choice_means():
    found = {
        str(path.relative_to(ROOT)): lines
        for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
        if (lines := _choices_without_placeholder(path.read_text(encoding="utf-8")))
    }
    assert not found


def test_the_placeholder_check_sees_a_choice_without_one():
    assert _choices_without_placeholder("st.selectbox('a', [1])\nc.multiselect('b', [])") == [
        1,
        2,
    ]
    assert not _choices_without_placeholder("st.selectbox('a', [1], placeholder=p)")
    assert not _choices_without_placeholder("st.selectbox('a', [1], **pick)")  # given in pick
