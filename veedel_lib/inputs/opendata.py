"""Download the City of Cologne's open-data files that a ``--source koeln`` run reads.

``veedel fetch-open-data DIR`` fetches exactly the files the import reads – the files named in
``parameters/koeln_mapping.yml`` (portal, Datenkatalog and profile sections, read by
:func:`~veedel_lib.inputs.koeln.convert_koeln`) and the Stadtteil boundaries the maps draw
(:data:`BOUNDARY_FILE`) – under the names the readers expect, so the list of downloads cannot drift
from what is read. ``parameters/koeln_sources.yml`` only says where each of these files is downloaded
from. A file that cannot be fetched (the server answers with an error, or there is no known address)
is reported with what a run then lacks; the other files are still fetched.

Each file is written to a temporary name first and renamed when complete, so an interrupted download
never leaves a truncated file that looks complete. Without a network connection the command says so
in one clear message naming the address it could not reach.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ..errors import DataValidationError, OfflineError
from ..files import atomic_write_bytes
from ..params.catalogue import load_catalogue
from ..params.run_config import parameters_dir as default_parameters_dir
from ..params.yamlfiles import load_yaml, parse_model, problem_at
from .koeln.mapping import MAPPING_FILE, load_mapping

SOURCES_FILE = "koeln_sources.yml"
BOUNDARY_FILE = "koeln_stadtteile_wgs84.geojson"
"""The Stadtteil boundaries (GeoJSON with ``stadtteil_nr``) that the maps of a Cologne run are drawn with;
the run copies a data folder's ``*stadtteile*.geojson`` for them. Without the file a run has no maps."""
TIMEOUT_SECONDS = 30
USER_AGENT = "veedel (Lebenswerte Veedel, Stadt Köln)"
SECTIONS = ("portal", "datenkatalog", "profile")
"""The sections of koeln_mapping.yml whose files the import reads, in the order it reads them."""


class SourcesConfig(BaseModel):
    """``koeln_sources.yml``: the download address of each file (None: no public address is known)."""

    model_config = ConfigDict(extra="forbid")

    addresses: dict[str, str | None]


@dataclass(frozen=True)
class Wanted:
    """One file a Cologne run reads, and what the run lacks without it (German)."""

    file: str
    section: str
    consequence: str


@dataclass(frozen=True)
class Downloaded:
    path: Path
    url: str
    size: int
    sha256: str


def _labels(variables: list[str], catalogue) -> str:
    """Variable ids as their catalogue labels ("Haushalte"), ids the catalogue lacks as they are."""
    known = {v.id: v.label for v in catalogue.variables}
    return ", ".join(known.get(v, v) for v in variables)


def wanted_files(parameters_dir: str | Path | None = None) -> list[Wanted]:
    """Every file the import and the maps of a Cologne run read, in reading order, each with its consequence."""
    parameters = default_parameters_dir(parameters_dir)
    mapping = load_mapping(parameters / MAPPING_FILE)
    catalogue = load_catalogue(parameters / "indicators.yml")
    sections = {name: getattr(mapping, name) for name in SECTIONS if getattr(mapping, name) is not None}
    wanted = []
    for name, section in sections.items():
        others = {v for other, s in sections.items() if other != name and s.files for v in s.variables}
        only_here = [v for v in section.variables if v not in others]
        indicators = [i.short_label or i.label for i in catalogue.indicators
                      if set(i.variables) & set(only_here)]
        for file in section.files:
            if len(section.files) == 1 and only_here:  # what only this one file delivers is known exactly
                consequence = (f"ohne {file} fehlen die Variablen, die nur diese Datei liefert: "
                               f"{_labels(only_here, catalogue)}"
                               + (f"; damit fehlen die Indikatoren {', '.join(indicators)}" if indicators else ""))
            else:  # several files share the section's variables: which ones a file holds shows only the file
                consequence = (f"ohne {file} fehlen dem Lauf die Werte dieser Datei; welche Indikatoren dann nicht "
                               "berechenbar sind, nennt die Umwandlung (veedel run --source koeln, "
                               "inputs/source/umwandlung.txt)")
            wanted.append(Wanted(file, name, consequence))
    wanted.append(Wanted(BOUNDARY_FILE, "boundaries", f"ohne {BOUNDARY_FILE} haben die Berichte keine "
                                                      "Stadtteilkarten"))
    return wanted


def load_sources(parameters_dir: str | Path | None = None) -> SourcesConfig:
    """``koeln_sources.yml`` with line numbers in every error; an address of a file no run reads is an error."""
    path = default_parameters_dir(parameters_dir) / SOURCES_FILE
    sources = parse_model(path, SourcesConfig)
    read = {w.file for w in wanted_files(parameters_dir)}
    unread = [name for name in sources.addresses if name not in read]
    if unread:
        _, node = load_yaml(path)
        raise DataValidationError([problem_at(path, node, ("addresses", name), (
            f"'{name}' liest kein Lauf (nicht in {MAPPING_FILE} und keine Stadtteilgrenzen): Eintrag entfernen "
            f"oder die Datei in {MAPPING_FILE} eintragen")) for name in unread])
    return sources


def _url(file: str, address: str | None, base_url: str | None) -> str | None:
    return f"{base_url.rstrip('/')}/{urllib.request.quote(file)}" if base_url else address


def fetch(target_dir: str | Path, parameters_dir: str | Path | None = None, base_url: str | None = None,
          timeout: float = TIMEOUT_SECONDS) -> tuple[list[Downloaded], list[str]]:
    """Download every file a Cologne run reads into ``target_dir``; returns the downloads and, per file that
    could not be fetched, one German line saying why and what a run then lacks.

    If the first connection fails because the network or the server cannot be reached,
    :class:`OfflineError` is raised at once instead of waiting for every file to time out.
    """
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    addresses = load_sources(parameters_dir).addresses
    downloaded, failed = [], []
    for wanted in wanted_files(parameters_dir):
        url = _url(wanted.file, addresses.get(wanted.file), base_url)
        if url is None:
            failed.append(f"{wanted.file}: keine Download-Adresse in parameters/{SOURCES_FILE} (die Datei von Hand "
                          f"in den Ordner legen oder mit --base-url von einem Spiegel holen) – {wanted.consequence}")
            continue
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                data = response.read()
        except urllib.error.HTTPError as exc:
            failed.append(f"{wanted.file}: {url} antwortet mit {exc.code} {exc.reason} – {wanted.consequence}")
            continue
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            if not downloaded:
                raise OfflineError(f"Keine Verbindung zu {url} ({reason}). Ist der Rechner offline? Die Dateien "
                                   f"lassen sich auch von Hand laden (Adressen in parameters/{SOURCES_FILE}) oder "
                                   "mit --base-url von einem Spiegel holen.") from exc
            failed.append(f"{wanted.file}: {url} nicht erreichbar ({reason}) – {wanted.consequence}")
            continue
        atomic_write_bytes(target / wanted.file, data)
        downloaded.append(Downloaded(target / wanted.file, url, len(data), hashlib.sha256(data).hexdigest()))
    return downloaded, failed
