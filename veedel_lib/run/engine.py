"""A papermill engine that keeps one warm kernel per worker process.

Papermill normally starts a new kernel for every notebook, and every notebook then imports pandas,
statsmodels, matplotlib and the library again: seconds per report that do no analysis. ``veedel run``
executes notebooks in a few worker processes; with this engine each worker starts its kernel once and
runs all its notebooks in it. Before each notebook the kernel's namespace is cleared (``%reset -f``),
so no variable of one area can leak into the next report; imported modules (and the library's
in-memory dataset cache, keyed by the bytes of the input files) stay loaded. A kernel that died is
replaced by a fresh one. Papermill still parameterises, executes and records every notebook.

Papermill writes the whole notebook to disk before and after every cell, so that a long notebook can be
watched while it runs. A report of a dozen cells with inline figures is rewritten some forty times that way
(a quarter to two thirds of a second per report). The engine keeps papermill's own safety net instead: the
notebook is written when it ends (also when it fails) and in between only when papermill's autosave interval
has passed.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import tempfile
from multiprocessing import util

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, NotebookExecutionManager, papermill_engines

ENGINE_NAME = "veedel-warm"
logger = logging.getLogger("papermill")

_kernel_manager = None
_kernel_client = None
"""The client of the warm kernel, kept connected between notebooks (see :meth:`WarmKernelEngine._reset`)."""
_socket_dir: str | None = None
_active_manager = None
"""The kernel manager of the notebook executing right now (also the first one, before it is kept warm)."""


def _new_kernel_manager(kernel_name: str) -> AsyncKernelManager:
    """A kernel manager using IPC sockets in a private temporary folder instead of TCP ports.

    The kernel is then reachable only through the local file system (no plain-text TCP traffic,
    no warning about it in every run), and the socket files never land in the notebook's folder.
    """
    global _socket_dir
    _socket_dir = _socket_dir or tempfile.mkdtemp(prefix="veedel-kernel-")
    return AsyncKernelManager(kernel_name=kernel_name, transport="ipc", ip=os.path.join(_socket_dir, "kernel"))


def _forget_inherited_kernel() -> None:
    """In a child process made by fork: the kernel and sockets seen in the parent are the parent's.

    A child that used them would talk to the parent's kernel (messages of two processes on one channel, "Invalid
    Signature" in the kernel); it starts its own kernel instead. Runs after every fork (``os.register_at_fork``).
    """
    global _kernel_manager, _kernel_client, _socket_dir, _active_manager
    _kernel_manager = _kernel_client = _socket_dir = _active_manager = None


os.register_at_fork(after_in_child=_forget_inherited_kernel)


def shutdown() -> None:
    """Stop this process's warm kernel now (it is otherwise stopped when the process exits)."""
    _shutdown()


