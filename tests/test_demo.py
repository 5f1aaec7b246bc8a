"""The main job end to end, as `make demo` runs it (smaller, to keep CI quick)."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from qantar.demo import run_demo


def test_demo_runs_the_whole_job_and_reports_beside_the_truth(tmp_path: Path) -> None:
    summary = run_demo(out=tmp_path, seed=3, console=Console(file=None, quiet=True), n=300)
    assert summary.true_n == 300
    assert summary.records > summary.persons > 0
    # Linked persons can exceed the true documented count (missed links) or fall short
    # (false links), but not by much on the default scenario.
    assert abs(summary.documented - summary.true_documented) <= 0.15 * summary.true_documented
    assert summary.lower <= summary.estimate <= summary.upper
    assert summary.estimate >= summary.documented
    assert summary.link_truth is not None and summary.link_truth["f1"] > 0.9
    assert summary.report.is_file() and summary.site.is_file()
    saved = json.loads((summary.project / "runs" / "demo-summary.json").read_text("utf-8"))
    assert saved["true_n"] == 300
