"""What a run says about itself: dga left out at six lists is said in one line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from _cli import run_cli

from qantar.estimate._project import skipped_methods


def test_dga_left_out_is_said() -> None:
    assert skipped_methods("all", 5) == []
    assert skipped_methods("lcmcr", 6) == []
    (line,) = skipped_methods("all", 6)
    assert "dga was not run" in line and "6" in line


def test_method_all_at_six_lists_says_dga_was_not_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = np.random.default_rng(1)
    rows = (rng.random((300, 6)) < 0.35).astype(int)
    path = tmp_path / "six.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*"ABCDEF", "count"])
        writer.writerows([*r, 1] for r in rows if r.any())
    code, out, _ = run_cli(
        None, "estimate", "--histories", str(path), "--method", "all", "--iterations", "300",
        "--chains", "2", "--format", "json",
    )  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert [m["method"] for m in data.get("methods", [])] == ["loglinear"]
    assert any("dga was not run" in w for w in data["warnings"])
