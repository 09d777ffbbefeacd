"""Lineage: what changed between two runs and why (veedel vergleiche), reproduce compares the text, run kinds."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from conftest import PARAMETERS

from veedel_lib import cli
from veedel_lib.demo.generator import write_demo_data
from veedel_lib.params.run_config import load_run_config
from veedel_lib.params.run_kind import run_kind, run_scope
from veedel_lib.publish.portal import earlier_runs, render_portal
from veedel_lib.run import runner
from veedel_lib.run.archive import compare, create_archive, reproduce
from veedel_lib.run.compare import NO_CAUSE, write_change_report
from veedel_lib.run.manifest import file_hashes, read_manifest, write_manifest

THRESHOLD = "run.yml: analysis.handlungsbedarf.elevated_ratio: 1.25 → 1.2"


def _run(outputs, data, parameters):
    config = load_run_config(parameters / "run.yml").model_copy(
        update={"formats": ["html"], "reports": ["sozialraumgebietsanalyse"], "data_dir": str(data)})
    summary = runner.run(config, outputs=outputs, parameters=parameters, areas=["kalk"], jobs=1)
    assert summary.exit_code == 0, [runner.describe_failure(r) for r in summary.failed]
    return summary.run_dir


def _revise_one_value(statistics) -> tuple[str, str, str, str]:
    """Raise the SGB II recipients of Kalk's first unit in the last year by 40 % (one line of statistics.csv)."""
    lines = statistics.read_text(encoding="utf-8").splitlines()
    last = max(int(line.split(";")[1]) for line in lines[1:])
    number = next(i for i, line in enumerate(lines) if line.startswith("802")
                  and line.split(";")[1:3] == [str(last), "sgb2_recipients"])
    unit, year, variable, value = lines[number].split(";")
    revised = str(round(int(value) * 1.4))
    lines[number] = ";".join((unit, year, variable, revised))
    statistics.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return unit, year, value, revised


@pytest.fixture(scope="module")
def two_small_runs(tmp_path_factory):
    """One area, one report, HTML only: a run, then one with a changed threshold and one revised data value."""
    base = tmp_path_factory.mktemp("lineage")
    data = write_demo_data(base / "daten")
    parameters = base / "parameters"
    shutil.copytree(PARAMETERS, parameters)
    outputs = base / "outputs"
    first = _run(outputs, data, parameters)
    run_yml = parameters / "run.yml"
    run_yml.write_text(run_yml.read_text(encoding="utf-8").replace("elevated_ratio: 1.25", "elevated_ratio: 1.2", 1),
                       encoding="utf-8")
    revision = _revise_one_value(data / "statistics.csv")
    second = _run(outputs, data, parameters)
    return first, second, revision


@pytest.mark.slow
def test_the_change_report_names_a_changed_threshold_and_a_revised_data_value_as_causes(two_small_runs, tmp_path):
    first, second, (unit, year, old, new) = two_small_runs
    report = compare(first, second)
    causes = [c.text for c in report.causes if c.kind != "code"]  # the library may differ while it is being edited
    revision = f"revidierte Daten statistics.csv: Einheit {unit}, sgb2_recipients, {year}: {old} → {new}"
    assert causes == [revision, f"geänderter Parameter {THRESHOLD}"]
    sentences = [d for d in report.differences if d.kind == "Aussage"]
    threshold = [d for d in sentences if "1,20-Fache" in d.new]
    assert threshold and "1,25-Fache" in threshold[0].old and threshold[0].section  # the rule's sentence, its section
    assert any(d.kind == "Wert" and d.table for d in report.differences)            # a published value changed too
    assert f"geänderter Parameter {THRESHOLD}" in threshold[0].causes                 # attributed by the declarations
    assert all(revision in d.causes for d in report.differences)                       # every report reads the data
    assert report.without_cause == []
    sizes = [d.size for d in report.differences]
    assert sizes == sorted(sizes, reverse=True)                                        # one report: largest first

    written = write_change_report(report, tmp_path / "vergleich", ("csv", "html"))
    table = pd.read_csv(written["csv"], dtype=str, keep_default_na=False)
    assert len(table) == len(report.differences) and set(table["ort"]) == {"Kalk"}
    assert table["ursache"].str.contains("elevated_ratio", regex=False).all()
    page = written["html"].read_text(encoding="utf-8")
    assert 'lang="de"' in page and '<th scope="col">Ursache</th>' in page and "<caption>" in page
    assert f"Einheit {unit}" in page and "<td>U1, U2</td>" in page                # causes numbered in the report
    assert table["neu"].str.contains("1,20-Fache", regex=False).any()               # every difference in the CSV


