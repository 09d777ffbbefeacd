"""The Examples sections of the analysis modules' docstrings run and show what they claim.

Each public function of ``veedel_lib.analysis`` documents a small hand-made example (numpydoc ``Examples``);
the expected outputs are worked out by hand in the docstring (or come from a second library), so they double as
independent checks of the computation. A changed result fails here with the failing example named.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import veedel_lib.analysis

MODULES = sorted(info.name for info in pkgutil.iter_modules(veedel_lib.analysis.__path__))

WITH_EXAMPLES = ["comparison", "evaluation", "honest_trends", "indicators", "programme_evaluation", "smoothing",
                 "sozialindex", "staggered", "synthetic_control", "trends"]
"""Modules whose statistics can be shown on a few hand-made numbers (the others work on a whole dataset only)."""


def _examples(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(f"veedel_lib.analysis.{name}")
    return [test for test in doctest.DocTestFinder().find(module, module.__name__) if test.examples]


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_in_an_analysis_modules_docstrings_give_the_documented_results(name):
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    failures: list[str] = []
    for test in _examples(name):
        report: list[str] = []
        if runner.run(test, out=report.append, clear_globs=True).failed:
            failures.append("".join(report))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_an_analysis_module_with_statistics_on_small_numbers_has_examples(name):
    """A module without a single example would pass the test above trivially."""
    assert _examples(name), name
