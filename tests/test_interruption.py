"""A run that is stopped (Ctrl-C, SIGTERM) or cannot write (full disk) ends cleanly and can be completed, also
while it waits for a Dask scheduler that never answers.

The runs are real ``veedel run`` processes on the demo data. The full disk is simulated with the file-size
limit of the operating system (``RLIMIT_FSIZE``, SIGXFSZ ignored): a write beyond it fails with EFBIG,
as a write to a full disk fails with ENOSPC; nothing fills the real disk.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nonschedulers
import psutil
import pytest
from conftest import PARAMETERS, ROOT

VEEDEL = Path(sys.executable).with_name("veedel")

LIMITED = """import resource, signal, sys
from veedel_lib import cli
from veedel_lib.run import control
limit, where = int(sys.argv[1]), sys.argv[2]
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # inherited: a write beyond the limit fails with EFBIG

def small_disk():
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

if where == "workers":  # the main process can still write the manifest
    original = control.worker_init

    def worker_init():
        original()
        small_disk()

    control.worker_init = worker_init
else:
    small_disk()
sys.exit(cli.main(sys.argv[3:]))
"""


def _environment(tmp_path: Path) -> dict:
    """The test's cache, unbuffered output, and an IPython folder of its own for the kernels."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", "IPYTHONDIR": str(tmp_path / "ipython"), "COLUMNS": "160"}


def _limited(tmp_path: Path, limit: int, where: str, argv: list[str]) -> subprocess.CompletedProcess:
    script = tmp_path / "begrenzt.py"
    script.write_text(LIMITED, encoding="utf-8")
    return subprocess.run([sys.executable, str(script), str(limit), where, "--parameters", str(PARAMETERS), *argv],
                          capture_output=True, text=True, env=_environment(tmp_path), cwd=tmp_path, timeout=900)


def _temporary_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if ".partial" in p.name or p.name.startswith(".staging") or p.name.endswith(".lock"))


def test_a_full_disk_while_the_inputs_are_copied_is_one_german_sentence(tmp_path):
    """The demo data (2,7 MB) do not fit under a 1 MB limit: exit 2, one sentence, nothing left in outputs."""
    from veedel_lib.demo import ensure_demo_data

    ensure_demo_data(PARAMETERS)  # generated in the test's cache beforehand: the copy into the run is what fails
    outputs = tmp_path / "ausgabe"
    result = _limited(tmp_path, 1_000_000, "all", ["run", "--outputs", str(outputs), "--areas", "kalk",
                                                    "--notebooks", "sozialindex", "--formats", "html"])
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.strip() == (f"Fehler: {outputs} konnte nicht geschrieben werden: die Datei würde größer, "
                                     f"als das System erlaubt.")
    assert list(outputs.iterdir()) == []


@pytest.mark.slow
def test_a_full_disk_in_a_worker_stops_the_run_with_its_manifest(tmp_path):
    """Executed notebooks (~0,7 MB) do not fit under 300 kB: the run stops as a whole, with manifest and portal."""
    outputs = tmp_path / "ausgabe"
    result = _limited(tmp_path, 300_000, "workers",
                      ["run", "--outputs", str(outputs), "--areas", "kalk,bilderstoeckchen", "--notebooks",
                       "sozialraumgebietsanalyse", "--formats", "html", "--jobs", "2"])
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout
    (run_dir,) = outputs.iterdir()
    error = [line for line in result.stdout.splitlines() if line.startswith("Fehler:")]
    assert len(error) == 1 and f"Fehler: Lauf {run_dir.name} abgebrochen: {run_dir}/reports/" in error[0]
    assert error[0].endswith("sozialraumgebietsanalyse.ipynb konnte nicht geschrieben werden: die Datei würde "
                             "größer, als das System erlaubt.")
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["stopped"] in error[0] and not manifest["interrupted"]
    assert sorted(e["status"] for e in manifest["reports"]) in (["failed", "failed"], ["failed", "interrupted"])
    assert manifest["summary"]["ok"] == 0
    assert _temporary_files(tmp_path / "ausgabe") == [] and (run_dir / "index.html").exists()


class _Veedel:
    """A ``veedel run`` in a process group of its own, whose output is read line by line."""

    def __init__(self, argv: list[str], tmp_path: Path):
        self.process = subprocess.Popen([str(VEEDEL), *argv], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, start_new_session=True, env=_environment(tmp_path), cwd=ROOT)
        self.lines: queue.Queue = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for_report(self, timeout_s: float = 300) -> str:
        """Wait for the first line of a finished report ("✓ ..."); a run that shows none within ``timeout_s``
        seconds (one report takes well under a minute) is killed, and the test fails with its output."""
        end = time.monotonic() + timeout_s
        try:
            while (left := end - time.monotonic()) > 0:
                line = self.lines.get(timeout=left)
                assert line is not None, "".join(self.output)
                self.output.append(line)
                if line.startswith("✓"):
                    return line
        except queue.Empty:
            pass
        for process in [psutil.Process(self.process.pid), *psutil.Process(self.process.pid).children(recursive=True)]:
            process.kill()  # also the kernels, which may sit in sessions of their own
        raise AssertionError(f"kein Bericht fertig nach {timeout_s} s: " + "".join(self.output))

    def finish(self, timeout_s: float = 120) -> tuple[int, str]:
        code = self.process.wait(timeout_s)
        while (line := self.lines.get(timeout=10)) is not None:
            self.output.append(line)
        return code, "".join(self.output)


