"""The web app's settings: ``[web]`` of qantar.toml, typed and checked with the rest of the
file by :mod:`qantar.settings`."""

from __future__ import annotations

from qantar.settings import WebSettings

__all__ = ["WebSettings"]
