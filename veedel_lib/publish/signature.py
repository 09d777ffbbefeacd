"""Ed25519 signatures that give a run archive its origin: the key pair, signing, checking, the fingerprint.

The city signs an archive with its private key (``veedel archive RUN --schluessel DATEI``); whoever holds the
public key (published with the portal, its fingerprint compared over a second channel) checks with
``veedel verify ARCHIV --oeffentlicher-schluessel DATEI`` that the archive comes from the city and is unchanged.
What is signed is the archive's ``SHA256SUMS`` (the SHA-256 of every entry), prefixed with :data:`CONTEXT` so a
signature of this kind can never be mistaken for one over other data; the signature lies in the archive's
``SIGNATURE`` entry (see :func:`signature_entry`).

The private key file is PEM (PKCS #8, unencrypted, mode 0600) and is refused wherever it could be published or
archived: inside a veedel project, a run folder or an outputs folder (:func:`refuse_key_location`). Signatures
and keys come from the ``cryptography`` library; nothing here implements cryptography itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import ConfigurationError
from ..files import atomic_path, atomic_write_text
from ..params.run_config import PROJECT_MARKER, find_project_root

PRIVATE_KEY_NAME = "veedel-signatur.key"
PUBLIC_KEY_NAME = "veedel-signatur.pub"
KEY_VARIABLE = "VEEDEL_SCHLUESSEL"
"""Environment variable naming the private key file for ``veedel archive`` (instead of ``--schluessel``)."""
CONTEXT = b"veedel-archiv-signatur-1\n"
"""Prefix of every signed message: binds a signature to its purpose (signing SHA256SUMS of a run archive)."""
ALGORITHM = "Ed25519"
RUN_FOLDER = re.compile(r"\d{8}-\d{6}-")
"""How the name of a run folder starts (``runner.new_run_id``): date and time of the run."""
MAX_KEY_BYTES = 16 * 1024
"""Largest key file read (bytes); a PEM Ed25519 key has about 120."""


def fingerprint(key: Ed25519PublicKey) -> str:
    """The key's fingerprint: SHA-256 of its 32 raw bytes, 64 hex digits in groups of four (read aloud to compare)."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def refuse_key_location(path: str | Path) -> None:
    """Raise a German :class:`ConfigurationError` if a private key file at ``path`` could be published or archived.

    Refused: inside the installed project (the checkout with its ``outputs/``), inside any folder that is a veedel
    project (holds ``parameters/areas.yml``), inside a run folder (holds ``manifest.json``) or an outputs folder
    (holds run folders: named by :data:`RUN_FOLDER`, with a ``manifest.json``).
    """
    path = Path(path).expanduser().resolve()
    root = find_project_root()
    reasons = []
    if root is not None and _within(path, root.resolve()):
        reasons.append(f"er liegt im Projektordner {root}")
    for folder in path.parents:
        if (folder / PROJECT_MARKER).is_file() and not reasons:
            reasons.append(f"er liegt im veedel-Projekt {folder}")
        if (folder / "manifest.json").is_file():
            reasons.append(f"er liegt im Laufordner {folder}")
        elif folder.parent != folder and any(RUN_FOLDER.match(m.parent.name) for m in folder.glob("*/manifest.json")):
            reasons.append(f"er liegt im Ausgabeordner {folder} (dort liegen Läufe)")
        if reasons:
            break
    if reasons:
        raise ConfigurationError(
            f"Privater Schlüssel {path}: {reasons[0]}. Der private Schlüssel darf nie in einem Projekt, einem Lauf "
            "oder einem Ausgabeordner liegen, weil er sonst mit archiviert oder veröffentlicht werden könnte. Bitte "
            "einen Ordner außerhalb wählen, z. B. ~/.config/veedel/.")


def write_key_pair(folder: str | Path) -> tuple[Path, Path]:
    """Create a new Ed25519 key pair in ``folder``: the private key (mode 0600) and the public key; returns both paths.

    Never overwrites an existing key file and never writes into a project, run or outputs folder.
    """
    folder = Path(folder).expanduser().resolve()
    private_path, public_path = folder / PRIVATE_KEY_NAME, folder / PUBLIC_KEY_NAME
    refuse_key_location(private_path)
    existing = [str(p) for p in (private_path, public_path) if p.exists()]
    if existing:
        raise ConfigurationError(f"Schlüsseldatei besteht schon: {', '.join(existing)}. veedel überschreibt keinen "
                                 "Schlüssel; bitte einen anderen Ordner wählen oder die alten Dateien selbst "
                                 "entfernen.")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    with atomic_path(private_path) as temporary:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(private_pem)
    atomic_write_text(public_path, public_pem(key.public_key()))
    return private_path, public_path


