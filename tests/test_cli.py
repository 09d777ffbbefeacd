"""The command line: problems the user can fix give one German message and exit code 2, bugs a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import PARAMETERS

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
