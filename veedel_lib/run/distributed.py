"""Beyond one machine: the tasks of a run on a Dask distributed cluster (``veedel run --executor dask``).

The local process pool is the default and right for one computer. For much larger runs (all 570 statistical
quarters as areas over ten years, or a state office running every municipality) the same tasks go to the
workers of a Dask cluster: the run's snapshot of its inputs (data, parameters, notebooks) travels once to every
worker as bytes, each worker unpacks it into a folder of its own and executes its notebooks there with a warm
kernel that stays alive between tasks (the engine of :mod:`veedel_lib.run.engine`), and every file a task writes
(executed notebook, HTML, tables) comes back as bytes into the run folder. PDFs are printed where the run
started, as in local runs. The workers need veedel installed (``make install``) but no shared file system.

The scheduler's address comes from outside (command line, run.yml) and is checked like any input: its syntax
before anything runs (:func:`check_address`), the peer within a time limit (:data:`DEFAULT_TIMEOUT_S`, ``veedel
run --scheduler-timeout``). ``distributed.Client(address, timeout=...)`` bounds only the TCP connection: its
handshake then waits for the peer's first message without a limit, so an HTTP server or any program that accepts
and stays silent held a run for good. Here the whole cluster session is one coroutine on an event loop of its own,
every step of it (connecting, sending the inputs, waiting for reports) awaited under a deadline where it has one
and under a watch of the run's stop flag (Ctrl-C, SIGTERM) polled every :data:`POLL_S` seconds, and cancelled when
either comes.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import io
import re
import socket
import tempfile
import time
import zipfile
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from ..errors import ConfigurationError, german_number, shown_value
from ..files import atomic_write_bytes
from .execution import TaskResult, execute_task, failure_record

DEFAULT_TIMEOUT_S = 10.0
"""Seconds a Dask scheduler has to answer (and then to have a worker) before the run stops with a German error."""

POLL_S = 0.1
"""Seconds between two looks at the run's stop flag while waiting for the cluster."""

CLOSE_S = 2.0
"""Seconds granted to cancelling the cluster's tasks and closing the connection when a run stops."""

MAX_ADDRESS_LENGTH = 300
"""Characters of a scheduler address (a host name has at most 253)."""

EXPECTED = "erwartet wird tcp://RECHNER:PORT, z. B. tcp://rechner:8786"

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]+\]")
"""A host name or IPv4 address (labels of letters, digits and hyphens), or an IPv6 address in brackets."""

_UNPACKED: dict[str, Path] = {}
"""Snapshots already unpacked in this worker process, by their hash."""


class ClusterUnavailable(ConfigurationError):
    """No Dask scheduler answered at the address in time, or it had no worker: the run stops with this sentence."""


class _Stopped(Exception):
    """The run's stop flag was set (signal) while the cluster session waited."""


# ----------------------------------------------------------------------------- the address

def check_address(address: object, option: str = "scheduler") -> str:
    """``address`` if it is ``tcp://HOST:PORT`` (port 1–65535), else a German :class:`ConfigurationError` naming
    ``option`` (``--scheduler``, ``scheduler in run.yml``) and the value, and what is wrong with it."""
    reason = _address_problem(address)
    if reason is not None:
        raise ConfigurationError(f"{option} {shown_value(address)}: {reason}; {EXPECTED}.")
    return str(address)