@pytest.mark.slow
def test_a_difference_without_recorded_cause_is_flagged_as_such(two_small_runs, tmp_path):
    _, second, _ = two_small_runs
    copy = tmp_path / second.name
    shutil.copytree(second, copy)
    table = copy / "reports" / "kalk" / "tables" / "sozialraumgebietsanalyse" / "soziale_lage.csv"
    frame = pd.read_csv(table, dtype=str, keep_default_na=False)
    column = frame.columns[1]
    frame.loc[0, column] = "12345"  # changed after the run: no input, parameter or code explains it
    table.write_text(frame.to_csv(index=False), encoding="utf-8")
    report = compare(second, copy)
    assert [(d.table, d.column, d.new) for d in report.differences] == [("soziale_lage", column, "12345")]
    assert report.without_cause == report.differences and report.differences[0].causes == [NO_CAUSE]


@pytest.mark.slow
def test_reproduce_names_a_changed_sentence_with_report_section_and_old_and_new_wording(two_small_runs, tmp_path):
    first, _, _ = two_small_runs
    copy = tmp_path / "archiv" / first.name
    shutil.copytree(first, copy)
    executed = copy / "reports" / "kalk" / "sozialraumgebietsanalyse.ipynb"
    text = executed.read_text(encoding="utf-8")
    assert "1,25-Fache" in text
    executed.write_text(text.replace("1,25-Fache", "1,3-Fache"), encoding="utf-8")  # the archived text altered
    manifest = read_manifest(copy)
    manifest["files"] = file_hashes(copy)
    for entry in manifest["reports"]:  # re-checksummed, as whoever altered the text would
        for section in ("outputs", "files"):
            entry[section] = {n: manifest["files"].get(n, digest) for n, digest in entry.get(section, {}).items()}
    write_manifest(copy, manifest)
    result = reproduce(create_archive(copy), tmp_path / "wiederholung", jobs=1)
    changed = [d for d in result.differences if "1,3-Fache" in d]
    assert len(changed) == 1 and not result.identical
    assert changed[0].startswith("Sozialraumgebietsanalyse (Kalk), Aussage, ")
    assert "Handlungsbedarf" in changed[0] and "1,25-Fache" in changed[0].split("→")[1]
    assert any(name.endswith("sozialraumgebietsanalyse.ipynb") for name in result.compared)


@pytest.mark.slow
def test_a_run_on_a_copy_of_the_parameters_is_recorded_and_shown_as_such(two_small_runs):
    first, second, _ = two_small_runs
    kind = read_manifest(first)["run_kind"]
    assert kind["kind"] == "other_inputs" and kind["reports"] == 1
    assert any(reason.startswith("Parameter aus ") for reason in kind["reasons"])
    portal = (second / "index.html").read_text(encoding="utf-8")
    assert "Art des Laufs" in portal and "andere Daten oder Parameter" in portal
    assert [(r["run_id"], r["kind"], r["reports"]) for r in earlier_runs(second)] == [(first.name, "other_inputs", 1)]


