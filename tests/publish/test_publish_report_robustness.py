"""The report shows, per event type estimated, the sensitivity table of its run, the model
checks' verdicts and the chains' trace and autocorrelation, in the reader's language; the
JSON of `qantar report` carries the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from publish_fixtures import Given, store

from qantar import Project
from qantar.estimate import estimate_project
from qantar.i18n import speaker
from qantar.link._features import refresh
from qantar.publish import collect_report_data, render_html, robustness_json
from qantar.publish._report import check_verdicts, sensitivity_view

LISTS = ("a", "b", "c")
SHORT = {"burnin": 200, "samples": 200, "thinning": 2, "chains": 2, "until_converged": False}


def _given() -> list[Given]:
    out = []
    for k in range(1, 121):
        kind = "killed" if k <= 90 else "detained"
        on = [name for i, name in enumerate(LISTS) if (k * (i + 2)) % 5 < 3] or ["a", "b"]
        for name in on:
            out.append(Given(f"P{k:06d}", name, surname=f"S{k}", given="G", event_type=kind))
    return out


@pytest.fixture
def case(project: Project) -> Project:
    store(project, _given())
    refresh(project.engine)
    estimate_project(project, method="lcmcr", seed=1, sensitivity=True, **SHORT)
    estimate_project(project, method="loglinear", seed=1, event_type="detained")
    return project


def test_the_report_embeds_sensitivity_checks_and_traces(case: Project) -> None:
    data = collect_report_data(case)
    assert set(data.chains) == {"lcmcr"} and len(data.chains["lcmcr"]) == 2
    html = render_html(data, {"trace_lcmcr": "AAAA"}, lang="en")
    assert "How much the estimate depends on the choices: killed" in html
    assert "LCMCR, number of latent classes" in html and "without a" in html
    assert "K = 20" in html and "log-linear models, best by AIC" in html
    assert "The posterior predictive check" in html
    assert "Trace and autocorrelation of the chains" in html
    # The detainees' run has no sensitivity table, and the report says how to add one.
    assert "How much the estimate depends on the choices: detained" in html
    assert "This run has no sensitivity table" in html


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_robustness_part_is_translated(case: Project, lang: str) -> None:
    data = collect_report_data(case)
    html = render_html(data, {"trace_lcmcr": "AAAA"}, lang=lang)
    # The estimate section's part (the estimate's own warnings, listed at the end of the
    # report as the library words them, are not this part's).
    start = html.index('id="sensitivity-1"')
    part = html[start : html.index("</section>", start)]
    assert "<table>" in part and "<li>" in part
    trace = html[html.index('id="method"') :]
    assert "Trace and autocorrelation" not in trace and "trace and autocorrelation" not in trace
    for english in (
        "depends on the choices",
        "number of latent classes",
        "posterior predictive",
        "overlaps the headline",
        "without a",
        "could not be estimated",
        "headline",
    ):
        assert english not in part


def test_report_json_carries_each_event_types_table_and_checks(case: Project) -> None:
    out = robustness_json(collect_report_data(case))
    assert set(out) == {"killed", "detained"}
    killed = out["killed"]
    assert killed["sensitivity"]["headline"]["method"] == "lcmcr"
    assert {r["analysis"] for r in killed["sensitivity"]["rows"]} >= {
        "methods", "lcmcr classes", "lcmcr prior on alpha", "leave one list out",
    }  # fmt: skip
    assert "flagged" in killed["predictive_check"]
    assert killed["dependence_check"]["tested"] in (True, False)
    assert out["detained"]["sensitivity"] is None


def _table(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "headline": {"method": "lcmcr", "estimate": 100.0, "lower": 90.0, "upper": 120.0},
        "range": [95.0, 200.0],
        "rows": rows,
    }


def test_a_row_that_misses_the_headline_is_warned_about_in_words() -> None:
    rows = [
        {"analysis": "methods", "label": "lcmcr", "headline": True,
         "estimate": 100.0, "lower": 90.0, "upper": 120.0},
        {"analysis": "leave one list out", "label": "without b", "dropped": "b",
         "estimate": 200.0, "lower": 150.0, "upper": 260.0},
        {"analysis": "lcmcr classes", "label": "K = 5",
         "estimate": 118.0, "lower": 110.0, "upper": 130.0},
    ]  # fmt: skip
    view = sensitivity_view(_table(rows), speaker("ru"))
    assert view is not None
    assert [r["overlaps"] for r in view["rows"]] == [True, False, True]
    assert len(view["warnings"]) == 1
    assert "без списка b" in view["warnings"][0] and "200" in view["warnings"][0]
    assert "не пересекается" in view["warnings"][0]


def test_the_verdicts_say_flagged_or_not() -> None:
    talk = speaker("en")
    flagged = {
        "diagnostics": {
            "predictive_check": {"p_value": 0.01, "flagged": True, "one_list_share": 0.5,
                                 "one_list_share_replicates": [0.4, 0.6]},
            "dependence_check": {"tested": True, "flagged": True, "p_value": 0.001,
                                 "pairs_named": ["ngo+hotline"]},
        }
    }  # fmt: skip
    quiet = {
        "diagnostics": {
            "predictive_check": {"p_value": 0.5, "flagged": False, "one_list_share": 0.5,
                                 "one_list_share_replicates": [0.4, 0.6]},
            "dependence_check": {"tested": True, "flagged": False, "p_value": 0.4},
        }
    }  # fmt: skip
    said, calm = check_verdicts(flagged, talk), check_verdicts(quiet, talk)
    assert "flags the model" in said[0] and "ngo+hotline" in said[1]
    assert "(p = 0.01)" in said[0] and "(likelihood-ratio test, p = 0.001;" in said[1]
    tiny = {
        "diagnostics": {
            "dependence_check": {
                "tested": True,
                "flagged": True,
                "p_value": 2e-9,
                "pairs_named": ["a+b"],
            }
        }
    }
    assert "(likelihood-ratio test, p < 0.001;" in check_verdicts(tiny, talk)[0]
    assert "passes" in calm[0] and "No dependence" in calm[1]


def test_saved_report_has_the_trace_image(case: Project, tmp_path: Path) -> None:
    from qantar.publish import render_report

    result = render_report(collect_report_data(case), tmp_path / "r.html", lang="ru")
    assert any(p.name == "r-trace_lcmcr.png" for p in result.plots)
    html = result.html.read_text(encoding="utf-8")
    assert "Траектории и автокорреляция цепей" in html


def test_list_names_in_the_table_and_checks_go_through_the_guard() -> None:
    from qantar.publish._data import _guard_robustness

    est: dict[str, Any] = {
        "sensitivity": {
            "rows": [
                {"analysis": "leave one list out", "label": "without Secret", "dropped": "Secret",
                 "lists": ["ngo", "Secret"]},
                {"analysis": "leave one list out", "label": "without ngo", "error": "Secret: x"},
            ],
            "warnings": ["Secret moves it"],
            "method_warnings": [],
            "checks": {"dependence_check": {"pairs_named": ["ngo+Secret"],
                                            "pairs": [{"pair": "ngo+Secret"}]}},
        },
        "diagnostics": {
            "dependence_check": {"pairs_named": ["Secret+ngo"], "pairs": [{"pair": "Secret+ngo"}]},
            "predictive_check": {"patterns": [{"pattern": "Secret"}, {"pattern": "ngo+Secret"}]},
        },
    }  # fmt: skip
    _guard_robustness(
        est,
        lambda text: "list 2" if text == "Secret" else text,
        lambda text: "(left out)" if "Secret" in text else text,
    )
    assert "Secret" not in repr(est)
    assert est["sensitivity"]["rows"][0]["label"] == "without list 2"
    assert est["diagnostics"]["dependence_check"]["pairs_named"] == ["list 2+ngo"]
