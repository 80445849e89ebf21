"""The runnable examples in the statistics docstrings stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import loyalty.stats

MODULES = [m.name for m in pkgutil.iter_modules(loyalty.stats.__path__, "loyalty.stats.")]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_every_public_statistic_has_an_example_or_a_source():
    for name in loyalty.stats.__all__:
        obj = getattr(loyalty.stats, name)
        if callable(obj) and not isinstance(obj, type):
            assert obj.__doc__ and len(obj.__doc__) > 40, name
