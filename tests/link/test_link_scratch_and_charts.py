"""#16.4: a killed `link` leaves no DuckDB file of names behind for long, and the model
charts carry no names and load nothing from a CDN."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import link_scenario as ls

from qantar import Project
from qantar.link import run
from qantar.link._backend import SCRATCH_PREFIX, session
from qantar.settings import LinkSettings

SRC = Path(__file__).resolve().parents[2] / "src"
MARKER = "Канареечкин"

_HOLD_SCRATCH = f"""
import sys, time
from pathlib import Path
from qantar.link._backend import session
from qantar.settings import LinkSettings
with session(LinkSettings(), Path(sys.argv[1])) as backend:
    backend.local.execute("CREATE TABLE names AS SELECT '{MARKER}' AS surname")
    backend.local.execute("CHECKPOINT")
    print("ready", flush=True)
    time.sleep(120)
"""


def test_rule_4_killed_link_scratch_is_swept_by_the_next_run(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD_SCRATCH, str(runs)],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        (scratch,) = runs.glob(SCRATCH_PREFIX + "*")
        assert stat.S_IMODE(scratch.stat().st_mode) == 0o700
        assert MARKER.encode() in (scratch / "splink.duckdb").read_bytes()
        # While its run is alive, another run leaves the folder alone.
        with session(LinkSettings(), runs):
            assert scratch.exists()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert scratch.exists()  # a kill -9 runs no clean-up
    with session(LinkSettings(), runs):
        assert not scratch.exists()
    assert not list(runs.glob(SCRATCH_PREFIX + "*"))


def test_rule_4_charts_have_no_names_and_no_cdn(project: Project, tmp_path: Path) -> None:
    sc = ls.generate(80, seed=4, lists=3, dup_rate=0.05)
    ls.store(project, sc)
    charts = tmp_path / "charts"
    run(project, seed=3, charts=charts)
    files = sorted(charts.glob("*.html"))
    assert files
    words = {
        w
        for rows in sc.lists.values()
        for rec in rows
        for field in ("name_raw", "surname_raw", "given_raw")
        for w in str(rec.get(field) or "").split()
        if len(w) >= 4
    }
    for file in files:
        html = file.read_text(encoding="utf-8")
        assert "cdn.jsdelivr" not in html and "<script src=" not in html.replace(" ", "")
        assert "vega" in html  # the library itself is inlined
        leaked = sorted(w for w in words if w in html)
        assert not leaked, (file.name, leaked[:5])
