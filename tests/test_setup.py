"""The set-up: the project's kernel talks over IPC, make lab opens the project root and installs once, git ignores
what veedel writes into the project folder, the package metadata installs without deprecation warnings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT


def test_the_kernelspec_names_the_ipc_provisioner():
    """``make install`` writes the kernel "Python (veedel)" with the provisioner registered by the package."""
    from importlib.metadata import entry_points

    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec("veedel")
    assert spec.display_name == "Python (veedel)"
    assert spec.metadata["kernel_provisioner"]["provisioner_name"] == "veedel-ipc"
    registered = {e.name: e.value for e in entry_points(group="jupyter_client.kernel_provisioners")}
    assert registered["veedel-ipc"] == "veedel_lib.run.provisioner:IpcProvisioner"


@pytest.mark.slow
def test_a_kernel_started_like_jupyterlab_starts_it_uses_ipc_and_warns_of_nothing(tmp_path):
    """JupyterLab and papermill start kernels through jupyter_client's kernel manager from the kernelspec; the
    kernel's connection is IPC in a private folder that is gone after shutdown, the kernel does not log
    "Kernel is running over TCP without encryption", and it starts with the provisioner's garbage-collector
    thresholds."""
    from jupyter_client.manager import KernelManager

    log = tmp_path / "kernel.log"
    manager = KernelManager(kernel_name="veedel")
    with log.open("w") as stream:
        manager.start_kernel(stdout=stream, stderr=subprocess.STDOUT)
        try:
            client = manager.client()
            client.start_channels()
            client.wait_for_ready(timeout=60)
            reply = client.execute_interactive("answer = 6 * 7", timeout=60)
            assert reply["content"]["status"] == "ok"
            seen = []  # the garbage collector's thresholds of the kernel, and no name left behind by setting them
            client.execute_interactive("print(__import__('gc').get_threshold(), 'gc' in dir())", timeout=60,
                                       output_hook=lambda msg: seen.append(msg["content"].get("text", "")))
            assert "(10000, 10, 10) False" in "".join(seen)
            info = manager.get_connection_info()
            socket_dir = Path(info["ip"]).parent
            assert info["transport"] == "ipc" and socket_dir.is_dir()
            assert oct(socket_dir.stat().st_mode & 0o777) == "0o700"
            client.stop_channels()
        finally:
            manager.shutdown_kernel(now=False)
    assert not socket_dir.exists()
    assert "without encryption" not in log.read_text(encoding="utf-8")


def _dry_run(target: str, venv: Path) -> str:
    """The commands ``make -n <target>`` would run with the virtual environment at ``venv``."""
    result = subprocess.run(["make", "-n", target, f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _installed_venv(tmp_path: Path, *stamps: str) -> Path:
    """A stand-in for an installed .venv: the stamp files, newer than pyproject.toml and the install script."""
    venv = tmp_path / "venv"
    venv.mkdir(parents=True)
    for stamp in stamps:
        (venv / stamp).touch()
    return venv


def test_make_lab_opens_the_project_root_and_installs_the_lab_extras_once(tmp_path):
    first = _dry_run("lab", _installed_venv(tmp_path / "a", ".installed", ".jupyter-installed"))
    assert first.count("-e '.[lab]'") == 1
    again = _dry_run("lab", _installed_venv(tmp_path / "b", ".installed", ".jupyter-installed", ".lab-installed"))
    assert "pip install" not in again
    for commands in (first, again):
        lab = [line for line in commands.splitlines() if "jupyter lab" in line]
        assert len(lab) == 1 and f'--notebook-dir="{ROOT}"' in lab[0], lab
        assert "nbstripout --install" in commands


def test_make_install_writes_the_jupyter_set_up_into_the_environment(tmp_path):
    commands = _dry_run("install", _installed_venv(tmp_path, ".installed"))
    assert "scripts/install-jupyter.py" in commands and "pip install" not in commands


def test_the_jupyter_set_up_keeps_other_settings_and_can_be_repeated(tmp_path):
    """The install script merges its keys into existing config files (settings of other packages stay)."""
    script = ROOT / "scripts" / "install-jupyter.py"
    prefix = tmp_path / "prefix"
    config = prefix / "etc" / "jupyter" / "jupyter_nbconvert_config.json"
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"HTMLExporter": {"theme": "dark"}}), encoding="utf-8")
    code = ("import runpy, sys; sys.prefix = sys.argv[1]; module = runpy.run_path(sys.argv[2]); "
            "module['main'](); module['main']()")
    subprocess.run([sys.executable, "-c", code, str(prefix), str(script)], check=True, capture_output=True)
    settings = json.loads(config.read_text(encoding="utf-8"))
    assert settings["HTMLExporter"] == {"theme": "dark"}
    assert settings["TagRemovePreprocessor"] == {"enabled": True, "remove_cell_tags": ["remove_cell"]}
    spec = json.loads((prefix / "share" / "jupyter" / "kernels" / "veedel" / "kernel.json").read_text())
    assert spec["metadata"]["kernel_provisioner"]["provisioner_name"] == "veedel-ipc"
    assert spec["argv"][0] == sys.executable


@pytest.mark.parametrize("path", ["vorlagen/kalk.xlsx", "vorlagen/", "outputs/20261125-093012-ab6df26f/index.html"])
def test_git_ignores_what_veedel_writes_into_the_project(path):
    """``veedel template vorlagen/`` (the user guide's command) and runs write into the project folder."""
    if not (ROOT / ".git").exists():
        pytest.skip("kein git-Arbeitsverzeichnis")
    result = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT)
    assert result.returncode == 0, f"{path} wird von git nicht ignoriert"


