"""A registry on another host is reached over TLS that checks the certificate."""

from __future__ import annotations

import pytest

from qantar.errors import QantarError
from qantar.store.engine import with_tls


def test_remote_postgres_gets_verify_full() -> None:
    url = with_tls("postgresql+psycopg://qantar@db.example.org/qantar")
    assert url.endswith("?sslmode=verify-full")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://qantar@localhost/qantar",
        "postgresql+psycopg://qantar@127.0.0.1:5433/qantar",
        "postgresql+psycopg://qantar@/qantar?host=/var/run/postgresql",
        "sqlite:///qantar.db",
    ],
)
def test_local_connections_are_left_alone(url: str) -> None:
    assert with_tls(url) == url


def test_weaker_tls_needs_saying_in_the_settings() -> None:
    url = "postgresql+psycopg://qantar@db.example.org/qantar?sslmode=require"
    with pytest.raises(QantarError, match='database_tls = "require"'):
        with_tls(url)
    assert with_tls(url, "require") == url
    assert with_tls("postgresql+psycopg://q@db.example.org/q", "require").endswith(
        "sslmode=require"
    )
    with pytest.raises(QantarError, match="not a PostgreSQL sslmode"):
        with_tls("postgresql+psycopg://q@db.example.org/q", "yes please")
