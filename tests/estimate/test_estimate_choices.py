"""Sensitivity, the headline method, disagreement between methods, dga beyond five lists
and the CLI's tuning options."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from _cli import run_cli

from qantar import Project
from qantar.errors import InputError
from qantar.estimate import (
    estimate,
    estimate_project,
    pool_smallest_lists,
    sensitivity,
    write_run,
)
from qantar.estimate._diagnostics import DISAGREEMENT_SHARE, method_disagreement
from qantar.estimate._result import Estimate
from qantar.model.histories import Histories

FAST = {"burnin": 1_000, "samples": 200, "thinning": 5, "chains": 2, "until_converged": False}


def hidden_class(n_lists: int = 4, truth: int = 3000, seed: int = 3) -> Histories:
    rng = np.random.default_rng(seed)
    visible = rng.random(truth) < 0.4
    high = rng.uniform(0.4, 0.7, n_lists)
    low = rng.uniform(0.05, 0.2, n_lists)
    p = np.where(visible[:, None], high, low)
    rows = (rng.random((truth, n_lists)) < p).astype(np.uint8)
    return Histories.from_rows([f"L{j + 1}" for j in range(n_lists)], rows)


def six_lists() -> Histories:
    rng = np.random.default_rng(8)
    p = np.array([0.4, 0.35, 0.3, 0.25, 0.08, 0.05])
    rows = (rng.random((2500, 6)) < p).astype(np.uint8)
    return Histories.from_rows(["A", "B", "C", "D", "E", "F"], rows)


def fake(method: str, estimate_: float, lower: float, upper: float) -> Estimate:
    return Estimate(method, ("A", "B", "C"), 100, estimate_, lower, upper)


def test_disagreement_by_share_even_when_intervals_overlap() -> None:
    # Kosovo: log-linear 37% above LCMCR with overlapping intervals; nothing was said.
    apart = method_disagreement(
        [fake("lcmcr", 10_400, 9_000, 14_000), fake("loglinear", 14_250, 13_000, 15_500)]
    )
    assert len(apart) == 1 and "differ by 37%" in apart[0]
    close = method_disagreement(
        [fake("lcmcr", 10_400, 9_000, 14_000), fake("loglinear", 10_900, 9_500, 12_000)]
    )
    assert DISAGREEMENT_SHARE > (10_900 - 10_400) / 10_400 and close == []
    beyond = method_disagreement(
        [fake("lcmcr", 10_400, 9_000, 11_000), fake("dga", 13_000, 12_000, 14_000)]
    )
    assert len(beyond) == 1 and "beyond their intervals" in beyond[0]


def test_sensitivity_table_has_every_analysis() -> None:
    h = hidden_class()
    table = sensitivity(h, seed=4, **FAST)
    analyses = [row["analysis"] for row in table["rows"]]
    assert analyses.count("methods") == 3  # lcmcr, loglinear, dga
    assert [r["label"] for r in table["rows"] if r["analysis"] == "lcmcr classes"] == [
        "K = 5",
        "K = 10",
        "K = 20",
    ]
    priors = [r for r in table["rows"] if r["analysis"] == "lcmcr prior on alpha"]
    assert [(r["a_alpha"], r["b_alpha"]) for r in priors] == [(1.0, 0.25)]
    dropped = [r["dropped"] for r in table["rows"] if r["analysis"] == "leave one list out"]
    assert dropped == list(h.lists)
    models = [r for r in table["rows"] if r["analysis"] == "log-linear models"]
    assert 1 <= len(models) <= 5
    assert [m["aic"] for m in models] == sorted(m["aic"] for m in models)
    head = [r for r in table["rows"] if r.get("headline")]
    assert len(head) == 1 and head[0]["method"] == "lcmcr"
    assert table["headline"]["method"] == "lcmcr"
    for row in table["rows"]:
        assert row["lower"] <= row["estimate"] <= row["upper"]
    # Log-linear independence models miss the hidden class: their intervals sit below
    # LCMCR's, and the table says so.
    assert any("does not overlap the headline" in w for w in table["warnings"])
    # The headline's model checks travel with the table.
    assert table["checks"]["predictive_check"]["flagged"] in (True, False)
    assert table["checks"]["dependence_check"]["tested"] is True


def test_headline_is_what_qantar_toml_fixed(project: Project) -> None:
    h = hidden_class()
    (project.root / "qantar.toml").write_text(
        (project.root / "qantar.toml")
        .read_text(encoding="utf-8")
        .replace('# headline_method = "lcmcr"', 'headline_method = "loglinear"'),
        encoding="utf-8",
    )
    reopened = Project.open(project.root)
    try:
        result, folder = estimate_project(
            reopened, method="all", seed=1, histories=h, sensitivity=True, **FAST
        )
    finally:
        reopened.close()
    assert result.method == "loglinear"
    assert [o.method for o in result.others] == ["lcmcr", "dga"]
    assert result.sensitivity is not None
    assert result.sensitivity["headline"]["method"] == "loglinear"
    assert folder is not None
    saved = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    assert saved["sensitivity"]["headline"]["method"] == "loglinear"
    for name in ("sensitivity.svg", "sensitivity.png", "trace-lcmcr.png", "trace-lcmcr.svg"):
        assert (folder / name).stat().st_size > 0


def test_six_lists_name_the_remedy_and_pool_when_asked() -> None:
    h = six_lists()
    pooled, names = pool_smallest_lists(h)
    assert names == ["E", "F"]
    assert pooled.lists == ("A", "B", "C", "D", "E+F")
    assert pooled.observed == h.observed
    without = estimate(h, method="all", seed=1, **FAST)
    assert [o.method for o in without.others] == ["loglinear"]
    assert any("pool the smallest lists (E, F)" in w for w in without.warnings)
    with pytest.raises(InputError, match="pool the smallest lists"):
        estimate(h, method="dga", seed=1)
    with pytest.raises(InputError, match="headline method dga does not run on these 6 lists"):
        sensitivity(h, seed=1, headline="dga", **FAST)
    pooled_run = estimate(h, method="all", seed=1, pool_smallest=True, **FAST)
    dga_result = pooled_run.others[-1]
    assert dga_result.method == "dga"
    assert dga_result.lists == ("A", "B", "C", "D", "E+F")
    assert "E, F" in dga_result.warnings[0]
    # The other methods keep every list.
    assert pooled_run.lists == h.lists


def write_histories(path: Path, h: Histories) -> Path:
    lines = [",".join([*h.lists, "count"])]
    for row, count in zip(h.patterns.tolist(), h.counts.tolist(), strict=True):
        lines.append(",".join(str(v) for v in [*row, count]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_tuning_options_reach_the_methods(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write_histories(tmp_path / "h.csv", hidden_class())
    fast = ["--burnin", "500", "--draws", "150", "--thinning", "4", "--chains", "2", "--fixed"]
    code, out, _ = run_cli(
        None,
        "estimate",
        "--histories",
        str(csv),
        "--method",
        "all",
        "--classes",
        "6",
        "--a-alpha",
        "2",
        "--b-alpha",
        "0.5",
        "--criterion",
        "BIC",
        "--average-models",
        "--delta",
        "0.5",
        "--format",
        "json",
        *fast,
    )
    assert code == 0
    data = json.loads(out)
    settings = data["settings"]
    assert (settings["n_classes"], settings["a_alpha"], settings["b_alpha"]) == (6, 2.0, 0.5)
    assert (settings["burnin"], settings["samples"], settings["thinning"]) == (500, 150, 4)
    assert settings["until_converged"] is False
    assert data["diagnostics"]["draws_per_chain"] == 150
    by_method = {m["method"]: m for m in data["methods"]}
    assert by_method["loglinear"]["settings"]["criterion"] == "BIC"
    assert by_method["loglinear"]["settings"]["average"] is True
    assert by_method["dga"]["settings"]["delta"] == 0.5


def test_cli_sensitivity_and_pooling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write_histories(tmp_path / "six.csv", six_lists())
    fast = ["--burnin", "500", "--draws", "100", "--thinning", "3", "--chains", "2", "--fixed"]
    code, out, _ = run_cli(
        None,
        "estimate",
        "--histories",
        str(csv),
        "--method",
        "dga",
        "--pool-smallest",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["lists"] == ["A", "B", "C", "D", "E+F"]
    out = tmp_path / "run"
    code, printed, _ = run_cli(
        None,
        "estimate",
        "--histories",
        str(write_histories(tmp_path / "four.csv", hidden_class())),
        "--sensitivity",
        "--out",
        str(out),
        *fast,
    )
    assert code == 0
    assert "Sensitivity" in printed and "without L1" in printed
    saved = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert {r["analysis"] for r in saved["sensitivity"]["rows"]} == {
        "methods",
        "lcmcr classes",
        "lcmcr prior on alpha",
        "leave one list out",
        "log-linear models",
    }
    assert (out / "sensitivity.svg").exists()


def test_write_run_has_trace_and_autocorrelation(tmp_path: Path) -> None:
    result = estimate(hidden_class(), method="lcmcr", seed=2, **FAST)
    paths = write_run(result, tmp_path)
    assert paths["trace-lcmcr_png"].stat().st_size > 0
    assert paths["trace-lcmcr_svg"].stat().st_size > 0
