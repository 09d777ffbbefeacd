"""Runs on a Dask cluster: the same tables as on the local process pool (two local workers), and an address that
is no scheduler (bad syntax, an HTTP server, a silent listener, a closed port, no worker) refused within its time
limit with a German sentence and a manifest that says why."""

from __future__ import annotations

import threading

import nonschedulers
import pytest
from conftest import PARAMETERS

from veedel_lib import cli
from veedel_lib.params.areas import PROGRAMME_ID
from veedel_lib.params.run_config import load_run_config
from veedel_lib.run import runner
from veedel_lib.run.archive import verify

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


# ----------------------------------------------------------------------------- addresses that are no scheduler

def _run_on(address: str, outputs, *options: str) -> int:
    """``veedel run --scheduler ADDRESS`` of one report (nothing executes without a cluster), in this process."""
    return cli.main(["--parameters", str(PARAMETERS), "run", "--outputs", str(outputs), "--areas", "kalk",
                     "--notebooks", "sozialindex", "--formats", "html", "--executor", "dask", "--scheduler", address,
                     *options])


@pytest.mark.parametrize("address, reason", [
    ("http://127.0.0.1:8787", "ein Dask-Scheduler spricht tcp://, nicht http:// (unter http:// antwortet höchstens "
                              "sein Dashboard, meist auf Port 8787; der Scheduler selbst meist auf 8786)"),
    ("127.0.0.1:8786", "ohne tcp:// am Anfang"),
    ("tcp://127.0.0.1", "der Port fehlt"),
    ("tcp://127.0.0.1:70000", "der Port 70000 liegt nicht zwischen 1 und 65535"),
    ("tcp://rechner:8786/pfad", "nach dem Port darf nichts folgen"),
    ("tcp://rech ner:8786", "enthält Leer- oder Steuerzeichen"),
])
def test_a_scheduler_address_that_is_not_tcp_host_port_is_refused_before_anything_runs(tmp_path, capsys, address,
                                                                                        reason):
    outputs = tmp_path / "ausgabe"
    assert _run_on(address, outputs) == 2
    output = " ".join(capsys.readouterr().out.split())
    assert output == (f"Fehler: --scheduler '{address}': {reason}; erwartet wird tcp://RECHNER:PORT, "
                      f"z. B. tcp://rechner:8786.")
    assert not outputs.exists() or list(outputs.iterdir()) == []


def test_a_bad_scheduler_address_in_the_run_configuration_is_refused_naming_the_file(tmp_path, capsys):
    config = tmp_path / "lauf.yml"
    config.write_text("executor: dask\nscheduler: localhost\n", encoding="utf-8")
    code = cli.main(["--parameters", str(PARAMETERS), "run", "--config", str(config), "--outputs",
                     str(tmp_path / "ausgabe"), "--areas", "kalk"])
    assert code == 2
    assert " ".join(capsys.readouterr().out.split()) == (
        f"Fehler: scheduler in {config} 'localhost': ohne tcp:// am Anfang; erwartet wird tcp://RECHNER:PORT, "
        f"z. B. tcp://rechner:8786.")
    assert not (tmp_path / "ausgabe").exists()


@pytest.mark.parametrize("peer, reason", [
    (nonschedulers.http_server, "keine Antwort eines Dask-Schedulers innerhalb von 1 s (antwortet dort ein anderes "
                                "Programm, etwa ein Webserver?)"),
    (nonschedulers.silent_listener, "keine Antwort eines Dask-Schedulers innerhalb von 1 s (antwortet dort ein "
                                    "anderes Programm, etwa ein Webserver?)"),
    (nonschedulers.closed_port, "Verbindung abgelehnt, an Port {port} wartet kein Programm"),
])
def test_an_address_where_no_scheduler_answers_stops_the_run_with_a_manifest_that_says_why(tmp_path, capsys, peer,
                                                                                           reason):
    outputs = tmp_path / "ausgabe"
    with peer() as address:
        assert _run_on(address, outputs, "--scheduler-timeout", "1") == 2
    why = f"Dask-Scheduler unter {address} nicht erreichbar: {reason.format(port=address.rsplit(':', 1)[1])}."
    output = " ".join(capsys.readouterr().out.split())
    (run_dir,) = outputs.iterdir()
    assert output.endswith(f"Fehler: Lauf {run_dir.name} abgebrochen: {why} Sobald der Cluster bereit ist, führt "
                           f"„veedel run --retry-failed --scheduler {address}“ ihn zu Ende."), output
    manifest = runner.read_manifest(run_dir)
    assert manifest["stopped"] == why and manifest["interrupted"] is False
    assert [(e["status"], e["error"]["message"]) for e in manifest["reports"]] == [
        ("interrupted", f"Lauf abgebrochen: {why}")]
    assert runner.pending_reports(outputs) == (run_dir, [f"{PROGRAMME_ID}/sozialindex"])  # for --retry-failed
    assert verify(run_dir).ok


def test_a_scheduler_without_a_worker_stops_the_run_naming_the_missing_worker(tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    outputs = tmp_path / "ausgabe"
    with distributed.LocalCluster(n_workers=0, processes=False, protocol="tcp", dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert _run_on(address, outputs, "--scheduler-timeout", "1") == 2
    why = (f"Der Dask-Scheduler unter {address} hat keinen Arbeitsprozess: innerhalb von 1 s hat sich keiner "
           f"angemeldet (auf den Rechnern des Clusters „dask worker {address}“ starten).")
    assert why in " ".join(capsys.readouterr().out.split())
    (run_dir,) = outputs.iterdir()
    assert runner.read_manifest(run_dir)["stopped"] == why


_STARTED, _RELEASE = threading.Event(), threading.Event()
"""A report has started on the cluster; the report may end (module level: the worker gets them by reference)."""


def _endless_report(task, snapshot, origin, formats):
    """A report that does not end before the test lets it."""
    _STARTED.set()
    _RELEASE.wait(60)
    raise RuntimeError("nicht abgebrochen")


class _StopOnceStarted:
    """The stop flag of a run that gets a signal as soon as a report has started on the cluster."""

    @property
    def reason(self) -> str | None:
        return "signal" if _STARTED.is_set() else None


def test_a_signal_while_the_cluster_works_on_a_report_stops_the_run_without_waiting_for_it(tmp_path, monkeypatch):
    """The report never finishes (until the test ends): only a run that looks at its stop flag while it waits
    returns, with no result, and cancels the report on the cluster."""
    distributed = pytest.importorskip("distributed")
    from veedel_lib.run import distributed as on_cluster

    monkeypatch.setattr(on_cluster, "run_remote", _endless_report)
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "run.yml").write_text("executor: dask\n", encoding="utf-8")
    task = runner.Task("sozialindex", None, "Gesamtprogramm", {}, f"reports/{PROGRAMME_ID}")
    finished = []
    _STARTED.clear()
    _RELEASE.clear()
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp",
                                  dashboard_address=None) as cluster:
        try:
            results = on_cluster.execute_on_cluster([task], tmp_path, ["html"], cluster.scheduler_address,
                                                    finished.append, _StopOnceStarted())
            assert _STARTED.is_set() and not _RELEASE.is_set()
        finally:
            _RELEASE.set()  # before the cluster closes: it waits for its worker's thread
    assert results == [] and finished == []
