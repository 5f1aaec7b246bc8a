from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from qantar import Project

TEST_PASSPHRASE = "correct horse battery staple"
_RUNTIME: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """Every project a test makes (module fixtures and subprocesses included) is protected
    by this passphrase, with a cheap scrypt (the work factor is stored in each key file, so
    nothing outside the tests is weakened), and an unlocked key or a linkage scratch of an
    encrypted project goes to a folder of the test run's own, not the machine's."""
    os.environ["QANTAR_PASSPHRASE"] = TEST_PASSPHRASE
    os.environ.pop("QANTAR_PASSPHRASE_FD", None)
    os.environ["QANTAR_KDF_LOG_N"] = "10"
    # The CLI speaks the locale's language: the tests read its English, whatever the
    # machine's locale (tests of Kazakh and Russian set QANTAR_LANG themselves).
    os.environ["QANTAR_LANG"] = "en"
    runtime = tempfile.mkdtemp(prefix="qantar-test-runtime-")
    os.chmod(runtime, 0o700)
    os.environ["XDG_RUNTIME_DIR"] = runtime
    _RUNTIME.append(runtime)


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _RUNTIME:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A fresh real project folder with a real SQLite database."""
    p = Project.init(tmp_path / "case")
    yield p
    p.close()
