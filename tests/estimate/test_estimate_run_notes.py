"""What a run says about itself: dga left out at six lists is said in one line."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from qantar.cli import main
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
    monkeypatch.setattr(
        sys, "argv", ["qantar", "estimate", "--histories", str(path), "--method", "all",
                      "--iterations", "300", "--chains", "2", "--format", "json"],
    )  # fmt: skip
    try:
        main()
    except SystemExit as exc:
        assert not exc.code
    data = json.loads(capsys.readouterr().out)
    assert [m["method"] for m in data.get("methods", [])] == ["loglinear"]
    assert any("dga was not run" in w for w in data["warnings"])
