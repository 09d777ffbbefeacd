"""veedel fetch-open-data: downloads from a (local) portal, atomic files, a clear message when offline."""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading

import pytest
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
    configured = [s.file for s in opendata.load_sources(PARAMETERS).files]
    assert failed == []
    assert [d.path.name for d in downloaded] == configured
    for item in downloaded:
        original = (koeln_dir / item.path.name).read_bytes()
        assert item.path.read_bytes() == original
        assert item.sha256 == hashlib.sha256(original).hexdigest()
    assert not list(tmp_path.glob(".*.partial")), "no temporary file is left behind"


def test_a_file_missing_on_the_server_is_reported_and_the_rest_fetched(portal, tmp_path):
    base_url, koeln_dir = portal
    parameters = tmp_path / "parameters"
    parameters.mkdir()
    (parameters / opendata.SOURCES_FILE).write_text(
        "files:\n"
        "  - {file: koeln_sgb2_stadtteile_2005-2012.csv, url: x}\n"
        "  - {file: gibt_es_nicht.csv, url: x}\n", encoding="utf-8")
    downloaded, failed = opendata.fetch(tmp_path / "out", parameters, base_url=base_url)
    assert [d.path.name for d in downloaded] == ["koeln_sgb2_stadtteile_2005-2012.csv"]
    assert len(failed) == 1 and "gibt_es_nicht.csv" in failed[0] and "404" in failed[0]
    assert not (tmp_path / "out" / "gibt_es_nicht.csv").exists()


def test_offline_gives_one_clear_message(tmp_path, capsys):
    # a port nobody listens on stands for a network that cannot be reached
    code = main(["fetch-open-data", str(tmp_path / "out"), "--base-url", "http://127.0.0.1:9"])
    out = capsys.readouterr().out
    assert code == 2
    assert "Keine Verbindung" in out and "offline" in out and "koeln_sources.yml" in out
    assert not any((tmp_path / "out").iterdir())


def test_fetched_files_convert_for_a_koeln_run(portal, tmp_path):
    """What fetch-open-data writes is exactly what the Cologne readers expect."""
    from veedel_lib.inputs.dataset import load_dataset
    from veedel_lib.inputs.koeln import convert_koeln

    base_url, _ = portal
    opendata.fetch(tmp_path / "raw", PARAMETERS, base_url=base_url)
    convert_koeln(tmp_path / "raw", tmp_path / "data", PARAMETERS)
    ds = load_dataset(tmp_path / "data", PARAMETERS)
    assert ds.years[-1] == 2012 and ds.units["stadtteil_nr"].nunique() == 86
