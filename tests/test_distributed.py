"""The same run on a Dask cluster (two local workers) gives the same tables as on the local process pool."""

from __future__ import annotations

import pytest
from conftest import PARAMETERS

from veedel_lib.params.run_config import load_run_config
from veedel_lib.run import runner


def _tables(run_dir) -> dict[str, bytes]:
    return {p.relative_to(run_dir).as_posix(): p.read_bytes() for p in sorted((run_dir / "reports").rglob("*.csv"))}


@pytest.mark.slow
def test_a_dask_run_gives_the_tables_of_a_local_run(tmp_path):
    distributed = pytest.importorskip("distributed")
    config = load_run_config(PARAMETERS / "run.yml").model_copy(
        update={"formats": ["html"], "reports": ["sozialraumgebietsanalyse", "sozialindex"]})
    areas = ["kalk", "bilderstoeckchen"]
    local = runner.run(config, outputs=tmp_path / "lokal", parameters=PARAMETERS, areas=areas, jobs=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = runner.run(config, outputs=tmp_path / "dask", parameters=PARAMETERS, areas=areas,
                            scheduler=cluster.scheduler_address)
    assert local.exit_code == 0 and remote.exit_code == 0, [runner.describe_failure(r) for r in remote.failed]
    assert {r.task.key for r in remote.results} == {r.task.key for r in local.results}
    tables = _tables(remote.run_dir)
    assert len(tables) > 20 and tables == _tables(local.run_dir)
    for name in ("kalk/sozialraumgebietsanalyse.html", "programm/sozialindex.ipynb"):
        assert (remote.run_dir / "reports" / name).exists()
    manifest = runner.read_manifest(remote.run_dir)
    assert manifest["summary"]["ok"] == 3
