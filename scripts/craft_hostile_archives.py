"""Craft hostile run archives, as an attacker or a careless user would, to try ``veedel verify`` and ``reproduce`` on.

    .venv/bin/python scripts/craft_hostile_archives.py ZIELORDNER [--basis ARCHIV] [--nullen BYTES]

Writes into ZIELORDNER (never into the project; it is created if missing), each archive derived from the archive
``--basis`` (an archive of ``veedel archive``; without it a small synthetic run is packed first):

- ``zip-slip.zip``: an entry ``<run>/inputs/../../../../elsewhere/x``, listed in SHA256SUMS and the manifest
- ``absolut.zip``: an entry with an absolute path ``/tmp/veedel-absolut/x``
- ``verknuepfung.zip``: a symbolic-link entry ``inputs/data/passwd.csv`` -> ``/etc/passwd``, checksummed
- ``nullen.zip``: an entry of ``--nullen`` zero bytes (default 1.5 GB, about 1.5 MB on disk), checksummed
- ``code.zip``: a code cell added to an archived notebook, SHA256SUMS and the manifest recomputed
- ``pruefsummen.zip``: broken SHA256SUMS lines (one space, no hex, a name twice)
- ``manifest.zip``: a manifest that is no JSON, SHA256SUMS recomputed

Every archive is written in chunks (bounded memory). Delete the folder afterwards: ``nullen.zip`` declares 1.5 GB.
Only the Python standard library is used for the crafting (an attacker needs nothing of veedel's).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import stat
import sys
import tempfile
import zipfile
from pathlib import Path

CHUNK = 1 << 20
ZERO_NAME = "inputs/data/nullen.bin"


def _entries(base: Path) -> tuple[str, dict[str, bytes]]:
    """The run folder of an archive and its entries (names relative to the folder)."""
    with zipfile.ZipFile(base) as packed:
        names = packed.namelist()
        prefix = names[0].split("/", 1)[0] + "/"
        return prefix, {name[len(prefix):]: packed.read(name) for name in names}


def _sums(hashes: dict[str, str]) -> bytes:
    return "".join(f"{hashes[name]}  {name}\n" for name in sorted(hashes)).encode()


def _write(target: Path, prefix: str, entries: dict[str, bytes], modes: dict[str, int] | None = None,
           raw_names: dict[str, bytes] | None = None) -> Path:
    """A zip archive of ``entries`` under ``prefix``; ``modes`` gives Unix modes, ``raw_names`` entries not under it."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as packed:
        for name, data in sorted(entries.items()):
            info = zipfile.ZipInfo(prefix + name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (modes or {}).get(name, stat.S_IFREG | 0o644) << 16
            packed.writestr(info, data)
        for name, data in (raw_names or {}).items():
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            packed.writestr(info, data)
    return target


def _rechecksummed(entries: dict[str, bytes], changes: dict[str, bytes], extra_hashes: dict[str, str] | None = None
                   ) -> dict[str, bytes]:
    """The entries with ``changes``, the manifest's hashes (unless the manifest is one of the changes) and SHA256SUMS
    recomputed, the signature dropped."""
    result = {name: data for name, data in entries.items() if name != "SIGNATURE"}
    result.update(changes)
    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in changes.items()}
    hashes.update(extra_hashes or {})
    manifest = json.loads(result["manifest.json"]) if "manifest.json" not in changes else {}
    for name, digest in hashes.items() if manifest else ():
        if "files" in manifest:
            manifest["files"][name] = digest
        if name.startswith("inputs/"):
            manifest.setdefault("inputs", {})[name] = digest
    if manifest:
        result["manifest.json"] = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
    all_hashes = {name: hashlib.sha256(data).hexdigest() for name, data in result.items() if name != "SHA256SUMS"}
    all_hashes.update(extra_hashes or {})
    result["SHA256SUMS"] = _sums(all_hashes)
    return result


def _with_code_cell(notebook: bytes) -> bytes:
    data = json.loads(notebook)
    data["cells"].append({"cell_type": "code", "execution_count": None, "id": "angriff", "metadata": {},
                          "outputs": [], "source": ["import os\n", "os.system('touch /tmp/veedel-angriff')\n"]})
    return json.dumps(data, indent=1, ensure_ascii=False).encode()


