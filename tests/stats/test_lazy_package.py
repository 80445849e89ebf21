"""``loyalty.stats`` loads its modules on first use: the CLI and the store start without scipy
and statsmodels, and every public name still resolves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import loyalty.stats as stats


def test_every_public_name_resolves_to_its_module():
    assert sorted(stats.__all__) == sorted(stats._MODULE_OF)
    for name in stats.__all__:
        value = getattr(stats, name)
        if hasattr(value, "__module__"):  # functions and classes (not the constant)
            assert value.__module__ == f"loyalty.stats.{stats._MODULE_OF[name]}", name


def test_importing_the_cli_loads_neither_scipy_nor_statsmodels():
    code = (
        "import sys, loyalty.cli, loyalty.analysis, loyalty.retention; "
        "print(sorted(m for m in ('scipy.stats', 'statsmodels.api') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_module_of_the_package_shares_a_public_name():
    """A submodule named like a function would replace it on the package once imported."""

    modules = {p.stem for p in Path(stats.__file__).parent.glob("*.py")}
    assert modules & set(stats.__all__) == set()


def test_the_served_app_preloads_every_module_before_a_first_visit():
    code = (
        "import sys, loyalty.stats as s; s.preload(); "
        "print(sorted(m for m in ('scipy.stats', 'statsmodels.api') if m in sys.modules), "
        "all(f'loyalty.stats.{m}' in sys.modules for m in s._MODULE_OF.values()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['scipy.stats', 'statsmodels.api'] True"
    serve = (Path(stats.__file__).parents[2] / "serve.py").read_text(encoding="utf-8")
    main = serve[serve.index('if __name__ == "__main__":') :]
    assert main.index("stats.preload()") < main.index("cli.main()")
