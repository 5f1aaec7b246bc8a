"""The web app's settings, from ``[web]`` in qantar.toml (all optional)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from qantar.errors import QantarError


@dataclass(frozen=True)
class WebSettings:
    # Minutes without a request after which a session ends.
    idle_minutes: int = 30
    # "auto": Secure cookies when the request came over TLS (directly, or X-Forwarded-Proto
    # from a trusted proxy); "always" behind any TLS proxy; "never" only for local testing.
    secure_cookies: str = "auto"
    # Addresses whose X-Forwarded-For / X-Forwarded-Proto are believed (the reverse proxy).
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    # Largest upload accepted, in megabytes.
    max_upload_mb: int = 50
    # Seconds a failed sign-in waits before answering, times recent failures (capped).
    failure_delay: float = 1.0
    # Where the team reaches the app: the enrolment links printed by `qantar users add`.
    base_url: str = "http://127.0.0.1:8000"

    @property
    def idle(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.idle_minutes)

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> WebSettings:
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(section) - set(known))
        if unknown:
            raise QantarError(f"qantar.toml [web] has unknown keys: {', '.join(unknown)}")
        values = dict(section)
        if "trusted_proxies" in values:
            values["trusted_proxies"] = tuple(values["trusted_proxies"])
        if values.get("secure_cookies", "auto") not in ("auto", "always", "never"):
            raise QantarError('qantar.toml [web] secure_cookies is "auto", "always" or "never"')
        return cls(**values)
