"""Our evaluation's projection against pyfixest on the same model: equal estimates, and the time (issue #16).

For some areas and indicators of the demo data, the difference in differences of
:mod:`veedel_lib.analysis.evaluation` (a level and a trend per unit, year effects and level-scaled year
effects, weighted by the denominator, clustered by Stadtteil) is estimated twice:

- with the library's structured projection (:class:`~veedel_lib.analysis.evaluation.Panel`), and
- with pyfixest's ``feols`` on the explicit model: ``rate ~ treated_post + i(unit, t) + i(year, level) | unit + year``
  (unit and year fixed effects demeaned by pyfixest, the unit trends and level-scaled year effects as
  interactions), weights = denominator, CRV1 by Stadtteil.

It prints the largest absolute difference of the estimates and the ratio of the clustered standard errors
(a constant factor: the library's small-sample factor counts the absorbed unit levels and trends among the
model's degrees of freedom, pyfixest's default does not),
and the time of one estimate and of the 400 placebo estimates each evaluation needs (pyfixest timed on 3 placebo
fits and scaled). Usage: python benchmarks/fixest_check.py (needs the ``bench`` extra: pyfixest).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CASES = [("hoehenberg-vingst", "sgb2_quote"), ("kalk", "sgb2_quote"), ("chorweiler", "unemployment_share")]


def fixest_fit(frame, baseline_year: int):
    """pyfixest's estimate and clustered standard error of ``treated_post`` on the explicit model."""
    import pyfixest as pf

    data = frame.copy()
    before = data[data["year"] <= baseline_year].groupby("unit")["rate"].mean()
    data["level"] = data["unit"].map(before).fillna(data["rate"].mean())
    data["level"] -= data["level"].mean()
    data["t"] = data["year"] - data["year"].mean()
    data["treated_post"] = (data["treated"] & (data["year"] > baseline_year)).astype(float)
    data["unit"] = data["unit"].astype(str)
    fit = pf.feols("rate ~ treated_post + i(unit, t) + i(year, level) | unit + year", data=data,
                   weights="denominator", vcov={"CRV1": "stadtteil"})
    return float(fit.coef()["treated_post"]), float(fit.se()["treated_post"])


def main() -> dict:
    sys.path.insert(0, str(ROOT))
    from veedel_lib.analysis.evaluation import _treatment, unit_panel
    from veedel_lib.demo import ensure_demo_data
    from veedel_lib.inputs.dataset import load_dataset
    from veedel_lib.params.run_config import parameters_dir

    ds = load_dataset("demo", parameters_dir(None), demo=ensure_demo_data)
    rows = []
    for area_id, indicator_id in CASES:
        area = next(a for a in ds.areas.ids if area_id in a)
        indicator = ds.catalogue.indicator(indicator_id)
        panel = unit_panel(ds, indicator, area, 2020, ds.latest_year)
        if not rows:  # the first fit imports scipy and statsmodels: not part of the time
            unit_panel(ds, indicator, area, 2020, ds.latest_year).projection().fit(
                _treatment(panel.frame, panel.baseline_year), 0.95)
        start = time.perf_counter()
        projection = panel.projection()
        fit = projection.fit(_treatment(panel.frame, panel.baseline_year), 0.95)
        ours_one = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(400):  # what the placebo draws cost: a new treatment column through the same projection
            projection(_treatment(panel.frame, panel.baseline_year))
        ours_placebos = time.perf_counter() - start
        fixest_fit(panel.frame, panel.baseline_year)  # first call compiles pyfixest's demeaning
        start = time.perf_counter()
        estimate, se = fixest_fit(panel.frame, panel.baseline_year)
        fixest_one = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(3):
            fixest_fit(panel.frame, panel.baseline_year)
        fixest_placebos = (time.perf_counter() - start) / 3 * 400
        rows.append({"area": area, "indicator": indicator_id, "observations": len(panel.frame),
                     "ours": float(fit.params[0]), "pyfixest": estimate,
                     "abs_difference": abs(float(fit.params[0]) - estimate),
                     "se_ours": float(fit.bse[0]), "se_pyfixest": se, "se_ratio": float(fit.bse[0]) / se,
                     "ours_one_s": ours_one, "pyfixest_one_s": fixest_one,
                     "ours_400_placebos_s": ours_placebos, "pyfixest_400_placebos_s": fixest_placebos})
        print(json.dumps(rows[-1]), flush=True)
    return {"cases": rows, "largest_abs_difference": max((r["abs_difference"] for r in rows), default=np.nan)}


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))