def _stop(argv: list[str], tmp_path: Path, signum: int, whole_group: bool) -> tuple[int, str, list]:
    """Start veedel, send ``signum`` after the first finished report; exit code, output, processes it had."""
    veedel = _Veedel(argv, tmp_path)
    veedel.wait_for_report()
    descendants = psutil.Process(veedel.process.pid).children(recursive=True)
    assert len(descendants) >= 2  # the workers (and their kernels, the browser)
    if whole_group:
        os.killpg(veedel.process.pid, signum)     # Ctrl-C in a terminal reaches every process of the group
    else:
        os.kill(veedel.process.pid, signum)       # a service manager stops the main process
    code, output = veedel.finish()
    return code, output, descendants


def _check_interrupted(outputs: Path, code: int, output: str, descendants: list, expected_code: int, signal_text: str):
    assert code == expected_code, output
    _, alive = psutil.wait_procs(descendants, timeout=15)
    assert alive == [], [(p.pid, p.name()) for p in alive]      # no worker, kernel or browser left
    (run_dir,) = outputs.iterdir()
    assert f"Abgebrochen: Lauf {run_dir.name} abgebrochen ({signal_text})" in output
    assert "Traceback" not in output
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    statuses = [e["status"] for e in manifest["reports"]]
    assert manifest["interrupted"] is True and "interrupted" in statuses and "ok" in statuses
    assert manifest["summary"]["interrupted"] == statuses.count("interrupted")
    assert _temporary_files(outputs) == []
    return run_dir, manifest


@pytest.mark.slow
def test_ctrl_c_and_sigterm_stop_the_run_and_retry_failed_completes_it(tmp_path):
    outputs = tmp_path / "ausgabe"
    argv = ["run", "--outputs", str(outputs), "--areas", "kalk,bilderstoeckchen", "--notebooks",
            "sozialraumgebietsanalyse,sozialindex", "--formats", "html,pdf", "--jobs", "2"]
    code, output, processes = _stop(argv, tmp_path, signal.SIGINT, whole_group=True)
    run_dir, manifest = _check_interrupted(outputs, code, output, processes, 130, "Strg+C")
    assert len(manifest["reports"]) == 3
    for entry in manifest["reports"]:
        if entry["status"] == "ok":                       # finished before the stop: complete, with its PDF
            assert {Path(p).suffix for p in entry["outputs"]} == {".ipynb", ".html", ".pdf"}

    # stop the retry too, this time by SIGTERM to its main process alone (two reports were left: one more stops)
    assert manifest["summary"]["interrupted"] == 2
    retry = ["run", "--retry-failed", "--outputs", str(outputs)]
    code, output, processes = _stop(retry, tmp_path, signal.SIGTERM, whole_group=False)
    _, manifest = _check_interrupted(outputs, code, output, processes, 143, "SIGTERM")
    assert [r["reports"] for r in manifest["retries"]][0] and manifest["summary"]["interrupted"] == 1

    result = subprocess.run([str(VEEDEL), *retry], capture_output=True, text=True, env=_environment(tmp_path),
                            cwd=ROOT, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert [e["status"] for e in manifest["reports"]] == ["ok", "ok", "ok"]
    assert manifest["interrupted"] is False and manifest["summary"]["interrupted"] == 0
    assert all((run_dir / e["folder"] / f"{e['notebook']}.pdf").exists() for e in manifest["reports"])
    verified = subprocess.run([str(VEEDEL), "verify", str(run_dir)], capture_output=True, text=True)
    assert verified.returncode == 0 and "In Ordnung" in verified.stdout


@pytest.mark.slow
@pytest.mark.parametrize("signum, whole_group, expected_code, signal_text", [
    (signal.SIGTERM, False, 143, "SIGTERM"),   # a service manager stops the main process
    (signal.SIGINT, True, 130, "Strg+C"),      # Ctrl-C in a terminal reaches the whole process group
])
def test_a_signal_while_connecting_to_an_address_that_never_answers_ends_the_run_with_its_manifest(
        tmp_path, signum, whole_group, expected_code, signal_text):
    """The listener accepts and stays silent, the time limit is ten minutes: only the signal can end the run."""
    outputs = tmp_path / "ausgabe"
    connecting = threading.Event()
    with nonschedulers.silent_listener(accepted=connecting) as address:
        veedel = _Veedel(["--parameters", str(PARAMETERS), "run", "--outputs", str(outputs), "--areas", "kalk",
                          "--notebooks", "sozialindex", "--formats", "html", "--scheduler", address,
                          "--scheduler-timeout", "600"], tmp_path)
        while not connecting.wait(0.2):
            assert veedel.process.poll() is None, veedel.finish()[1]  # ended before connecting: its output
        (os.killpg if whole_group else os.kill)(veedel.process.pid, signum)
        code, output = veedel.finish(timeout_s=60)
    assert code == expected_code, output
    (run_dir,) = outputs.iterdir()
    assert f"Abgebrochen: Lauf {run_dir.name} abgebrochen ({signal_text}): 0 von 1 Bericht fertig" in output
    assert "Traceback" not in output
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["interrupted"] is True and manifest["stopped"] == f"Abgebrochen durch {signal_text}."
    assert [e["status"] for e in manifest["reports"]] == ["interrupted"]
    assert _temporary_files(outputs) == []
