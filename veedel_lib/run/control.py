"""Stopping a run cleanly: signals, worker processes, the lock of a run folder, temporary leftovers.

``veedel run`` starts worker processes (each with a notebook kernel) and a browser for the PDFs. When the
planner presses Ctrl-C (SIGINT to the whole process group) or the system sends SIGTERM to the main process,
the main process takes over: :class:`StopSignals` only records the signal, the run loop sees it within half
a second, cancels what has not started, terminates the workers (each of which kills its kernel, see
:func:`worker_init`), stops the browser, writes the manifest marking every unfinished report and exits with
130 (SIGINT) or 143 (SIGTERM). Workers ignore SIGINT themselves, so a Ctrl-C never lets a worker report a
half-finished notebook as done.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConfigurationError
from ..files import PARTIAL

SIGNAL_NAMES = {signal.SIGINT: "Strg+C", signal.SIGTERM: "SIGTERM"}
"""How the one German sentence of an interrupted run names the signal."""


class StopSignals:
    """Records SIGINT and SIGTERM in the main process while a run is active (use as a context manager).

    The handlers only set :attr:`signum`; the run loop polls it. Outside the main thread (a run started
    from a thread) signals cannot be handled and nothing is installed.
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[int, object] = {}

    def _record(self, signum: int, frame) -> None:
        self.signum = self.signum or signum

    @property
    def requested(self) -> bool:
        return self.signum is not None

    def __enter__(self) -> "StopSignals":
        if threading.current_thread() is threading.main_thread():
            for signum in SIGNAL_NAMES:
                self._previous[signum] = signal.signal(signum, self._record)
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()


def _terminate_worker(signum: int, frame) -> None:
    """SIGTERM in a worker: kill its notebook kernel, then end the worker at once."""
    from . import engine

    engine.kill_kernel()
    os._exit(128 + signum)


def worker_init() -> None:
    """Initialiser of every worker process: Ctrl-C is the main process's business; SIGTERM kills the kernel.

    Workers are forked from the main process and would otherwise inherit its recording handlers.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminate_worker)


def terminate_workers(timeout_s: float = 10.0) -> None:
    """Terminate every worker process of this process (SIGTERM, then SIGKILL after ``timeout_s`` seconds)."""
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:
        child.join(timeout_s)
        if child.is_alive():
            child.kill()
            child.join(timeout_s)


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete temporary files and folders (``*.partial*``) that stopped workers left under ``folder``."""
    import shutil

    removed = []
    for path in sorted(folder.rglob(f"*{PARTIAL}*"), reverse=True):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


@contextmanager
def run_lock(outputs: Path, run_id: str) -> Iterator[Path]:
    """Hold the lock of one run folder (``outputs/.<run-id>.lock``) while a run or retry writes into it.

    A second ``veedel run --retry-failed`` on the same run gets a German error instead of writing into the
    same files. The lock is released in every case (also when the process dies: it is an OS file lock).
    """
    path = outputs / f".{run_id}.lock"
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigurationError(f"Der Lauf {run_id} wird gerade von einem anderen veedel-Prozess bearbeitet; "
                                     f"bitte warten, bis er fertig ist.") from None
        try:
            yield path
        finally:
            path.unlink(missing_ok=True)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()
