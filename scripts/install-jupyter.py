"""Install the project's Jupyter set-up into the running Python environment (``make install`` calls it).

Run with the environment's Python (``.venv/bin/python scripts/install-jupyter.py``); it writes only below
``sys.prefix`` and can be repeated:

1. the kernel "Python (veedel)" (``share/jupyter/kernels/veedel``), whose ``kernel.json`` names the
   provisioner ``veedel-ipc``: every kernel talks over IPC sockets in a private folder, not over
   unencrypted TCP, whoever starts it (plain papermill, JupyterLab, veedel run);
2. ``etc/jupyter/jupyter_nbconvert_config.json`` and ``etc/jupyter/jupyter_server_config.json``: every
   ``jupyter nbconvert`` of this environment (html, pdf, webpdf, markdown, ...) and JupyterLab's
   "Export Notebook" drop the cells tagged ``remove_cell`` (the editing notes), with or without
   ``--no-input``. Settings of other packages in these files are kept; only the keys below are set.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ipykernel.kernelspec import install

from veedel_lib.run.execution import KERNEL_NAME
from veedel_lib.run.provisioner import PROVISIONER_NAME

DISPLAY_NAME = "Python (veedel)"
PROVISIONER = {"provisioner_name": PROVISIONER_NAME, "config": {}}
REMOVE_NOTES = {"TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": ["remove_cell"]}}
CONFIG_FILES = ("jupyter_nbconvert_config.json", "jupyter_server_config.json")


def install_kernel(prefix: Path) -> Path:
    """Write the kernelspec below ``prefix`` and name the IPC provisioner in it; returns its kernel.json."""
    folder = Path(install(kernel_name=KERNEL_NAME, display_name=DISPLAY_NAME, prefix=str(prefix)))
    spec_file = folder / "kernel.json"
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    spec.setdefault("metadata", {})["kernel_provisioner"] = PROVISIONER
    spec_file.write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    return spec_file


def merge_config(path: Path, settings: dict) -> Path:
    """Set ``settings`` (section -> key -> value) in a Jupyter JSON config file, keeping everything else."""
    config = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for section, values in settings.items():
        config.setdefault(section, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def main() -> int:
    prefix = Path(sys.prefix)
    written = [install_kernel(prefix)]
    written += [merge_config(prefix / "etc" / "jupyter" / name, REMOVE_NOTES) for name in CONFIG_FILES]
    for path in written:
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
