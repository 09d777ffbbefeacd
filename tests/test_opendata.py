"""veedel fetch-open-data: downloads from a (local) portal, atomic files, a clear message when offline."""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
import threading
from pathlib import Path

import pytest
import yaml
from conftest import PARAMETERS

from veedel_lib.cli import main
from veedel_lib.inputs import opendata


@pytest.fixture
def portal(koeln_dir):
    """The copies in ../shared/data/koeln served over HTTP on a free local port (like the city's portal)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(koeln_dir))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", koeln_dir
    server.shutdown()
    server.server_close()


def test_fetch_downloads_every_configured_file_byte_for_byte(portal, tmp_path):
    base_url, koeln_dir = portal
    downloaded, failed = opendata.fetch(tmp_path, PARAMETERS, base_url=base_url)
    configured = [w.file for w in opendata.wanted_files(PARAMETERS)]
    assert failed == []
    assert [d.path.name for d in downloaded] == configured
    for item in downloaded:
        original = (koeln_dir / item.path.name).read_bytes()
        assert item.path.read_bytes() == original
        assert item.sha256 == hashlib.sha256(original).hexdigest()
    assert not list(tmp_path.glob(".*.partial")), "no temporary file is left behind"


@pytest.fixture(scope="module")
def full_conversion(koeln_dir, tmp_path_factory):
    """The city's full folder (../shared/data/koeln) converted once: what a run on all its files reads."""
    from veedel_lib.inputs.koeln import convert_koeln

    return convert_koeln(koeln_dir, tmp_path_factory.mktemp("koeln-full"), PARAMETERS)


def _parameters_copy(tmp_path: Path) -> Path:
    """A copy of the project's parameters to change for one test."""
    copy = tmp_path / "parameters"
    shutil.copytree(PARAMETERS, copy)
    return copy


def test_a_file_missing_on_the_server_is_reported_and_the_rest_fetched(portal, tmp_path):
    base_url, koeln_dir = portal
    parameters = _parameters_copy(tmp_path)
    mapping = parameters / "koeln_mapping.yml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace(
        "    - koeln_sgb2_stadtteile_2005-2012.csv\n",
        "    - koeln_sgb2_stadtteile_2005-2012.csv\n    - gibt_es_nicht.csv\n"), encoding="utf-8")
    downloaded, failed = opendata.fetch(tmp_path / "out", parameters, base_url=base_url)
    assert [d.path.name for d in downloaded] == [w.file for w in opendata.wanted_files(PARAMETERS)]
    assert len(failed) == 1 and "gibt_es_nicht.csv" in failed[0] and "404" in failed[0]
    assert "ohne gibt_es_nicht.csv fehlen dem Lauf die Werte dieser Datei" in failed[0]
    assert not (tmp_path / "out" / "gibt_es_nicht.csv").exists()


def test_fetch_gets_exactly_the_files_the_import_and_the_maps_read(koeln_dir, full_conversion):
    """The list of downloads is what a Cologne run reads – no more (files never read), no less (the profile,
    the boundaries): compared with what convert_koeln actually read from the full folder and which
    boundaries the maps actually load from it."""
    from veedel_lib.render import maps

    boundaries = maps.boundaries_for(koeln_dir, is_demo=False)
    read = [p.name for p in full_conversion.files_read] + [boundaries.source]
    assert [w.file for w in opendata.wanted_files(PARAMETERS)] == read
    assert set(opendata.load_sources(PARAMETERS).addresses) == set(read)


