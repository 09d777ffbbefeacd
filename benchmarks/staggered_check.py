"""The staggered-entry estimator of the Programmevaluation against pyfixest's did2s, and its time (issue #29).

:class:`veedel_lib.analysis.staggered.Imputation` (the imputation estimator of Borusyak, Jaravel and Spiess) has
the same point estimates as Gardner's two-stage estimator: first stage fitted on the untreated observations,
second stage the residualised outcome regressed on treatment dummies without an intercept. pyfixest's
``did2s`` implements it; both are compared on

- a simulated staggered panel (the one of ``tests/test_programme_evaluation.py``: two entry cohorts with growing
  effects, few units never treated; unit and year effects only), overall and per year since entry, and
- the demo data's programme panels, overall, per entry cohort and per year since entry, with the
  Programmevaluation's model (a level and a trend per unit, year effects and level-scaled year effects,
  weights = denominator) in pyfixest's ``feols`` in two stages (:func:`two_stage`), and with unit and year
  effects only in pyfixest's ``did2s(first_stage="~ 0 | unit + year")``.

It prints the largest absolute difference of the estimates, the simulation's true and estimated effects (with
the pooled two-way fixed-effects estimate, computed with pyfixest's ``feols``), and the time of the whole
programme evaluation (all indicators of run.yml's evaluation, 4999 bootstrap draws) with one BLAS thread as in a
run. Usage: ``OPENBLAS_NUM_THREADS=1 python benchmarks/staggered_check.py`` (needs the ``bench`` extra: pyfixest).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
INDICATORS = ("sgb2_quote", "unemployment_share", "transfer_quote")


def did2s_parts(frame: pd.DataFrame, first_stage: str, part: str, weights: str | None) -> pd.Series:
    """pyfixest's did2s estimate per value of the column ``part`` (treated observations only)."""
    import pyfixest as pf

    data = frame.copy()
    data["part"] = np.where(data["treat"], data[part].astype(str), "untreated")
    fit = pf.did2s(data, yname="y", first_stage=first_stage, second_stage="~ i(part, ref='untreated')",
                   treatment="treat", cluster="cluster", weights=weights)
    return pd.Series({_key(str(name)): float(value) for name, value in fit.coef().items()})


def _key(name: str) -> str:
    """The part of a coefficient's name "part::2006.0" (pyfixest reads numbers into floats): "2006"."""
    value = name.split("::", 1)[1].rstrip("]") if "::" in name else name
    try:
        return str(int(float(value)))
    except ValueError:
        return value


def simulated() -> dict:
    """The simulation's true effect, the pooled TWFE estimate, ours and did2s's (overall and per event time)."""
    import pyfixest as pf

    sys.path.insert(0, str(ROOT / "tests"))
    from test_programme_evaluation import staggered_panel  # the test's panel, one definition

    from veedel_lib.analysis.staggered import Imputation

    frame = staggered_panel(seed=1)
    model = Imputation(frame["unit"], frame["year"], frame["y"], np.ones(len(frame)), frame["first_treated"],
                       frame["cluster"], trends=False)
    ours = {"overall": model.aggregate(np.ones(len(frame)), draws=0).estimate}
    for k in sorted(frame.loc[frame["treat"], "event"].unique()):
        ours[str(int(k))] = model.aggregate((frame["event"] == k).to_numpy(float), draws=0).estimate
    data = frame.assign(overall="overall")
    theirs = pd.concat([did2s_parts(data, "~ 0 | unit + year", "overall", None),
                        did2s_parts(data, "~ 0 | unit + year", "event", None)])
    twfe = pf.feols("y ~ treat_float | unit + year", data=data.assign(treat_float=data["treat"].astype(float)))
    return {"true": float(frame.loc[frame["treat"], "effect"].mean()),
            "twfe": float(twfe.coef()["treat_float"]), "imputation": float(ours["overall"]),
            "max_abs_difference": float(max(abs(ours[k] - theirs[k]) for k in ours))}


