"""Stability of the Sozialindex classes (analysis/sozialindex_sensitivity.py) and the report's section."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import PARAMETERS


@pytest.fixture(scope="module")
def published(demo):
    from veedel_lib.analysis.sozialindex import compute_sozialindex, load_sozialindex_config

    config = load_sozialindex_config(PARAMETERS / "sozialindex.yml", demo.catalogue)
    return config, compute_sozialindex(demo, demo.latest_year, config.methods[config.method], config.method)


def test_variants_are_the_published_method_each_indicator_left_out_the_other_weighting_and_the_draws(demo, published):
    from veedel_lib.analysis.sozialindex_sensitivity import sozialindex_sensitivity

    config, index = published
    settings = config.sensitivity.model_copy(update={"draws": 40})
    result = sozialindex_sensitivity(demo, index, settings)
    ids = index.method.status_ids
    assert [v.id for v in result.variants[:len(ids) + 2]] == ["published", *[f"ohne_{i}" for i in ids],
                                                             "weighting_population"]
    assert len(result.variants) == 1 + len(ids) + 1 + 40
    # the published variant reproduces the published classes exactly
    qualifying = index.qualifying
    assert (result.classes["published"] == qualifying["status_class"]).all()
    assert (result.table["rank"] == qualifying["status_index"].rank(ascending=False, method="min")).all()
    # shares are percentages of the variants, the published one always counts
    assert ((result.table["stable_share"] > 0) & (result.table["stable_share"] <= 100)).all()
    same = result.classes.eq(qualifying["status_class"], axis=0).mean(axis=1) * 100
    assert np.allclose(result.table["stable_share"], same)
    assert (result.table["rank_low"] <= result.table["rank_high"]).all()
    # Stadtteile near a class limit are less stable than those far from every limit
    thresholds = np.array(index.method.status_classes.thresholds)
    distance = qualifying["status_index"].apply(lambda x: np.abs(thresholds - x).min())
    near, far = distance < 0.05, distance > 0.5
    assert result.table.loc[near, "stable_share"].mean() < result.table.loc[far, "stable_share"].mean()
    assert result.table.loc[far, "stable_share"].min() >= 80
    # a fixed seed gives the same result
    again = sozialindex_sensitivity(demo, index, settings)
    assert again.table.equals(result.table)


def test_bootstrap_noise_follows_the_counts(demo, published):
    """Draws vary an indicator's value with its counts: a Stadtteil with few cases moves more than a large one."""
    from veedel_lib.analysis.sozialindex_sensitivity import _draw_values

    _, index = published
    qualifying = index.qualifying
    column = index.method.status_ids[0]
    values = qualifying[[f"value_{column}"]].rename(columns=lambda c: column)
    numerators = qualifying[[f"n_{column}"]].rename(columns=lambda c: column)
    shares = values[column] / numerators[column]
    denominators = (numerators[column] / (values[column] / shares.median())).to_frame(column)
    rng = np.random.default_rng(1)
    draws = np.column_stack([_draw_values(values, numerators, denominators, rng)[column] for _ in range(300)])
    spread = draws.std(axis=1) / values[column].to_numpy()
    counts = numerators[column].to_numpy()
    small, large = counts < np.quantile(counts, 0.2), counts > np.quantile(counts, 0.8)
    assert spread[small].mean() > 2 * spread[large].mean()
    assert np.allclose(draws.mean(axis=1), values[column].to_numpy(), rtol=0.1)


def test_correlation_warning_above_the_configured_threshold(demo, published):
    from veedel_lib.analysis.sozialindex_sensitivity import sozialindex_sensitivity

    config, index = published
    strict = sozialindex_sensitivity(demo, index, config.sensitivity.model_copy(update={"draws": 0,
                                                                                       "correlation_warning": 0.01}))
    ids = index.method.status_ids
    assert len(strict.warnings) == sum(1 for i, a in enumerate(ids) for b in ids[i + 1:]
                                       if abs(strict.correlations.at[a, b]) > 0.01) > 0
    lenient = sozialindex_sensitivity(demo, index, config.sensitivity.model_copy(update={"draws": 0,
                                                                                        "correlation_warning": 1.0}))
    assert lenient.warnings == []
    assert np.allclose(np.diag(strict.correlations), 1)


def test_sensitivity_section_of_the_report(demo, capsys):
    from veedel_lib.reports.sozialindex import SozialindexReport

    report = SozialindexReport.open(dataset=demo)
    blocks = report.sensitivity()
    summary = blocks[0].markdown
    table = blocks[1].frame
    unstable = int(table["unstable"].sum())
    rated = int(table["rank"].notna().sum())  # the Stadtteile with a published index
    assert rated == int(report.stadtteil_frame()["status_index"].notna().sum())
    assert f"{rated - unstable} von {rated} bewerteten Stadtteilen behalten ihre Statusklasse in mindestens 90 %" \
        in summary
    assert ("in 200 Ziehungen" in summary) and "ohne je einen der Indexindikatoren" in summary
    if unstable:
        assert f"bei {unstable} ist die Klasse unsicher" in summary
    assert blocks[2].frame.shape[0] == len(report.index.method.status_ids)
    assert "sensitivity" in report.sections and report.sections[-1] == "method_notes"
    with capsys.disabled():
        print(f"\n[sensitivity demo] {unstable} of {rated} Stadtteile unstable\n{summary}\n{blocks[3].markdown}")
