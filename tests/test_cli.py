"""The command line: problems the user can fix give one German message and exit code 2, bugs a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import PARAMETERS, tiny_city_files

from veedel_lib import cli


def test_a_user_error_is_one_german_message_with_exit_code_2(capsys):
    code = cli.main(["--parameters", str(PARAMETERS), "analyse", "nirgendwo", "--formats", "html"])
    output = capsys.readouterr().out
    assert code == 2
    assert "Fehler:" in output and "Unbekanntes Sozialraumgebiet 'nirgendwo'" in output
    assert "Traceback" not in output


def test_a_bug_is_not_dressed_up_as_a_user_error(monkeypatch):
    """A KeyError or ValueError from a programming mistake propagates (the console script exits with 1)."""
    def broken(args):
        return {}["missing"]

    monkeypatch.setattr(cli, "cmd_shares", broken)
    with pytest.raises(KeyError):
        cli.main(["shares"])


def test_the_console_script_shows_a_bug_with_its_traceback_and_exit_code_1():
    script = ("import sys, veedel_lib.cli as c\n"
              "def broken(args):\n    raise ValueError('kaputt')\n"
              "c.cmd_shares = broken\nsys.exit(c.main(['shares']))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ValueError: kaputt" in result.stderr


# ----------------------------------------------------------------------------- German argparse, every option checked

ENGLISH = ("usage:", "options:", "positional arguments", "show this help message", "error:", "the following",
           "invalid choice", "unrecognized arguments", "expected one argument")


def _help(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 0
    return capsys.readouterr().out


def test_help_is_german_and_every_argument_has_a_help_text(capsys):
    parser = cli.build_parser()
    assert set(parser.commands) >= {"run", "analyse", "validate", "shares", "template", "reproduce", "verify"}
    for name, command in [("veedel", parser), *parser.commands.items()]:
        for action in command.declared:
            assert action.help and action.help.strip(), f"{name} {action.option_strings or action.dest}: ohne Hilfe"
    texts = [_help(["--help"], capsys)] + [_help([name, "--help"], capsys) for name in parser.commands]
    for text in texts:
        assert text.startswith("Aufruf: veedel"), text[:80]
        assert "diese Hilfe zeigen und beenden" in text and "Optionen:" in text
        assert not [word for word in ENGLISH if word in text], text
    assert "Argumente:" in _help(["validate", "--help"], capsys)


@pytest.mark.parametrize("argv, german", [
    (["run", "--jobs", "0"], "veedel run: Fehler: Angabe --jobs: mindestens 1, nicht 0"),
    (["run", "--jobs", "zwei"], "veedel run: Fehler: Angabe --jobs: keine ganze Zahl: 'zwei'"),
    (["ruun"], "veedel: Fehler: Angabe BEFEHL: ungültige Auswahl: 'ruun' (möglich: 'demo-data'"),
    (["import", "tabelle.csv"], "veedel import: Fehler: fehlende Angaben: --mapping, --out"),
    (["run", "--bogus"], "veedel: Fehler: unbekannte Angaben: --bogus"),
    (["run", "--source", "berlin"], "Angabe --source: ungültige Auswahl: 'berlin' (möglich: 'standard', 'koeln')"),
    (["run", "--year"], "Angabe --year: erwartet einen Wert"),
])
def test_argparse_errors_are_german_with_exit_code_2(argv, german, capsys, tmp_path):
    if argv[0] == "run":  # should a check fail to stop it, the run stays small and out of the project
        argv = ["run", "--outputs", str(tmp_path), "--areas", "kalk", "--notebooks", "sozialindex", *argv[1:]]
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    error = capsys.readouterr().err
    assert stop.value.code == 2
    assert german in error and error.startswith("Aufruf: veedel")
    assert not [word for word in ENGLISH if word in error], error


@pytest.mark.parametrize("option, message", [
    (["--formats", "docx"], "Unbekanntes Ausgabeformat 'docx' (möglich: html, pdf)"),
    (["--formats", "html,pfd"], "Unbekanntes Ausgabeformat 'pfd' (möglich: html, pdf)"),
    (["--formats", "html", "pfd"], "Unbekanntes Ausgabeformat 'pfd'"),
    (["--areas", "kalk,nirgendwo"], "Unbekanntes Sozialraumgebiet 'nirgendwo'"),
    (["--notebooks", "jahresberichte"], "Bericht 'jahresberichte' gibt es nicht"),
    (["--year", "2030"], "Für 2030 liegen keine Daten vor (vorhanden: 2012 bis 2024)"),
    (["--data", "gibt-es-nicht"], "Datenordner nicht gefunden"),
])
def test_unknown_option_values_are_an_error_before_anything_runs(option, message, tmp_path, capsys):
    """No report runs, no bar is drawn, no run folder (or staging folder) is left: one German message, exit 2."""
    outputs = tmp_path / "outputs"
    argv = ["--parameters", str(PARAMETERS), "run", "--outputs", str(outputs), "--jobs", "1"]
    defaults = {"--areas": ["kalk"], "--notebooks": ["sozialindex"], "--formats": ["html"]}
    for name, value in defaults.items():  # keep the run small in case the check fails to stop it
        if name not in option:
            argv += [name, *value]
    code = cli.main(argv + option)
    output = capsys.readouterr().out
    assert code == 2
    assert message in output and "Traceback" not in output
    assert "━" not in output and "Berichte" not in output and "✓" not in output
    assert not outputs.exists() or list(outputs.iterdir()) == []


def test_template_takes_areas_with_commas_or_spaces(tmp_path, capsys):
    for name, areas in (("komma", ["kalk,bilderstoeckchen"]), ("leer", ["kalk", "bilderstoeckchen"]),
                        ("beides", ["kalk,", "bilderstoeckchen", "kalk"])):
        assert cli.main(["--parameters", str(PARAMETERS), "template", str(tmp_path / name), "--areas", *areas]) == 0
        assert sorted(p.name for p in (tmp_path / name).iterdir()) == ["bilderstoeckchen.xlsx", "kalk.xlsx"]


def test_shares_and_validate_read_the_citys_files_with_source_koeln(tmp_path, capsys, warning_of_the_conversion):
    city = tiny_city_files(tmp_path / "koeln")
    # two Stadtteile with values: valid, but the other 84 are missing rows (exit code 1)
    assert cli.main(["--parameters", str(PARAMETERS), "validate", str(city), "--source", "koeln"]) == 1
    output = capsys.readouterr().out
    assert "Umgewandelt: 1 Datei der Stadt Köln" in output and f"Gültig, aber unvollständig: {city}" in output
    assert "86 Einheiten in 86 Stadtteilen, Jahre 2012 bis 2012" in output
    assert warning_of_the_conversion in output
    assert cli.main(["--parameters", str(PARAMETERS), "shares", "--source", "koeln", "--data", str(city)]) == 0
    output = capsys.readouterr().out
    assert "Anteil der 15 Sozialraumgebiete an der Stadt 2012" in output and warning_of_the_conversion in output
    assert cli.main(["shares", "--source", "koeln"]) == 2
    assert "--source koeln braucht einen Ordner" in capsys.readouterr().out


def _fake_run(outputs, statuses: dict[str, str]):
    """A run folder with a manifest (current format) whose reports have the given statuses, and one file."""
    import json

    from veedel_lib.files import sha256_file

    run_dir = outputs / "20260101-120000-abcdef12"
    (run_dir / "reports" / "kalk").mkdir(parents=True)
    page = run_dir / "index.html"
    page.write_text("<html></html>", encoding="utf-8")
    reports = [{"area_id": "kalk", "area_name": "Kalk", "notebook": name, "status": status, "duration_s": 1.0,
                "outputs": {}, "error": None, "parameters": {}, "folder": "reports/kalk"}
               for name, status in statuses.items()]
    manifest = {"run_id": run_dir.name, "parameters": {"formats": ["html"], "year": 2024}, "inputs": {},
                "reports": reports, "files": {"index.html": sha256_file(page)}, "notes": []}
    (run_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return run_dir


def test_verify_counts_in_german(tmp_path, capsys):
    run_dir = _fake_run(tmp_path, {"sozialraumgebietsanalyse": "ok"})
    assert cli.main(["verify", str(run_dir)]) == 0
    (run_dir / "index.html").write_text("<html>geändert</html>", encoding="utf-8")
    assert cli.main(["verify", str(run_dir)]) == 1
    output = capsys.readouterr().out
    assert "1 Abweichung (" in output and "1 Abweichungen" not in output
    assert "index.html: Inhalt verändert" in output
    (run_dir / "neu.txt").write_text("dazu", encoding="utf-8")
    assert cli.main(["verify", str(run_dir)]) == 1
    assert "2 Abweichungen (" in capsys.readouterr().out


def test_retry_failed_with_nothing_to_retry_says_so_without_a_bar(tmp_path, capsys):
    run_dir = _fake_run(tmp_path, {"sozialraumgebietsanalyse": "ok", "evaluation": "ok"})
    before = (run_dir / "manifest.json").read_bytes()
    assert cli.main(["run", "--retry-failed", "--outputs", str(tmp_path)]) == 0
    output = capsys.readouterr().out
    assert output.strip() == f"Nichts zu wiederholen: im letzten Lauf {run_dir.name} sind alle Berichte fertig."
    assert (run_dir / "manifest.json").read_bytes() == before  # nothing was run, nothing rewritten


def test_retry_failed_while_the_run_is_locked_is_a_german_error(tmp_path, capsys):
    from veedel_lib.run.control import run_lock

    run_dir = _fake_run(tmp_path, {"sozialraumgebietsanalyse": "failed"})
    with run_lock(tmp_path, run_dir.name):
        assert cli.main(["run", "--retry-failed", "--outputs", str(tmp_path)]) == 2
    assert "wird gerade von einem anderen veedel-Prozess bearbeitet" in capsys.readouterr().out
    assert not (tmp_path / f".{run_dir.name}.lock").exists()  # released and removed


def test_dask_needs_the_schedulers_address(capsys):
    assert cli.main(["run", "--executor", "dask", "--areas", "kalk"]) == 2
    assert "--executor dask braucht --scheduler" in capsys.readouterr().out