def test_an_address_for_a_file_no_run_reads_is_an_error(tmp_path):
    from veedel_lib.errors import DataValidationError

    parameters = _parameters_copy(tmp_path)
    sources = parameters / opendata.SOURCES_FILE
    sources.write_text(sources.read_text(encoding="utf-8")
                       + "  koeln_durchschnittsalter_stadtteile_2014.csv: https://example.org/x.csv\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as error:
        opendata.load_sources(parameters)
    message = str(error.value)
    assert "koeln_sources.yml, Zeile" in message and "koeln_durchschnittsalter_stadtteile_2014.csv" in message
    assert "liest kein Lauf" in message


def test_the_console_names_each_missing_file_and_what_a_run_then_lacks(koeln_dir, tmp_path, capsys):
    """A mirror without the boundaries and without the profile: the console says so file by file, the command
    fails (exit code 2), and the files it did get are there."""
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for name in ("koeln_bevoelkerung_stadtteile_2005-2012.csv", "koeln_sgb2_stadtteile_2005-2012.csv"):
        shutil.copy(koeln_dir / name, mirror / name)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(mirror))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        code = main(["fetch-open-data", str(tmp_path / "out"), "--base-url",
                     f"http://127.0.0.1:{server.server_address[1]}"])
    finally:
        server.shutdown()
        server.server_close()
    out = " ".join(capsys.readouterr().out.split())
    assert code == 2
    assert "✗ koeln_stadtteile_wgs84.geojson" in out and "404" in out
    assert "ohne koeln_stadtteile_wgs84.geojson haben die Berichte keine Stadtteilkarten" in out
    assert "ohne koeln_stadtteildaten_2011.csv fehlen die Variablen, die nur diese Datei liefert: Haushalte" in out
    assert "Arbeitslosenanteil" in out
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in mirror.iterdir())


def test_a_file_without_a_public_address_is_reported_not_skipped_silently(portal, tmp_path):
    base_url, _ = portal
    parameters = _parameters_copy(tmp_path)
    addresses = {w.file: f"{base_url}/{w.file}" for w in opendata.wanted_files(parameters)}
    addresses[opendata.BOUNDARY_FILE] = None
    (parameters / opendata.SOURCES_FILE).write_text(yaml.safe_dump({"addresses": addresses}), encoding="utf-8")
    downloaded, failed = opendata.fetch(tmp_path / "out", parameters)
    assert opendata.BOUNDARY_FILE not in [d.path.name for d in downloaded] and len(downloaded) == len(addresses) - 1
    assert len(failed) == 1 and failed[0].startswith(f"{opendata.BOUNDARY_FILE}: keine Download-Adresse")
    assert "keine Stadtteilkarten" in failed[0]


def test_offline_gives_one_clear_message(tmp_path, capsys):
    # a port nobody listens on stands for a network that cannot be reached
    code = main(["fetch-open-data", str(tmp_path / "out"), "--base-url", "http://127.0.0.1:9"])
    out = capsys.readouterr().out
    assert code == 2
    assert "Keine Verbindung" in out and "offline" in out and "koeln_sources.yml" in out
    assert not any((tmp_path / "out").iterdir())


def test_fetched_files_convert_for_a_koeln_run(portal, tmp_path, full_conversion):
    """What fetch-open-data writes is exactly what the Cologne readers expect: the same values as the full
    copy of the city's files (7.396 values, with the Stadtteil profile and the 2009 turnout) and real boundaries for the
    maps, not the demo's schematic layout or none at all."""
    from veedel_lib.inputs.dataset import load_dataset
    from veedel_lib.inputs.koeln import convert_koeln
    from veedel_lib.render import maps

    base_url, _ = portal
    opendata.fetch(tmp_path / "raw", PARAMETERS, base_url=base_url)
    fetched = convert_koeln(tmp_path / "raw", tmp_path / "data", PARAMETERS)
    ds = load_dataset(tmp_path / "data", PARAMETERS)
    assert ds.years[-1] == 2012 and ds.units["stadtteil_nr"].nunique() == 86
    assert fetched.rows == full_conversion.rows == 7396
    assert fetched.files_missing == []
    boundaries = maps.boundaries_for(tmp_path / "raw", is_demo=False)
    assert boundaries is not None and not boundaries.schematic and len(boundaries.rings) == 86