def _shutdown() -> None:
    """Stop the worker's kernel and remove its sockets (registered to run when the worker process exits)."""
    global _kernel_manager, _socket_dir
    _close_client()
    if _kernel_manager is not None:
        try:
            run_sync(_kernel_manager.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - the process is ending anyway
            pass
        _kernel_manager = None
    if _socket_dir is not None:
        shutil.rmtree(_socket_dir, ignore_errors=True)
        _socket_dir = None


def kill_kernel() -> None:
    """Kill the worker's kernel at once (SIGKILL to its process group) and remove its sockets.

    Used when the worker itself is terminated (an interrupted run): there is no time for a polite
    shutdown through the kernel's channels, and the worker's event loop may be in the middle of a cell.
    """
    global _kernel_manager, _socket_dir, _active_manager
    manager = _active_manager or _kernel_manager
    provisioner = getattr(manager, "provisioner", None) if manager is not None else None
    pid = getattr(provisioner, "pid", None)
    group = getattr(provisioner, "pgid", None)
    if pid:
        try:
            if group and group != os.getpgrp():  # the kernel runs in a session of its own
                os.killpg(group, signal.SIGKILL)
            else:
                os.kill(pid, signal.SIGKILL)
        except OSError:  # already gone
            pass
    _kernel_manager = _active_manager = None
    _close_client()
    if _socket_dir is not None:
        shutil.rmtree(_socket_dir, ignore_errors=True)
        _socket_dir = None


def _close_client() -> None:
    """Close the channels of the kept kernel client, if there is one."""
    global _kernel_client
    if _kernel_client is not None:
        try:
            _kernel_client.stop_channels()
        except Exception:  # noqa: BLE001 - its kernel is gone or going
            pass
        _kernel_client = None


class SparseSaves(NotebookExecutionManager):
    """Papermill's execution record, written at the notebook's end and at most every autosave interval before."""

    finished = False

    def save(self, **kwargs) -> None:
        """Write the notebook if it has ended or ``autosave_cell_every`` seconds have passed since the last write."""
        waited = (self.now() - self.last_save_time).total_seconds()
        if self.finished or (self.autosave_cell_every and waited >= self.autosave_cell_every):
            super().save(**kwargs)

    def notebook_complete(self, **kwargs) -> None:
        self.finished = True
        super().notebook_complete(**kwargs)


RESET = "%reset -f\n__import__('gc').freeze()"
"""What the kernel runs between two notebooks (see :meth:`WarmKernelEngine._reset`)."""


class WarmKernelEngine(Engine):
    """Executes notebooks in a kernel that outlives a single notebook (one per process)."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                         autosave_cell_every=30, **kwargs):
        """Papermill's :meth:`Engine.execute_notebook` with the execution record of :class:`SparseSaves`."""
        nb_man = SparseSaves(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                             autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        global _kernel_manager, _kernel_client, _active_manager
        if _kernel_manager is not None and not run_sync(_kernel_manager.is_alive)():
            _kernel_manager = None
            _close_client()
        km = _active_manager = _kernel_manager or _new_kernel_manager(kernel_name)
        client = PapermillNotebookClient(nb_man, km=km, kernel_name=kernel_name,
                                         timeout=execution_timeout, startup_timeout=start_timeout, log=logger,
                                         log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
        first = _kernel_manager is None
        ended = False
        try:
            if not first:
                cls._reset(client)
            client.execute(cleanup_kc=False)
            ended = True
        finally:
            if client.km is not None and _kernel_manager is None:
                _kernel_manager = client.km
                util.Finalize(None, _shutdown, exitpriority=10)
            if ended and client.kc is not None:
                _kernel_client = client.kc  # still connected, for the next notebook
            elif client.kc is not None:  # a failed or interrupted notebook: the next one connects afresh
                client.kc.stop_channels()
                _kernel_client = None
            _active_manager = None
        return nb_man.nb

    @staticmethod
    def _reset(client: PapermillNotebookClient) -> None:
        """Clear the user namespace left by the previous notebook before the next one starts.

        ``%reset`` ends with two full garbage collections; afterwards what survived (modules, the datasets and
        other caches) is moved out of the collector's sight (:func:`gc.freeze`), so that each later reset and the
        collections during a report look only at the objects of one notebook: over the 220 000 objects of a warm
        kernel the two collections took 0,21 s per report. Frozen objects are still freed when no longer referenced.

        The client of the previous notebook stays connected when that notebook ended normally: a new client first
        waits until the kernel's output channel reaches it (``wait_for_ready`` ends with 0,2 s of listening for
        stray output), a fifth of a second per report in which the worker does nothing. Leftover messages of the
        previous notebook answer its own requests and are ignored (the client reads only replies to its messages).
        """
        if _kernel_client is not None:
            client.kc = _kernel_client
        else:
            client.kc = client.km.client()
            client.kc.start_channels()
            run_sync(client.kc.wait_for_ready)(timeout=60)
        run_sync(client.kc.execute_interactive)(RESET, store_history=False, timeout=60, output_hook=lambda msg: None)


def register() -> str:
    """Make the engine known to papermill; returns its name.

    The installed package declares the engine under papermill's ``papermill.engine`` entry point, so
    papermill finds it by itself; registering it again through papermill's public ``register`` (it only
    sets the name) also covers a library run from a source folder without installation.
    """
    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)
    return ENGINE_NAME