def test_the_package_licence_is_an_spdx_expression():
    """setuptools >= 77 reads ``license = "MIT"`` without the deprecation wall a table or classifier causes."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "MIT"
    assert not any(c.startswith("License ::") for c in pyproject["project"].get("classifiers", []))
    assert "setuptools>=77" in pyproject["build-system"]["requires"]


SHARED_RUN_TESTS = '''
import os
import pytest

@pytest.fixture(scope="session")
def demo_run():
    return os.environ["PYTEST_XDIST_WORKER"]

@pytest.mark.parametrize("number", range(6))
def test_shares_the_run(demo_run, number):
    pass

@pytest.mark.parametrize("number", range(6))
def test_alone(number):
    pass
'''


@pytest.mark.slow
def test_tests_sharing_a_run_stay_on_one_pytest_xdist_worker(tmp_path):
    """Regression: the shared runs of tests/conftest.py (the demo run, the disclosure runs) were made once per worker,
    because pytest-xdist read the tests' groups before the conftest had set them, and because pytest 9.2 ignores how
    pytest-xdist 3.8 marks them (pytest-dev/pytest-xdist#1386): ``make test`` made the demo run twice."""
    (tmp_path / "conftest.py").write_text(
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('veedel_tests_conftest', {str(ROOT / 'tests' / 'conftest.py')!r})\n"
        "module = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(module)\n"
        "pytest_collection_modifyitems = module.pytest_collection_modifyitems\n", encoding="utf-8")
    (tmp_path / "test_groups.py").write_text(SHARED_RUN_TESTS, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v", "-p", "no:cacheprovider",
                           "--rootdir", str(tmp_path), str(tmp_path)], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "tests")})
    assert done.returncode == 0, done.stdout + done.stderr
    workers = {line.split()[0] for line in done.stdout.splitlines() if "PASSED" in line and "test_shares_the_run" in line}
    shared = [line for line in done.stdout.splitlines() if "PASSED" in line and "test_shares_the_run" in line]
    assert len(shared) == 6 and all(line.rstrip().endswith("@demo_run") for line in shared), done.stdout
    assert len(workers) == 1, done.stdout
