"""Every list of a scenario imports cleanly into a real project with auto-mapped headers."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from _cli import run_cli

from qantar import Project
from qantar.ingest import import_file, iter_quarantine, iter_records
from qantar.synth import ScenarioConfig, generate, write_scenario


@pytest.mark.parametrize("formats", [("csv", "xlsx"), ("xlsx",)])
def test_lists_import_without_quarantine(
    project: Project, tmp_path: Path, formats: tuple[str, ...]
) -> None:
    # Seed 1 writes the official list in cp1251.
    sc = generate(ScenarioConfig(n=250, detainees=40), seed=1)
    paths = write_scenario(sc, tmp_path / "out", formats=formats)
    meta = json.loads(paths["scenario"].read_text(encoding="utf-8"))
    if "csv" in formats:
        assert meta["lists"]["official"]["encoding"] == "cp1251"
    with (tmp_path / "out" / "truth.csv").open(encoding="utf-8", newline="") as f:
        truth = list(csv.DictReader(f))
    for name, sl in sc.lists.items():
        result = import_file(project, paths[name], source=name, kind=sl.spec.kind)
        assert result.rows_read == len(sl.rows)
        assert result.rows_stored == len(sl.rows), name
        assert result.rows_quarantined == 0 and result.fields_quarantined == 0, (
            name,
            result.problems_preview,
        )
        unmapped = [c.header for c in result.columns if c.field is None]
        assert unmapped == [], (name, unmapped)
        stored = list(iter_records(project, source=name))
        assert sorted(r["source_record_id"] for r in stored) == sorted(
            t["record_id"] for t in truth if t["source"] == name
        )
        placed = sum(r["place_id"] is not None for r in stored)
        assert placed >= 0.97 * len(stored), (name, placed, len(stored))
        events = Counter(r["event_type"] for r in stored)
        if name in ("official", "morgue"):
            # Death lists have no status column: the importer reads "killed" from the date
            # column's header, so only rows without a date lack it.
            assert set(events) <= {"killed", None}, (name, events)
            undated = sum(not r["event_date_raw"] for r in stored)
            assert events[None] == undated, (name, events, undated)
    assert list(iter_quarantine(project)) == []


def test_cli_scenario_and_histories(tmp_path: Path) -> None:
    out = tmp_path / "sc"
    res = run_cli(
        None,
        "synth",
        str(out),
        "--n",
        "80",
        "--seed",
        "3",
        "--lists",
        "3",
        "--file-format",
        "csv",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["N"] == 80
    assert sorted(p.name for p in out.glob("*.csv")) == [
        "histories.csv", "ngo.csv", "official.csv", "population.csv", "press.csv", "truth.csv"
    ]  # fmt: skip
    assert json.loads((out / "scenario.json").read_text(encoding="utf-8"))["N"] == 80
    hist = tmp_path / "h.csv"
    res = run_cli(
        None,
        "synth",
        "histories",
        str(hist),
        "--n",
        "500",
        "--lists",
        "3",
        "--strata",
        "almaty=0.7,regions=0.3",
        "--heterogeneity",
        "0.5",
        "--seed",
        "4",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.output
    info = json.loads(res.output)
    assert info["N"] == 500 and info["n_by_stratum"] == {"almaty": 350, "regions": 150}
    with hist.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["stratum", "L1", "L2", "L3", "count"]
    assert sum(int(r["count"]) for r in rows) == info["observed"]


def test_cli_user_errors_exit_2(tmp_path: Path) -> None:
    import subprocess
    import sys

    src = Path(__file__).resolve().parents[2] / "src"
    for args in (
        ["synth", str(tmp_path / "a"), "--file-format", "pdf"],
        ["synth", str(tmp_path / "b"), "--lists", "9"],
        ["synth", "histories", str(tmp_path / "h.csv"), "--strata", "a=x"],
    ):
        res = subprocess.run(
            [sys.executable, "-m", "qantar", *args],
            env={"PYTHONPATH": str(src), "PATH": ""},
            capture_output=True,
            text=True,
        )
        assert res.returncode == 2, (args, res.stderr)
        assert res.stderr.startswith("error:") and "Traceback" not in res.stderr
    assert not (tmp_path / "a").exists()