def test_a_run_kind_is_complete_only_with_every_configured_report_area_and_input_all_ok():
    scope = run_scope(reports=["a", "b"], configured_reports=["a", "b"], areas=["x", "y"], all_areas=["x", "y"],
                      other_inputs=[])
    ok = [{"status": "ok"}] * 3
    assert run_kind(scope, ok) == {"kind": "complete", "reasons": [], "reports": 3}
    assert run_kind(scope, [*ok, {"status": "failed"}])["kind"] == "partial"
    some = run_scope(reports=["a"], configured_reports=["a", "b"], areas=["x"], all_areas=["x", "y"], other_inputs=[])
    assert run_kind(some, ok) == {"kind": "partial", "reasons": ["ohne die Berichte b", "1 Gebiete nicht berechnet"],
                                  "reports": 3}
    other = run_scope(reports=["a"], configured_reports=["a", "b"], areas=["x"], all_areas=["x", "y"],
                      other_inputs=["Daten aus /tmp/kopie"])
    assert run_kind(other, ok)["kind"] == "other_inputs"
    assert run_kind(None, ok)["kind"] is None  # manifests from before run kinds


def _synthetic_run(outputs, run_id, kind, reports=2):
    folder = outputs / run_id
    (folder / "inputs" / "parameters").mkdir(parents=True)
    (folder / "inputs" / "parameters" / "run.yml").write_text("year: null\n", encoding="utf-8")
    manifest = {"run_id": run_id, "created": "2026-01-01T10:00:00", "parameters": {"year": 2024, "data_dir": "demo"},
                "reports": [{"area_id": f"g{n}", "notebook": "x", "status": "ok"} for n in range(reports)],
                "run_kind": {"kind": kind, "reasons": [], "reports": reports}, "inputs": {}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_the_portal_marks_the_latest_complete_run_and_shows_each_runs_kind_and_report_count(tmp_path):
    _synthetic_run(tmp_path, "20260101-100000-aaaaaaaa", "complete", 55)
    _synthetic_run(tmp_path, "20260102-100000-bbbbbbbb", "complete", 55)
    _synthetic_run(tmp_path, "20260103-100000-cccccccc", "partial", 1)
    current = _synthetic_run(tmp_path, "20260104-100000-dddddddd", "partial", 1)
    runs = earlier_runs(current)
    assert [(r["kind"], r["reports"], r["latest_complete"]) for r in runs] == [
        ("partial", 1, False), ("complete", 55, True), ("complete", 55, False)]
    page = render_portal({**read_manifest(current), "reports": []}, current)
    assert "vollständig – letzter vollständiger Lauf" in page and page.count("teilweise") >= 2


def test_vergleiche_without_arguments_compares_the_last_two_complete_runs(tmp_path, capsys):
    _synthetic_run(tmp_path, "20260101-100000-aaaaaaaa", "complete")
    _synthetic_run(tmp_path, "20260102-100000-bbbbbbbb", "complete")
    _synthetic_run(tmp_path, "20260103-100000-cccccccc", "other_inputs")
    assert cli.main(["vergleiche", "--outputs", str(tmp_path), "--formats", "csv"]) == 0
    output = capsys.readouterr().out
    assert "20260101-100000-aaaaaaaa (vollständig) → 20260102-100000-bbbbbbbb (vollständig)" in output
    assert (tmp_path / "vergleich-20260101-100000-aaaaaaaa-20260102-100000-bbbbbbbb" / "aenderungen.csv").is_file()
    assert cli.main(["vergleiche", "--outputs", str(tmp_path / "20260101-100000-aaaaaaaa")]) == 2  # no two complete


@pytest.mark.slow
def test_the_jahresbericht_section_on_the_previous_year_names_the_changed_inputs(two_small_runs):
    from veedel_lib.reports.jahresbericht import ProgrammeReport
    from veedel_lib.run.previous import changes_since

    first, second, (unit, year, old, new) = two_small_runs
    inputs = second / "inputs"
    changes = changes_since(first, inputs / "data", inputs / "parameters", None)
    assert changes["previous_id"] == first.name
    assert [c for c in changes["causes"] if c[0] != "geänderte Codeversion"] == [
        ["revidierte Daten", f"revidierte Daten statistics.csv: Einheit {unit}, sgb2_recipients, {year}: {old} → {new}"],
        ["geänderter Parameter", f"geänderter Parameter {THRESHOLD}"]]
    blocks = ProgrammeReport.changes_since_previous(None, changes)   # the section reads only what it is given
    assert blocks[0].markdown.startswith("## Änderungen gegenüber dem Vorjahresbericht")
    assert list(blocks[1].frame["art"])[:2] == ["revidierte Daten", "geänderter Parameter"]
    assert ProgrammeReport.changes_since_previous(None, None) == []  # no previous run: no section


def test_only_the_jahresbericht_gets_the_previous_run_as_its_parameter(tmp_path, demo):
    from veedel_lib.params.run_spec import RunOptions, resolve_run

    def tasks(config):
        spec = resolve_run(config, RunOptions(areas=("kalk",)), demo, runner.run_reports(config), parameters=PARAMETERS)
        return runner.plan(spec, tmp_path / "lauf")

    config = load_run_config(PARAMETERS / "run.yml").model_copy(update={"previous_run": str(tmp_path)})
    given = {t.notebook for t in tasks(config) if "previous_run" in t.parameters}
    assert given == {"jahresbericht"}
    assert all("previous_run" not in t.parameters for t in tasks(load_run_config(PARAMETERS / "run.yml")))


@pytest.fixture(scope="module")
def jahresberichte(two_small_runs, tmp_path_factory):
    """The Jahresbericht computed by ``veedel run`` on the inputs of each of the two small runs (one area: the
    programme report still covers every area), the second with the first one's archive as the previous year's run,
    as ``veedel run --vorjahr ARCHIV`` gives it; the second also as PDF."""
    first, second, _ = two_small_runs
    outputs = tmp_path_factory.mktemp("jahresberichte")

    def run(inputs, formats, previous=None):
        config = load_run_config(inputs / "parameters" / "run.yml").model_copy(
            update={"formats": formats, "reports": ["jahresbericht"], "data_dir": str(inputs / "data"),
                    "previous_run": str(previous) if previous else None})
        summary = runner.run(config, outputs=outputs / inputs.parent.name, parameters=inputs / "parameters",
                             areas=["kalk"], jobs=1)
        assert summary.exit_code == 0, [runner.describe_failure(r) for r in summary.failed]
        return summary.run_dir

    previous = run(first / "inputs", ["html"])
    return previous, run(second / "inputs", ["html", "pdf"], create_archive(previous))


@pytest.mark.slow
def test_a_jahresbericht_run_with_the_previous_years_archive_shows_the_changed_inputs_and_values(
        jahresberichte, two_small_runs):
    previous, current = jahresberichte
    _, _, (unit, year, old, new) = two_small_runs
    page = (current / "reports" / "programm" / "jahresbericht.html").read_text(encoding="utf-8")
    assert "Änderungen gegenüber dem Vorjahresbericht" in page and f"Lauf {previous.name}" in page
    assert f"Einheit {unit}, sgb2_recipients, {year}: {old} → {new}" in page   # the revised value, as a cause
    assert "elevated_ratio" in page                                            # the changed threshold, as a cause
    section = page.split("Änderungen gegenüber dem Vorjahresbericht", 1)[1]
    assert "Die größten Änderungen der veröffentlichten Werte" in section                # values differ, shown
    values = section.split("Die größten Änderungen der veröffentlichten Werte", 1)[1]
    # among them the published figures of the resolution, named by the table's caption, not its file name
    assert re.search(r'<th scope="row">Anteil der [^<]+ an der Gesamtstadt \d{4}</th>', values)
    assert "eckdaten" not in values and "sgb2_quote" not in values and "off_track" not in values  # no identifiers
    assert (current / "reports" / "programm" / "jahresbericht.pdf").stat().st_size > 0
    earlier = (previous / "reports" / "programm" / "jahresbericht.html").read_text(encoding="utf-8")
    assert "Änderungen gegenüber dem Vorjahresbericht" not in earlier            # without a previous run: no section


def test_the_previous_year_section_writes_the_numbers_of_its_tables_as_the_report_does():
    from veedel_lib.run.previous import shown_value

    assert [shown_value(v) for v in ("72346", "50.1", "-0.25", "off_track")] == ["72.346", "50,1", "-0,25",
                                                                                 "off_track"]
