"""The same run on a Dask cluster (two local workers) gives the same tables as on the local process pool."""

from __future__ import annotations

import pytest
from conftest import PARAMETERS

from veedel_lib.params.run_config import load_run_config
from veedel_lib.run import runner

REPORTS = ["sozialraumgebietsanalyse", "sozialindex"]


def _tables(run_dir, notebooks: list[str]) -> dict[str, bytes]:
    """The CSV tables of the run's reports of ``notebooks``, by path in the run folder."""
    return {p.relative_to(run_dir).as_posix(): p.read_bytes() for p in sorted((run_dir / "reports").rglob("*.csv"))
            if p.parent.name in notebooks}


@pytest.mark.slow
def test_a_dask_run_gives_the_tables_of_a_local_run(demo_run, tmp_path):
    """Two of the shared demo run's reports (a local run: kalk and bilderstoeckchen), again on a Dask cluster."""
    distributed = pytest.importorskip("distributed")
    config = load_run_config(PARAMETERS / "run.yml").model_copy(update={"formats": ["html"], "reports": REPORTS})
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = runner.run(config, outputs=tmp_path / "dask", parameters=PARAMETERS, areas=["kalk", "bilderstoeckchen"],
                            scheduler=cluster.scheduler_address)
    assert remote.exit_code == 0, [runner.describe_failure(r) for r in remote.failed]
    local = [e for e in runner.read_manifest(demo_run)["reports"] if e["notebook"] in REPORTS]
    assert {(r.task.area_id, r.task.notebook) for r in remote.results} == {(e["area_id"], e["notebook"]) for e in local}
    tables = _tables(remote.run_dir, REPORTS)
    assert len(tables) > 20 and tables == _tables(demo_run, REPORTS)
    for name in ("kalk/sozialraumgebietsanalyse.html", "programm/sozialindex.ipynb"):
        assert (remote.run_dir / "reports" / name).exists()
    manifest = runner.read_manifest(remote.run_dir)
    assert manifest["summary"]["ok"] == 3