def _address_problem(address: object) -> str | None:
    """What makes ``address`` no ``tcp://HOST:PORT`` (a German phrase), None for a good address."""
    if not isinstance(address, str) or not address:
        return "keine Adresse"
    if len(address) > MAX_ADDRESS_LENGTH:
        return f"länger als {MAX_ADDRESS_LENGTH} Zeichen"
    if any(c.isspace() or not c.isprintable() for c in address):
        return "enthält Leer- oder Steuerzeichen"
    scheme, separator, rest = address.partition("://")
    if not separator:
        return "ohne tcp:// am Anfang"
    if scheme.lower() in ("http", "https"):
        return (f"ein Dask-Scheduler spricht tcp://, nicht {scheme}:// (unter http:// antwortet höchstens sein "
                "Dashboard, meist auf Port 8787; der Scheduler selbst meist auf 8786)")
    if scheme != "tcp":
        return f"das Protokoll {scheme}:// wird nicht unterstützt"
    host, colon, port = rest.rpartition(":")
    if "/" in rest or "?" in rest or "#" in rest:
        return "nach dem Port darf nichts folgen"
    if not colon or not host or host.startswith("[") and not host.endswith("]"):
        return "der Port fehlt"
    if not port.isdigit() or not port.isascii():
        return f"der Port {shown_value(port)} ist keine Zahl"
    if not 1 <= int(port) <= 65535:
        return f"der Port {port} liegt nicht zwischen 1 und 65535"
    if not _HOST.fullmatch(host) or len(host) > 253:
        return f"{shown_value(host)} ist kein Rechnername und keine IP-Adresse"
    return None


def cluster_address(scheduler: object, option: str = "scheduler") -> str:
    """The checked address of ``scheduler``: a Dask cluster object's scheduler address, or the address given."""
    address = getattr(scheduler, "scheduler_address", scheduler)
    return check_address(address, option)


def _host_port(address: str) -> tuple[str, int]:
    """Host (IPv6 without brackets) and port of a checked ``tcp://HOST:PORT``."""
    host, _, port = address.partition("://")[2].rpartition(":")
    return host.strip("[]"), int(port)


def _unavailable(address: str, reason: str) -> ClusterUnavailable:
    return ClusterUnavailable(f"Dask-Scheduler unter {address} nicht erreichbar: {reason}.")


def _seconds(value: float) -> str:
    return f"{german_number(round(value, 1))} s"


# ----------------------------------------------------------------------------- the worker's side

def pack(inputs: Path) -> bytes:
    """The run's ``inputs`` folder as zip bytes (the snapshot the workers receive)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for path in sorted(inputs.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(inputs.parent).as_posix())
    return buffer.getvalue()


def _unpacked(snapshot: bytes) -> Path:
    """A worker-local run folder holding the snapshot's ``inputs`` (unpacked once per worker and snapshot)."""
    key = hashlib.sha256(snapshot).hexdigest()
    if key not in _UNPACKED:
        root = Path(tempfile.mkdtemp(prefix=f"veedel-worker-{key[:8]}-"))
        with zipfile.ZipFile(io.BytesIO(snapshot)) as archive:
            archive.extractall(root)
        _UNPACKED[key] = root
    return _UNPACKED[key]


def _relocate(parameters: dict, origin: str, local: str) -> dict:
    return {k: v.replace(origin, local) if isinstance(v, str) else v for k, v in parameters.items()}


def run_remote(task, snapshot: bytes, origin_run_dir: str, formats: list[str]):
    """On a worker: execute one task in the worker's copy of the run; returns the result and its files (bytes)."""

    local = _unpacked(snapshot)
    here = replace(task, parameters=_relocate(task.parameters, origin_run_dir, str(local)))
    result: TaskResult = execute_task(here, str(local), formats)
    folder = local / task.folder
    names = [f"{task.notebook}.ipynb", f"{task.notebook}.html", f"{task.notebook}.failed.ipynb"]
    paths = [folder / n for n in names if (folder / n).exists()]
    tables = folder / "tables" / task.notebook
    if tables.is_dir():
        paths += [p for p in tables.rglob("*") if p.is_file()]
    files = {p.relative_to(local).as_posix(): p.read_bytes() for p in paths}
    for path in paths:  # the next task of this worker starts clean; the run folder keeps the originals
        path.unlink()
    return replace(result, task=task), files


# ----------------------------------------------------------------------------- the run's side