def _zeros(target: Path, prefix: str, entries: dict[str, bytes], size: int) -> Path:
    """An archive with one entry of ``size`` zero bytes, hashed and written in chunks, listed everywhere."""
    digest = hashlib.sha256()
    block = bytes(CHUNK)
    for start in range(0, size, CHUNK):
        digest.update(block[:min(CHUNK, size - start)])
    listed = _rechecksummed(entries, {}, {ZERO_NAME: digest.hexdigest()})
    _write(target, prefix, listed)
    with zipfile.ZipFile(target, "a", compression=zipfile.ZIP_DEFLATED) as packed:
        info = zipfile.ZipInfo(prefix + ZERO_NAME, date_time=(2000, 1, 1, 0, 0, 0))
        info.compress_type, info.file_size = zipfile.ZIP_DEFLATED, size
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        with packed.open(info, "w", force_zip64=True) as entry:
            for start in range(0, size, CHUNK):
                entry.write(block[:min(CHUNK, size - start)])
    return target


def _synthetic_base(folder: Path) -> Path:
    """A small run folder packed with ``veedel archive``'s own code (when no --basis is given)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from veedel_lib.run.archive import create_archive
    from veedel_lib.run.manifest import file_hashes

    root = Path(__file__).resolve().parents[1]
    run_dir = folder / "20260101-120000-abcdef12"
    files = {"inputs/notebooks/sozialraumgebietsanalyse.ipynb":
             (root / "notebooks" / "sozialraumgebietsanalyse.ipynb").read_bytes(),
             "inputs/data/statistics.csv": b"unit_id,variable,year,value\n1,einwohner,2024,100\n",
             "reports/kalk/tables/sozialraumgebietsanalyse/soziale_lage.csv": b"a,b\n1,2\n"}
    for name, data in files.items():
        (run_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (run_dir / name).write_bytes(data)
    hashes = file_hashes(run_dir)
    manifest = {"run_id": run_dir.name, "files": hashes, "reports": [],
                "inputs": {n: h for n, h in hashes.items() if n.startswith("inputs/")},
                "parameters": {"year": 2024, "baseline_year": 2020, "areas": ["kalk"],
                               "reports": ["sozialraumgebietsanalyse"], "formats": []}}
    (run_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return create_archive(run_dir, folder / "basis.zip")


def craft(folder: Path, base: Path, zero_bytes: int) -> list[Path]:
    """Write every hostile archive into ``folder``; returns their paths."""
    prefix, entries = _entries(base)
    notebook = next(n for n in sorted(entries) if n.startswith("inputs/notebooks/") and n.endswith(".ipynb"))
    broken = entries["SHA256SUMS"].decode().splitlines()
    broken = [broken[0].replace("  ", " ", 1), "xyz" + broken[1][3:], broken[2], broken[2], *broken[3:]]
    crafted = [
        _write(folder / "zip-slip.zip", prefix,
               _rechecksummed(entries, {"inputs/../../../../elsewhere/x": b"aus dem Archiv geschrieben\n"})),
        _write(folder / "absolut.zip", prefix, entries, raw_names={"/tmp/veedel-absolut/x": b"absolut\n"}),
        _write(folder / "verknuepfung.zip", prefix, _rechecksummed(entries, {"inputs/data/passwd.csv": b"/etc/passwd"}),
               modes={"inputs/data/passwd.csv": stat.S_IFLNK | 0o777}),
        _zeros(folder / "nullen.zip", prefix, entries, zero_bytes),
        _write(folder / "code.zip", prefix, _rechecksummed(entries, {notebook: _with_code_cell(entries[notebook])})),
        _write(folder / "pruefsummen.zip", prefix, {**entries, "SHA256SUMS": ("\n".join(broken) + "\n").encode()}),
        _write(folder / "manifest.zip", prefix, _rechecksummed(entries, {"manifest.json": b'{"run_id": "x",\n "files": {'})),
    ]
    return crafted


def main() -> int:
    parser = argparse.ArgumentParser(description="Feindselige Laufarchive zum Ausprobieren von veedel verify und "
                                                 "veedel reproduce schreiben.")
    parser.add_argument("folder", metavar="ZIELORDNER", help="Ordner für die Archive (außerhalb des Projekts)")
    parser.add_argument("--basis", metavar="ARCHIV", help="Archiv eines echten Laufs als Vorlage")
    parser.add_argument("--nullen", type=int, default=1_500_000_000, metavar="BYTES",
                        help="Größe des Eintrags aus Nullbytes in nullen.zip (Standard: 1,5 GB)")
    args = parser.parse_args()
    folder = Path(args.folder).resolve()
    if Path(__file__).resolve().parents[1] in (folder, *folder.parents):
        print(f"Bitte einen Ordner außerhalb des Projekts angeben, nicht {folder}.", file=sys.stderr)
        return 2
    folder.mkdir(parents=True, exist_ok=True)
    base = Path(args.basis) if args.basis else _synthetic_base(Path(tempfile.mkdtemp(prefix="veedel-basis-")))
    for path in craft(folder, base, args.nullen):
        print(f"{path}  ({path.stat().st_size:,} Bytes)".replace(",", "."))
    return 0


if __name__ == "__main__":
    sys.exit(main())
