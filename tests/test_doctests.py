"""The Examples sections of the analysis modules' docstrings run and show what they claim.

Each public function of ``veedel_lib.analysis`` documents a small hand-made example (numpydoc ``Examples``);
the expected outputs are worked out by hand in the docstring, so they double as independent checks of the
computation. A changed result fails here with the failing example named.
"""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["indicators", "comparison", "smoothing", "trends", "programme", "sozialindex", "staggered",
           "sozialindex_sensitivity", "programme_evaluation", "evaluation", "synthetic_control", "honest_trends"]


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_in_an_analysis_modules_docstrings_give_the_documented_results(name):
    module = importlib.import_module(f"veedel_lib.analysis.{name}")
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    failures: list[str] = []
    for test in finder.find(module, module.__name__):
        if test.examples:
            report: list[str] = []
            result = runner.run(test, out=report.append, clear_globs=True)
            if result.failed:
                failures.append("".join(report))
    assert not failures, "\n".join(failures)


def test_the_main_analysis_modules_have_examples():
    """A module of the priority list without a single example would pass the test above trivially."""
    for name in ("indicators", "comparison", "smoothing", "trends", "sozialindex"):
        module = importlib.import_module(f"veedel_lib.analysis.{name}")
        examples = sum(len(t.examples) for t in doctest.DocTestFinder().find(module, module.__name__))
        assert examples > 0, name