def public_pem(key: Ed25519PublicKey) -> str:
    """The public key as PEM text (SubjectPublicKeyInfo), the form of the ``.pub`` file."""
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _key_bytes(path: Path, kind: str) -> bytes:
    """The bytes of a key file, at most :data:`MAX_KEY_BYTES`; German errors for a missing or oversized file."""
    if not path.is_file():
        raise ConfigurationError(f"{kind} nicht gefunden: {path}")
    if path.stat().st_size > MAX_KEY_BYTES:
        raise ConfigurationError(f"{kind} {path} ist zu groß für eine Schlüsseldatei (mehr als "
                                 f"{MAX_KEY_BYTES // 1024} KiB)")
    return path.read_bytes()


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """The Ed25519 private key of a PEM file; German errors for a wrong place, open permissions or another format."""
    path = Path(path).expanduser()
    refuse_key_location(path)
    data = _key_bytes(path, "Privater Schlüssel")
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise ConfigurationError(f"Privater Schlüssel {path} ist für andere lesbar (Rechte "
                                 f"{stat.S_IMODE(path.stat().st_mode):o}); bitte mit chmod 600 {path} schützen.")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ConfigurationError(f"Privater Schlüssel {path} ist nicht lesbar (kein unverschlüsselter PEM-Schlüssel, "
                                 f"wie ihn veedel schluessel schreibt): {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"Privater Schlüssel {path} ist kein Ed25519-Schlüssel (veedel signiert nur mit "
                                 "Ed25519; ein Schlüsselpaar schreibt veedel schluessel ORDNER)")
    return key


def load_public_key(path: str | Path) -> Ed25519PublicKey:
    """The Ed25519 public key of a PEM file; German errors for a missing file or another format."""
    path = Path(path).expanduser()
    data = _key_bytes(path, "Öffentlicher Schlüssel")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ConfigurationError(f"Öffentlicher Schlüssel {path} ist nicht lesbar (keine PEM-Datei, wie sie veedel "
                                 f"schluessel schreibt): {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigurationError(f"Öffentlicher Schlüssel {path} ist kein Ed25519-Schlüssel")
    return key


def signature_entry(key: Ed25519PrivateKey, checksums: bytes) -> bytes:
    """The ``SIGNATURE`` entry of an archive: JSON with algorithm, the key's fingerprint and the base64 signature
    over :data:`CONTEXT` + ``checksums`` (the bytes of SHA256SUMS)."""
    signature = key.sign(CONTEXT + checksums)
    record = {"algorithmus": ALGORITHM, "schluessel": fingerprint(key.public_key()), "signiert": "SHA256SUMS",
              "signatur": base64.b64encode(signature).decode("ascii")}
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _signed_by(entry: bytes) -> tuple[str, bytes]:
    """The fingerprint named in a SIGNATURE entry and the raw signature; ValueError (German) for a broken entry."""
    try:
        record = json.loads(entry.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"kein gültiges JSON ({exc})") from exc
    if not isinstance(record, dict) or record.get("algorithmus") != ALGORITHM:
        raise ValueError(f"unbekanntes Format (erwartet ein JSON-Objekt mit \"algorithmus\": \"{ALGORITHM}\")")
    signed_by, text = record.get("schluessel"), record.get("signatur")
    if not isinstance(signed_by, str) or not isinstance(text, str):
        raise ValueError("\"schluessel\" und \"signatur\" müssen Texte sein")
    try:
        signature = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ValueError("die Signatur ist kein gültiges Base64") from exc
    return signed_by, signature


def check_signature(key: Ed25519PublicKey, checksums: bytes, entry: bytes) -> str | None:
    """None if ``entry`` (a SIGNATURE entry) is a valid signature of ``checksums`` by ``key``, else the German reason."""
    try:
        signed_by, signature = _signed_by(entry)
    except ValueError as exc:
        return f"Signatur nicht lesbar: {exc}"
    try:
        key.verify(signature, CONTEXT + checksums)
    except InvalidSignature:
        trusted = fingerprint(key)
        if signed_by != trusted:
            return (f"Signatur passt nicht zum angegebenen Schlüssel (Fingerabdruck {trusted}); das Archiv nennt als "
                    f"Unterzeichner den Schlüssel {signed_by[:79]}")
        return "Signatur ungültig: SHA256SUMS wurde nach dem Signieren verändert oder die Signatur ist gefälscht"
    return None
