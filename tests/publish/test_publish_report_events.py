"""The report counts per event type, names the estimate run it shows, lets the user
choose another, prints its diagnostics as words and a re-run command that works."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from publish_fixtures import Given, store

from qantar import Project
from qantar.errors import QantarError
from qantar.estimate import estimate_project
from qantar.link._features import refresh
from qantar.publish import collect_report_data, render_report

LISTS = ("a", "b", "c")


def _given() -> list[Given]:
    out = []
    for k in range(1, 91):
        # Killed persons (1-60) on two or three lists, detainees (61-80) on lists a and b
        # only, and ten who died in custody (81-90).
        kind = "killed" if k <= 60 else ("detained" if k <= 80 else "died_in_custody")
        on = [name for i, name in enumerate(LISTS) if (k * (i + 2)) % 5 < 3]
        if kind == "detained":
            on = [n for n in on if n != "c"] or ["a"]
        # Every seventh person's lists say nowhere where it happened.
        place = None if k % 7 == 0 else ("almaty" if k % 3 else "shymkent")
        for name in on or ["a", "b"]:
            out.append(Given(f"P{k:06d}", name, surname=f"S{k}", given="G", event_type=kind,
                             event_date=f"2022-01-0{4 + k % 5}", place_id=place))  # fmt: skip
    return out


@pytest.fixture
def case(project: Project) -> Project:
    store(project, _given())
    refresh(project.engine)  # the record features a link run would have computed
    return project


def _runs(project: Project) -> dict[str, Path]:
    runs = {}
    plan: tuple[tuple[str, dict[str, Any]], ...] = (
        ("killed", {}),
        ("experiment", {"drop": ["c"]}),
        ("detained", {"event_type": "detained"}),
    )
    for label, kwargs in plan:
        _, folder = estimate_project(project, method="loglinear", seed=1, **kwargs)
        assert folder is not None
        runs[label] = folder
    return runs


def test_deaths_are_the_killed_and_died_in_custody(case: Project) -> None:
    data = collect_report_data(case)
    assert data.events is not None
    assert data.events["by_type"]["killed"] == 60
    assert data.events["by_type"]["died_in_custody"] == 10
    assert data.events["by_type"]["detained"] == 20
    assert data.deaths_total == 70
    assert sum(n for _, n in data.deaths_by_day) + data.deaths_undated == 70


def test_the_report_names_its_run_and_prefers_the_killed_with_every_list(
    case: Project, tmp_path: Path
) -> None:
    runs = _runs(case)
    data = collect_report_data(case)
    assert data.run is not None
    assert data.run.folder == runs["killed"].name  # not the later experiment or detainees
    assert data.run.event_type == "killed" and data.run.chosen == "latest"
    assert data.run.lists == list(LISTS)
    html = render_report(data, tmp_path / "r.html").html.read_text(encoding="utf-8")
    assert runs["killed"].name in html and "a, b, c" in html
    assert "--event-type killed" in html and "--seed 1" in html
    # The other types are shown beside it, each from its own run.
    assert runs["detained"].name in html
    assert set(data.by_event_type) == {"killed", "detained"}


def test_the_user_chooses_the_run(case: Project, tmp_path: Path) -> None:
    runs = _runs(case)
    data = collect_report_data(case, estimate_run=runs["experiment"].name)
    assert data.run is not None and data.run.chosen == "--estimate"
    assert data.run.dropped == ["c"]
    assert any("dropped or merged" in w for w in data.warnings)
    assert "--drop c" in data.run.command
    with pytest.raises(QantarError, match="no estimate run of that name"):
        collect_report_data(case, estimate_run="estimate-nothing")


def test_diagnostics_print_words_not_python(case: Project, tmp_path: Path) -> None:
    estimate_project(case, method="all", seed=1)
    data = collect_report_data(case)
    html = render_report(data, tmp_path / "r.html").html.read_text(encoding="utf-8")
    assert not re.search(r"\[&#39;|\['", html)
    assert "lcmcr, loglinear" in html


def test_the_dossier_quotes_the_reports_run(case: Project) -> None:
    from qantar.accountability._dossier import _estimate

    runs = _runs(case)
    quoted = _estimate(case)
    assert quoted is not None and quoted["run"] == runs["killed"].name


def test_the_imputation_is_shown_per_stratum(case: Project, tmp_path: Path) -> None:
    result, _ = estimate_project(case, method="loglinear", strata="region", imputations=3, seed=2)
    info = result.diagnostics["imputation"]
    assert info["persons_missing"] == 8  # persons 7, 14, ... 56 of the 60 killed
    data = collect_report_data(case)
    html = render_report(data, tmp_path / "r.html").html.read_text(encoding="utf-8")
    assert "Missing values, imputed" in html
    assert "imputed 3 times" in html
    assert "--strata region --imputations 3" in html
