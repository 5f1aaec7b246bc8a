from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qantar import Project

TEST_PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _passphrase(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every project a test makes is protected by this passphrase, with a cheap scrypt (the
    work factor is stored in each key file, so nothing outside the tests is weakened), and
    an unlocked key is remembered in a folder of the test's own, not the machine's."""
    monkeypatch.setenv("QANTAR_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.delenv("QANTAR_PASSPHRASE_FD", raising=False)
    monkeypatch.setenv("QANTAR_KDF_LOG_N", "10")
    runtime = tmp_path_factory.mktemp("runtime")
    runtime.chmod(0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A fresh real project folder with a real SQLite database."""
    p = Project.init(tmp_path / "case")
    yield p
    p.close()
