"""What every response carries, and what the server logs: headers that keep the page to
itself, and an access log of route templates (never a path with a person id, a token or a
search term, never a query string)."""

from __future__ import annotations

import logging
import time
from typing import Any

Scope = dict[str, Any]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    # Pages hold names: no browser or proxy keeps a copy.
    (b"cache-control", b"no-store"),
]

access_log = logging.getLogger("qantar.web.access")


class SecurityHeaders:
    """Pure ASGI middleware: adds ``HEADERS`` to every HTTP response and logs each request
    as method, route template and status."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status: list[int] = []
        started = time.perf_counter()

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
                names = {name for name, _ in HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + HEADERS
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "(no route)"
            access_log.info(
                "%s %s %s %.0fms",
                scope.get("method", "-"),
                template,
                status[0] if status else "-",
                (time.perf_counter() - started) * 1000,
            )
