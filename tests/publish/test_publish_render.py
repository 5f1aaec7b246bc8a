"""The renderers take plain ReportData: a report can be drawn from numbers alone."""

from __future__ import annotations

from pathlib import Path

from qantar.publish import ReportData, render_html, render_report
from qantar.publish._data import Linkage, OfficialFigure, Overlap, SourceRow, _redact_settings
from qantar.publish._report import SECTIONS


def _data(**changes: object) -> ReportData:
    base = ReportData(
        title="Test report",
        generated_at="2026-01-01 00:00 UTC",
        sources=[SourceRow("official", "official", 1, 100, 98, 2),
                 SourceRow("ngo", "ngo", 2, 50, 50, 0)],
        totals={"sources": 2, "batches": 3, "rows_read": 150, "records": 148,
                "rows_quarantined": 2, "fields_quarantined": 0},
        linkage=Linkage(120, 148, 10, 4, 1, {"seed": 1, "threshold": 0.5, "backend": "duckdb",
                                            "created_at": "2026-01-01"}),
        estimate={"method": "lcmcr", "lists": ["ngo", "official"], "observed": 120,
                  "estimate": 171.0, "lower": 150.0, "upper": 230.0, "strata": {},
                  "diagnostics": {"rhat": 1.002, "ess_bulk": 950.0}, "warnings": ["few lists"],
                  "settings": {"seed": 5}},
        estimate_run="estimate-x",
        strata_estimate=None,
        official=OfficialFigure(238, "Prosecutor General's Office", "2023-01-05"),
        overlap=Overlap(["ngo", "official"], [[1, 0], [0, 1], [1, 1]], [20, 70, 30]),
        deaths_by_day=[("2022-01-05", 40), ("2022-01-06", 70)],
        deaths_undated=10,
        deaths_by_place=[("Almaty", 90), ("Taraz", 30)],
        deaths_total=120,
        seeds={"link": 1, "estimate": 5},
    )  # fmt: skip
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_every_section_and_number(tmp_path: Path) -> None:
    result = render_report(_data(), tmp_path / "r.html")
    html = result.html.read_text(encoding="utf-8")
    for section_id, _ in SECTIONS:
        assert f'id="{section_id}"' in html
    for text in ("171", "150 – 230", "238", "Prosecutor General", "few lists", "1.00"):
        assert text in html, text
    names = sorted(p.name for p in result.plots)
    assert "r-overlap.png" in names and "r-overlap.svg" in names and "r-toll.svg" in names


def test_without_estimate_or_linkage_says_what_to_do() -> None:
    html = render_html(
        _data(estimate=None, linkage=None, overlap=None, official=None, deaths_by_day=[],
              deaths_by_place=[], warnings=["no estimate yet: run `qantar estimate`"]),
        images={},
    )  # fmt: skip
    assert "No estimate has been run yet" in html and "have not been linked" in html
    assert "qantar estimate" in html


def test_settings_printed_without_secrets_or_rules() -> None:
    shown = _redact_settings({
        "project": {"database": "postgresql+psycopg://ana:s3cret@db/q"},
        "link": {"url": "postgresql://bob:pw@host/x"},
        "publish": {"rules": [{"when": "notes contains 'Ахметов'", "status": "withhold"}]},
    })  # fmt: skip
    text = repr(shown)
    assert "s3cret" not in text and "pw@" not in text and "Ахметов" not in text
