"""The web app served on a free port of 127.0.0.1 in a thread of this process, for as long as
a ``with`` block runs: what the browser tests, the screenshots and the load bench drive (a
real uvicorn, as ``qantar serve`` runs it, never reachable from another machine)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from qantar.web._app import create_app
from qantar.web._settings import WebSettings

if TYPE_CHECKING:
    from qantar.project import Project


@contextmanager
def served_locally(
    project: Project, settings: WebSettings | None = None, *, start_within: float = 20.0
) -> Iterator[str]:
    """Yields the app's address (``http://127.0.0.1:PORT``); stops the server on leaving."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(project, settings or WebSettings())
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_within
    while not server.started and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.05)
    try:
        if not server.started:
            raise RuntimeError("the web app did not start on 127.0.0.1")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
