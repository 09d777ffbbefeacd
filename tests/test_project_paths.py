"""The project's parameters are found from any working directory, or a German message says what is missing."""

from __future__ import annotations

import shutil

import pytest
from conftest import PARAMETERS, ROOT

from veedel_lib.errors import ConfigurationError
from veedel_lib.params import run_config


@pytest.fixture
def no_home(monkeypatch):
    """No VEEDEL_HOME in the environment (a developer's shell may set one)."""
    monkeypatch.delenv(run_config.HOME_VARIABLE, raising=False)


def test_the_editable_install_finds_its_repository_from_any_folder(no_home, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert run_config.parameters_dir("") == PARAMETERS
    assert run_config.parameters_dir(None) == PARAMETERS
    assert run_config.project_root() == ROOT


def test_without_an_editable_install_the_current_folder_and_its_parents_are_searched(no_home, monkeypatch):
    monkeypatch.setattr(run_config, "_editable_source", lambda: None)
    for folder in (ROOT, ROOT / "notebooks", ROOT / "parameters" / "qualitative"):
        monkeypatch.chdir(folder)
        assert run_config.parameters_dir("") == PARAMETERS


def test_veedel_home_names_the_project(monkeypatch, tmp_path):
    project = tmp_path / "kopie"
    shutil.copytree(PARAMETERS, project / "parameters")
    monkeypatch.setenv(run_config.HOME_VARIABLE, str(project))
    monkeypatch.chdir(ROOT)
    assert run_config.parameters_dir("") == project / "parameters"
    assert run_config.parameters_dir("/elsewhere") == run_config.Path("/elsewhere")  # an explicit folder wins


def test_nowhere_to_be_found_is_a_german_configuration_error(no_home, monkeypatch, tmp_path):
    monkeypatch.setattr(run_config, "_editable_source", lambda: None)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigurationError) as error:
        run_config.parameters_dir("")
    message = str(error.value)
    assert message.startswith("Parameterordner nicht gefunden")
    assert "parameters/areas.yml" in message and str(tmp_path) in message
    assert "parameters_dir" in message and "VEEDEL_HOME" in message


def test_a_veedel_home_without_parameters_is_not_passed_over(monkeypatch, tmp_path):
    """An explicit VEEDEL_HOME that holds no parameters is an error, not silently replaced by another project."""
    monkeypatch.setenv(run_config.HOME_VARIABLE, str(tmp_path))
    monkeypatch.chdir(ROOT)
    with pytest.raises(ConfigurationError) as error:
        run_config.parameters_dir("")
    assert f"VEEDEL_HOME={tmp_path} enthält keine Datei parameters/areas.yml" in str(error.value)


def test_a_report_opens_with_the_default_parameters_from_any_folder(no_home, monkeypatch, tmp_path, demo):
    from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis

    monkeypatch.chdir(tmp_path)
    analysis = AreaAnalysis.open("kalk", parameters_dir="", dataset=demo)
    assert analysis.parameters == PARAMETERS
    assert analysis.title().area == "Kalk"


def test_qualitative_findings_come_from_the_reports_own_parameters(tmp_path, demo):
    """A report opened with a copied parameters folder shows that folder's findings, not the project's."""
    from veedel_lib.reports.sozialraumgebietsanalyse import AreaAnalysis

    copy = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, copy)
    (copy / "qualitative" / "kalk.md").write_text("Befund aus der Kopie: Spielplatz an der Kalker Hauptstraße.\n",
                                                  encoding="utf-8")
    analysis = AreaAnalysis.open("kalk", parameters_dir=copy, dataset=demo)
    text = " ".join(block.markdown for block in analysis.qualitative())
    assert "Befund aus der Kopie" in text
    own = AreaAnalysis.open("kalk", parameters_dir=PARAMETERS, dataset=demo).qualitative()
    assert "Befund aus der Kopie" not in " ".join(block.markdown for block in own)
    assert "Befund aus der Kopie" not in " ".join(b.markdown for b in analysis.qualitative(PARAMETERS / "qualitative"))