def execute_on_cluster(tasks: list, run_dir: Path, formats: list[str], address: str, progress, stop,
                       timeout_s: float | None = None, connected: Callable[[], None] = lambda: None) -> list:
    """Run ``tasks`` on the Dask cluster whose scheduler listens at ``address`` (checked, see
    :func:`cluster_address`); write their files into ``run_dir``; ``progress(result)`` after each, ``connected()``
    once the scheduler has answered and has a worker.

    Raises :class:`ClusterUnavailable` when no scheduler answers within ``timeout_s`` seconds (default
    :data:`DEFAULT_TIMEOUT_S`) or it has no worker within as long again. Returns early, with the results so far,
    as soon as ``stop.reason`` is set (a signal), at any step; the cluster's unfinished tasks are then cancelled.
    """
    if not tasks or stop.reason:
        return []
    session = _session(tasks, run_dir, formats, address, progress, stop,
                       DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s, connected)
    results = _run_coroutine(session)
    order = {t.key: i for i, t in enumerate(tasks)}
    return sorted(results, key=lambda r: order[r.task.key])


def _run_coroutine(coroutine):
    """Run ``coroutine`` on an event loop of its own: in this thread, or in a helper thread when this thread
    already runs one (a run started from a notebook)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="veedel-dask") as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _watched(awaitable: Awaitable, stop, deadline: float | None = None):
    """The result of ``awaitable``, awaited while ``stop.reason`` is looked at every :data:`POLL_S` seconds.

    Cancelled when the stop flag is set (raises :class:`_Stopped`) or at ``deadline`` (``time.monotonic()``
    seconds; raises :class:`TimeoutError`). A cancelled step gets :data:`CLOSE_S` seconds to clean up.
    """
    step = asyncio.ensure_future(awaitable)
    try:
        while not step.done():
            if stop.reason:
                raise _Stopped
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise TimeoutError
            await asyncio.wait({step}, timeout=POLL_S if left is None else min(POLL_S, left))
        return step.result()
    finally:
        if not step.done():
            step.cancel()
            await asyncio.wait({step}, timeout=CLOSE_S)
        if step.done() and not step.cancelled():
            step.exception()  # retrieved: a cancelled step's late error is no "never retrieved" warning


async def _session(tasks: list, run_dir: Path, formats: list[str], address: str, progress, stop,
                   timeout_s: float, connected) -> list:
    """The cluster's part of a run: connect, send the inputs once, submit every task, collect the results."""
    results = []
    try:
        client = await _connect(address, stop, timeout_s)
    except _Stopped:
        return results
    futures: dict = {}
    try:
        connected()
        try:
            snapshot = await _watched(client.scatter(pack(run_dir / "inputs"), broadcast=True), stop)
        except (_Stopped, ClusterUnavailable):
            raise
        except Exception as exc:  # noqa: BLE001 - the scheduler or its workers went away
            raise ClusterUnavailable(f"Die Eingaben des Laufs ließen sich nicht an die Arbeitsprozesse des "
                                     f"Dask-Schedulers unter {address} senden ({type(exc).__name__}).") from None
        futures = {client.submit(run_remote, task, snapshot, str(run_dir), formats, pure=False): task
                   for task in tasks}
        waiting = {asyncio.ensure_future(_outcome(future)): task for future, task in futures.items()}
        while waiting and not stop.reason:
            done, _ = await asyncio.wait(waiting, timeout=POLL_S, return_when=asyncio.FIRST_COMPLETED)
            for step in done:
                result = _received(waiting.pop(step), *step.result(), run_dir)
                results.append(result)
                progress(result)
        for step in waiting:
            step.cancel()
    except _Stopped:
        pass
    finally:
        await _close(client, list(futures) if stop.reason else [])
    return results


