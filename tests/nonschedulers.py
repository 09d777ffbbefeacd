"""Programs on 127.0.0.1 that are no Dask scheduler, for the tests of ``veedel run --scheduler``.

Each is a context manager yielding its ``tcp://127.0.0.1:PORT`` address (an ephemeral port) and stops by itself
when the block ends: an HTTP server, a listener that accepts connections and never says a word, and a port that
nothing listens on.
"""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Page(http.server.BaseHTTPRequestHandler):
    """Answers every GET with a small HTML page and logs nothing."""

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        body = b"<html><body>Kein Dask-Scheduler</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@contextmanager
def http_server() -> Iterator[str]:
    """A web server (python's ``http.server``) in a thread of this process."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def silent_listener(accepted: threading.Event | None = None) -> Iterator[str]:
    """A TCP port that accepts every connection and never sends anything; ``accepted`` is set at the first one."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    connections: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                connections.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return
            if accepted is not None:
                accepted.set()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        done.set()
        thread.join(5)
        listener.close()
        for connection in connections:
            connection.close()


@contextmanager
def closed_port() -> Iterator[str]:
    """A port that was free a moment ago and that nothing listens on."""
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    yield f"tcp://127.0.0.1:{port}"