def two_stage(frame: pd.DataFrame) -> pd.Series:
    """Gardner's two stages with pyfixest on the programme's full model: ``feols`` on the untreated unit-years
    with explicit unit, unit-trend, year and level-scaled year columns (did2s cannot impute with ``i()`` terms
    next to fixed effects, and ``fixef()`` refuses them), ``predict`` for every unit-year, and the
    denominator-weighted mean of the treated departures per part."""
    import pyfixest as pf

    fit = pf.feols("y ~ C(unit) + C(unit):t + C(year) + C(year):level - 1", data=frame[~frame["treat"]],
                   weights="denominator", collin_tol=1e-7)  # the common trend: dropped, not solved
    departure = frame["y"] - fit.predict(newdata=frame)
    treated = frame[frame["treat"]].assign(weighted=departure[frame["treat"]] * frame["denominator"])
    result = {"overall": treated["weighted"].sum() / treated["denominator"].sum()}
    for part in ("cohort", "event"):
        sums = treated.groupby(part)[["weighted", "denominator"]].sum()
        result.update({str(int(k)): row.weighted / row.denominator for k, row in sums.iterrows()})
    return pd.Series(result)


def demo_panels() -> tuple[dict, float]:
    """Our estimates against pyfixest on the demo data's programme panels (the full model with pyfixest's feols
    in two stages, the unit-and-year-effects model with its did2s), and the programme evaluation's time."""
    from veedel_lib.analysis.programme_evaluation import _pre_level, programme_evaluation, programme_panel
    from veedel_lib.analysis.staggered import Imputation
    from veedel_lib.demo import ensure_demo_data
    from veedel_lib.inputs.dataset import load_dataset
    from veedel_lib.params.run_config import parameters_dir

    ds = load_dataset("demo", parameters_dir(None), demo=ensure_demo_data)
    differences = {}
    for indicator_id in INDICATORS:
        panel = programme_panel(ds, ds.catalogue.indicator(indicator_id), 2020, ds.latest_year)
        first = panel["first_treated"].fillna(np.inf).to_numpy()
        level = _pre_level(panel, 2020)
        frame = pd.DataFrame({"y": panel["rate"], "unit": "u" + panel["unit"].astype(str),
                              "year": panel["year"].astype(str), "t": panel["year"] - panel["year"].mean(),
                              "level": level - level.mean(), "denominator": panel["denominator"],
                              "cluster": panel["cluster"], "treat": panel["year"] >= first,
                              "cohort": panel["entry"].fillna(0).astype(int),
                              "event": (panel["year"] - panel["first_treated"] + 1).fillna(0).astype(int),
                              "overall": "overall"})
        stated = panel["denominator"].to_numpy(dtype=float)
        for name, model, theirs in (
                ("full", Imputation(panel["unit"], panel["year"], panel["rate"], panel["denominator"], first,
                                    panel["cluster"], level=level, trends=True), two_stage(frame)),
                ("did2s", Imputation(panel["unit"], panel["year"], panel["rate"], panel["denominator"], first,
                                     panel["cluster"], trends=False),
                 pd.concat([did2s_parts(frame, "~ 0 | unit + year", part, "denominator")
                            for part in ("overall", "cohort", "event")]))):
            ours = {"overall": model.aggregate(stated, draws=0).estimate}
            for part in ("cohort", "event"):
                for key in sorted(frame.loc[frame["treat"], part].unique()):
                    ours[str(int(key))] = model.aggregate(np.where(frame[part] == key, stated, 0.0),
                                                          draws=0).estimate
            differences[f"{indicator_id} ({name})"] = max(abs(ours[k] - theirs[k]) for k in ours)
    indicators = [i for i in ds.catalogue.rated() if not i.latest_available]  # the report's default
    start = time.perf_counter()
    programme_evaluation(ds, indicators, 2020, ds.latest_year)
    return differences, time.perf_counter() - start


def main() -> dict:
    sys.path.insert(0, str(ROOT))
    simulation = simulated()
    differences, seconds = demo_panels()
    result = {"simulation": simulation, "demo_max_abs_difference": differences,
              "programme_evaluation_seconds": round(seconds, 2)}
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
