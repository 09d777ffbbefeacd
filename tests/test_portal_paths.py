"""The portal is public: a run on another parameter or data folder names the folder only by its name (its "Art des
Laufs", the earlier runs, the run log), never by an absolute path with a person's home folder in it."""

from __future__ import annotations

import json

from veedel_lib.publish import portal

HOME = "/home/anna.muster"
REASONS = [f"Parameter aus {HOME}/projekte/meine parameter/", f"Daten aus {HOME}/daten/mittelsee",
           "Laufkonfiguration C:\\Users\\anna.muster\\lauf.yml", f"wiederholt aus den Eingaben {HOME}/alt/inputs"]
"""Why a run is not the configured one, as the runner records it (absolute folders, also a Windows one)."""
SHOWN = ["Parameter aus meine parameter", "Daten aus mittelsee", "Laufkonfiguration lauf.yml",
         "wiederholt aus den Eingaben inputs"]


def _manifest(run_id: str, data_dir: str) -> dict:
    """A run on other parameters and data, without reports (the portal's text is what the test reads)."""
    return {"run_id": run_id, "created": "2026-12-01T12:00:00",
            "parameters": {"year": 2024, "data_dir": data_dir, "source": "standard", "reports": []},
            "reports": [], "summary": {"ok": 0, "failed": 0, "last_duration_s": 1.0},
            "key_figures": {"year": 2024, "notes": [], "areas": [], "bezirke": []},
            "run_kind": {"kind": "other_inputs", "reasons": REASONS, "reports": 0}}


def test_the_portal_names_other_parameter_and_data_folders_by_their_name_never_by_an_absolute_path(tmp_path):
    outputs = tmp_path / "outputs"
    older = outputs / "20261130-080000-11111111"
    older.mkdir(parents=True)
    (older / "manifest.json").write_text(json.dumps(_manifest(older.name, "C:\\Users\\anna.muster\\daten")),
                                         encoding="utf-8")
    run_dir = outputs / "20261201-120000-abcdef12"
    run_dir.mkdir()
    portal.write_portal(run_dir, _manifest(run_dir.name, f"{HOME}/daten/mittelsee"))
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    log = (run_dir / "lauf.html").read_text(encoding="utf-8")
    for page in (index, log):
        assert "anna" not in page and "/home" not in page and "Users" not in page
    title, earlier = index.split('id="fruehere"', 1)
    for section in (title, earlier):  # the run's own kind and the earlier run's
        assert "andere Daten oder Parameter (" + "; ".join(SHOWN) + ")" in section
    assert "Datenordner mittelsee" in title and "Datenordner daten" in earlier
    assert "<dt>Daten</dt><dd>Datenordner mittelsee</dd>" in log
