"""veedel run: all areas in parallel, one failure never stops the others, manifest and portal."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from conftest import PARAMETERS, ROOT

from veedel_lib.params.run_config import RunConfig
from veedel_lib.run import runner


@pytest.fixture
def broken_parameters(tmp_path):
    """The project's parameters with one area (Buchforst/Mülheim-Süd) pointing at a unit that does not exist."""
    target = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, target)
    areas = target / "areas.yml"
    areas.write_text(areas.read_text(encoding="utf-8").replace('units: ["90101"]', 'units: ["99999"]'),
                     encoding="utf-8")
    return target


@pytest.mark.slow
def test_one_broken_area_does_not_stop_the_others(tmp_path, broken_parameters):
    config = RunConfig(reports=["sozialraumgebietsanalyse"], formats=["html"])
    outputs = tmp_path / "outputs"
    seen = []
    summary = runner.run(config, outputs=outputs, parameters=broken_parameters,
                         areas=["kalk", "buchforst-muelheim-sued", "bilderstoeckchen"], jobs=1,
                         progress=seen.append)  # one worker: Buchforst runs in the kernel kalk warmed up
    assert summary.exit_code == 1
    assert len(seen) == 3
    failed = summary.failed
    assert [r.task.area_id for r in failed] == ["buchforst-muelheim-sued"]
    message = runner.describe_failure(failed[0])
    assert "Buchforst/Mülheim-Süd" in message and "sozialraumgebietsanalyse.ipynb" in message
    assert "Zelle" in message and "99999" in message
    # the cell's position in the notebook as committed (not the warm kernel's execution count)
    cells = nbformat.read(str(ROOT / "notebooks" / "sozialraumgebietsanalyse.ipynb"), as_version=4).cells
    failing = failed[0].error["cell_source"]
    expected = next(i for i, c in enumerate(cells, start=1) if c.source.strip().startswith(failing))
    assert failed[0].error["cell"] == expected and f"Zelle {expected} ({failing})" in message
    for area in ("kalk", "bilderstoeckchen"):
        assert (summary.run_dir / "reports" / area / "sozialraumgebietsanalyse.html").exists()
    assert not (summary.run_dir / "reports" / "buchforst-muelheim-sued" / "sozialraumgebietsanalyse.html").exists()
    assert (summary.run_dir / "reports" / "buchforst-muelheim-sued" / "sozialraumgebietsanalyse.failed.ipynb").exists()

    manifest = json.loads((summary.run_dir / "manifest.json").read_text())
    assert manifest["summary"] == {**manifest["summary"], "ok": 2, "failed": 1}
    assert manifest["inputs"]["inputs/data/statistics.csv"]
    assert manifest["environment"]["pandas"]
    statuses = {e["area_id"]: e["status"] for e in manifest["reports"]}
    assert statuses == {"kalk": "ok", "buchforst-muelheim-sued": "failed", "bilderstoeckchen": "ok"}
    portal = (summary.run_dir / "index.html").read_text(encoding="utf-8")
    assert "fehlgeschlagen" in portal and "reports/kalk/sozialraumgebietsanalyse.html" in portal

    # repair the area and re-run only what failed, in the same run folder
    areas = summary.run_dir / "inputs" / "parameters" / "areas.yml"
    areas.write_text(areas.read_text(encoding="utf-8").replace('units: ["99999"]', 'units: ["90101"]'),
                     encoding="utf-8")
    retried = runner.run(config, outputs=outputs, retry_failed=True, jobs=1)
    assert retried.run_dir == summary.run_dir
    assert [r.task.area_id for r in retried.results] == ["buchforst-muelheim-sued"]
    assert retried.exit_code == 0
    manifest = json.loads((summary.run_dir / "manifest.json").read_text())
    assert manifest["summary"]["failed"] == 0 and manifest["summary"]["ok"] == 3


def test_run_planning_takes_each_reports_scope_from_the_registry(tmp_path):
    from veedel_lib.errors import ConfigurationError
    from veedel_lib.params.run_config import RunConfig

    config = RunConfig(reports=["themenbewertung", "jahresbericht", "evaluation"])
    tasks = runner.plan(config, tmp_path, ["kalk", "bilderstoeckchen"], 2024, {"kalk": "Kalk", "bilderstoeckchen": "B"})
    assert [t.key for t in tasks] == ["kalk/themenbewertung", "kalk/evaluation", "bilderstoeckchen/themenbewertung",
                                      "bilderstoeckchen/evaluation", "programm/jahresbericht"]
    assert "themenbewertung" not in [c.notebook for c in runner.run_reports(RunConfig())]  # on demand only
    with pytest.raises(ConfigurationError, match="vorhanden: .*sozialindex"):
        runner.run_reports(RunConfig(reports=["themenbewertungen"]))


@pytest.mark.slow
def test_veedel_run_publishes_an_on_demand_notebook(tmp_path):
    """The Themenbewertung is not in run.yml; ``veedel run --notebooks`` publishes it like any report."""
    from veedel_lib.cli import main

    code = main(["run", "--notebooks", "themenbewertung", "--areas", "kalk", "--formats", "html",
                 "--outputs", str(tmp_path)])
    assert code == 0
    (run_dir,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    html = (run_dir / "reports" / "kalk" / "themenbewertung.html").read_text(encoding="utf-8")
    assert "Themenbewertung" in html and "Kinderarmut" in html
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert [(e["area_id"], e["notebook"]) for e in manifest["reports"]] == [("kalk", "themenbewertung")]


def test_a_folder_named_demo_is_not_taken_for_the_demo_data(tmp_path, monkeypatch, small_data):
    from veedel_lib.demo.generator import ensure_demo_data
    from veedel_lib.errors import ConfigurationError
    from veedel_lib.inputs.dataset import load_dataset

    monkeypatch.chdir(tmp_path)
    shutil.copytree(small_data, tmp_path / "demo")
    with pytest.raises(ConfigurationError) as caught:
        load_dataset("demo", PARAMETERS, use_cache=False, demo=ensure_demo_data)
    assert "„./demo“" in str(caught.value) and "umbenennen" in str(caught.value)
    own = load_dataset("./demo", PARAMETERS, use_cache=False, demo=ensure_demo_data)
    assert len(own.units) == 3 and not own.is_demo            # the planner's folder, not the built-in data
    (tmp_path / "demo").rename(tmp_path / "meine_daten")
    assert load_dataset("demo", PARAMETERS, demo=ensure_demo_data).is_demo
