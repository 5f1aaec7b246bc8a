from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from _cli import run_cli

from qantar import Project
from qantar.errors import QantarError
from qantar.estimate import estimate_project, read_histories_csv
from qantar.model.histories import PersonCaptures

KOSOVO = Path(__file__).parents[2] / "src/qantar/data/mse/kosovo.csv"


def test_json_output(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        None,
        "estimate",
        "--histories",
        str(KOSOVO),
        "--method",
        "loglinear",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    for key in (
        "method",
        "lists",
        "observed",
        "estimate",
        "lower",
        "upper",
        "strata",
        "diagnostics",
    ):
        assert key in data
    assert data["observed"] == 4400
    assert data["lists"] == ["EXH", "ABA", "OSCE", "HRW"]


def test_merge_and_drop_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        None,
        "estimate",
        "--histories",
        str(KOSOVO),
        "--method",
        "dga",
        "--merge",
        "ABA+HRW",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["lists"] == ["EXH", "ABA+HRW", "OSCE"]
    code, out, _ = run_cli(
        None,
        "estimate",
        "--histories",
        str(KOSOVO),
        "--method",
        "loglinear",
        "--drop",
        "HRW",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["lists"] == ["EXH", "ABA", "OSCE"]


def test_bad_file_exits_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("A,B,C,count\n1,2,0,4\n", encoding="utf-8")
    code, _, err = run_cli(None, "estimate", "--histories", str(bad))
    assert code == 2
    assert "0 or 1" in err and "Traceback" not in err


def test_project_without_linkage_says_link_first(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(project, "estimate")
    assert code == 2 and "link first" in err
    with pytest.raises(QantarError, match="link first"):
        estimate_project(project)


def test_project_run_saves_draws_and_plots(project: Project) -> None:
    histories = read_histories_csv(KOSOVO)
    result, folder = estimate_project(
        project,
        method="all",
        seed=2,
        provider=lambda p, strata=None: histories,
        iterations=2_000,
        burnin=200,
        samples=200,
        chains=2,
        until_converged=False,
    )
    assert folder is not None and folder.parent == project.runs_dir
    table = pq.read_table(folder / "draws.parquet").to_pydict()
    assert set(table["method"]) == {"lcmcr", "dga"}
    assert len([m for m in table["method"] if m == "lcmcr"]) == 400
    for name in ("posterior.png", "posterior.svg", "result.json"):
        assert (folder / name).stat().st_size > 0
    saved = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    assert saved["estimate"] == pytest.approx(result.estimate, abs=0.1)
    assert saved["settings"]["seed"] == 2


def test_project_path_uses_linked_histories_and_saves_a_run(
    project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import qantar.link

    asked: list[str | None] = []

    def project_captures(p: Project, event_type: str | None = None) -> object:
        asked.append(event_type)
        h = read_histories_csv(KOSOVO)
        rows = np.repeat(h.patterns, h.counts, axis=0)
        return PersonCaptures(h.lists, rows, {"region": [None] * len(rows)})

    monkeypatch.setattr(qantar.link, "project_captures", project_captures, raising=False)
    code, out, _ = run_cli(
        None,
        "--project",
        str(project.root),
        "estimate",
        "--method",
        "loglinear",
        "--merge",
        "ABA+HRW",
        "--seed",
        "3",
        "--format",
        "json",
    )
    assert code == 0
    data = json.loads(out)
    assert asked == ["killed"]
    assert data["lists"] == ["EXH", "ABA+HRW", "OSCE"]
    assert data["settings"]["event_type"] == "killed"
    assert data["settings"]["merge"] == ["ABA+HRW"]
    saved = Path(data["saved_to"])
    assert saved.parent == project.runs_dir.resolve()
    assert (saved / "result.json").exists() and (saved / "posterior.svg").exists()


def test_a_loglinear_run_does_not_import_the_sampler_or_plots() -> None:
    """Start-up: numba (the LCMCR kernel), arviz and matplotlib cost seconds to import and
    a log-linear estimate from the CLI needs none of them."""
    import subprocess

    probe = (
        "import sys\n"
        "from qantar.cli import main\n"
        f"sys.argv = ['qantar', 'estimate', '--histories', {str(KOSOVO)!r}, "
        "'--method', 'loglinear']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('numba', 'arviz', 'matplotlib') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")},
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_impossible_sampler_settings_exit_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(None, "estimate", "--histories", str(KOSOVO), "--chains", "0")
    assert code == 2
    assert "chains >= 1" in err and "Traceback" not in err
