"""Fixtures of the evidence tests; the test time-stamping authority is in evidence_tsa.py
(a module of its own name: `from conftest import ...` depends on which conftest pytest
imported last)."""

from __future__ import annotations

import pytest
from evidence_tsa import LocalTSA, make_tsa


@pytest.fixture(scope="session")
def tsa() -> LocalTSA:
    return make_tsa()