async def _connect(address: str, stop, timeout_s: float):
    """An asynchronous ``distributed.Client`` connected to the scheduler at ``address`` that has a worker.

    Within ``timeout_s`` seconds the port must accept a connection and the peer answer as a Dask scheduler (an
    HTTP server, or a program that accepts and stays silent, does not), within as long again a worker must be
    there; otherwise :class:`ClusterUnavailable` says which. A closed port is refused at once.
    """
    from distributed import Client

    deadline = time.monotonic() + timeout_s
    await _reachable(address, stop, deadline, timeout_s)
    client = Client(address, asynchronous=True, timeout=deadline - time.monotonic() + CLOSE_S,  # ours comes first
                    set_as_default=False)
    try:
        try:
            await _watched(client, stop, deadline)
        except TimeoutError:
            raise _unavailable(address, f"keine Antwort eines Dask-Schedulers innerhalb von {_seconds(timeout_s)} "
                                        "(antwortet dort ein anderes Programm, etwa ein Webserver?)") from None
        except (_Stopped, ClusterUnavailable):
            raise
        except Exception as exc:  # noqa: BLE001 - whatever the peer sent, it is no scheduler's answer
            raise _unavailable(address, f"die Gegenstelle antwortet nicht wie ein Dask-Scheduler "
                                        f"({type(exc).__name__})") from None
        try:
            await _watched(client.wait_for_workers(1), stop, time.monotonic() + timeout_s)
        except TimeoutError:
            raise ClusterUnavailable(f"Der Dask-Scheduler unter {address} hat keinen Arbeitsprozess: innerhalb von "
                                     f"{_seconds(timeout_s)} hat sich keiner angemeldet (auf den Rechnern des "
                                     f"Clusters „dask worker {address}“ starten).") from None
    except BaseException:
        await _close(client, [])
        raise
    return client


async def _reachable(address: str, stop, deadline: float, timeout_s: float) -> None:
    """Open and close one TCP connection to ``address`` before the deadline (``timeout_s`` seconds after the start):
    a closed port, an unknown host or an unreachable network is a :class:`ClusterUnavailable` at once
    (``distributed`` retries those until its timeout)."""
    host, port = _host_port(address)
    try:
        _, writer = await _watched(asyncio.open_connection(host, port), stop, deadline)
    except TimeoutError:
        raise _unavailable(address, f"keine Verbindung innerhalb von {_seconds(timeout_s)} "
                                    "(Rechner aus, Firewall?)") from None
    except socket.gaierror:
        raise _unavailable(address, f"Rechner {host} nicht gefunden") from None
    except ConnectionRefusedError:
        raise _unavailable(address, f"Verbindung abgelehnt, an Port {port} wartet kein Programm") from None
    except OSError as exc:
        name = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
        raise _unavailable(address, f"keine Verbindung ({name})") from None
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), CLOSE_S)
    except (OSError, TimeoutError):
        pass


async def _outcome(future) -> tuple:
    """``(value, None)`` of a finished cluster future, or ``(None, exception)`` of a failed or lost one."""
    try:
        return await future, None
    except asyncio.CancelledError as exc:
        if not future.cancelled():  # this coroutine was cancelled, not the cluster's task
            raise
        return None, exc
    except Exception as exc:  # noqa: BLE001 - a lost worker is one failed report
        return None, exc


def _received(task, value, error: BaseException | None, run_dir: Path):
    """The result of one task, its files written into ``run_dir`` (each inside it, or the task failed)."""

    if error is None:
        try:
            result, files = value
            root = run_dir.resolve()
            for name, data in files.items():
                target = (root / name).resolve()
                if not target.is_relative_to(root) or target == root:
                    raise ValueError(f"Datei außerhalb des Laufordners: {shown_value(name)}")
                atomic_write_bytes(target, data)
            return result
        except Exception as exc:  # noqa: BLE001 - a file that cannot be written fails this report
            error = exc
    return TaskResult(task, "failed", 0.0, error=failure_record(error))


async def _close(client, futures: list) -> None:
    """Cancel ``futures`` on the cluster and close ``client``, each within :data:`CLOSE_S` seconds."""
    for step in ([client.cancel(futures)] if futures else []) + [client.close(timeout=CLOSE_S)]:
        try:
            await asyncio.wait_for(step, CLOSE_S)
        except Exception:  # noqa: BLE001, S110 - a scheduler gone away: nothing left to cancel or close
            pass
