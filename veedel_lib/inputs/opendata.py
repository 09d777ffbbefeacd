"""Download the City of Cologne's open-data files named in ``parameters/koeln_sources.yml``.

``veedel fetch-open-data DIR`` fetches each file into DIR under the name the Cologne readers expect
(:mod:`veedel_lib.inputs.koeln`). Each file is written to a temporary name first and renamed when complete,
so an interrupted download never leaves a truncated file that looks complete. Without a network
connection the command says so in one clear message naming the address it could not reach.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..errors import OfflineError
from ..files import atomic_write_bytes
from ..params.run_config import parameters_dir as default_parameters_dir
from ..params.yamlfiles import FILE_NAME_PATTERN, parse_model

SOURCES_FILE = "koeln_sources.yml"
TIMEOUT_SECONDS = 30
USER_AGENT = "veedel (Lebenswerte Veedel, Stadt Köln)"


class SourceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str = Field(pattern=FILE_NAME_PATTERN)
    url: str
    description: str = ""


class SourcesConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    files: list[SourceFile] = Field(min_length=1)


@dataclass(frozen=True)
class Downloaded:
    path: Path
    url: str
    size: int
    sha256: str


def load_sources(parameters_dir: str | Path | None = None) -> SourcesConfig:
    """``koeln_sources.yml`` with line numbers in every error."""
    return parse_model(default_parameters_dir(parameters_dir) / SOURCES_FILE, SourcesConfig)


def _url(source: SourceFile, base_url: str | None) -> str:
    return f"{base_url.rstrip('/')}/{urllib.request.quote(source.file)}" if base_url else source.url


def fetch(target_dir: str | Path, parameters_dir: str | Path | None = None, base_url: str | None = None,
          timeout: float = TIMEOUT_SECONDS) -> tuple[list[Downloaded], list[str]]:
    """Download every configured file into ``target_dir``; returns the downloads and the failures (text).

    A file that is missing on the server is reported and the others are still fetched. If the first
    connection fails because the network or the server cannot be reached, :class:`OfflineError` is
    raised at once instead of waiting for every file to time out.
    """
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    downloaded, failed = [], []
    for position, source in enumerate(load_sources(parameters_dir).files):
        url = _url(source, base_url)
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                data = response.read()
        except urllib.error.HTTPError as exc:
            failed.append(f"{source.file}: {url} antwortet mit {exc.code} {exc.reason}")
            continue
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            if position == 0 or not downloaded:
                raise OfflineError(f"Keine Verbindung zu {url} ({reason}). Ist der Rechner offline? Die Dateien "
                                   f"lassen sich auch von Hand laden (Adressen in parameters/{SOURCES_FILE}) oder "
                                   "mit --base-url von einem Spiegel holen.") from exc
            failed.append(f"{source.file}: {url} nicht erreichbar ({reason})")
            continue
        atomic_write_bytes(target / source.file, data)
        downloaded.append(Downloaded(target / source.file, url, len(data), hashlib.sha256(data).hexdigest()))
    return downloaded, failed
