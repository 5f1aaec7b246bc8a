"""End to end on a synthetic scenario: import, link, estimate, report, publish.

The report's numbers must be those of `qantar estimate --format json` and `qantar status`;
the report must open in headless Chromium with no network and show every section.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from _cli import run_cli

from qantar import Project
from qantar.ingest import import_file
from qantar.link import run
from qantar.publish import (
    collect_report_data,
    decide_publication,
    publication_status,
    publish_memorial,
    render_report,
)
from qantar.publish._persons import person_facts
from qantar.publish._report import SECTIONS
from qantar.synth import ScenarioConfig, generate, write_scenario

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _cli(project: Project, *args: str) -> str:
    result = run_cli(project.root, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    root = tmp_path_factory.mktemp("e2e")
    project = Project.init(root / "case")
    text = (project.root / "qantar.toml").read_text(encoding="utf-8")
    text = text.replace(
        "[report]\n",
        "[report]\nofficial_figure = 238\nofficial_figure_source = \"Prosecutor General's "
        'Office"\nofficial_figure_date = "2023-01-05"\n',
    )
    (project.root / "qantar.toml").write_text(text, encoding="utf-8")
    project = Project.open(project.root)
    scenario = generate(ScenarioConfig(n=150), seed=7)
    paths = write_scenario(scenario, root / "lists", formats=("csv",))
    for name, source_list in scenario.lists.items():
        import_file(project, paths[name], source=name, kind=source_list.spec.kind)
    run(project, seed=1)
    yield project
    project.close()


def test_report_numbers_equal_estimate_and_status(case: Project, tmp_path: Path) -> None:
    estimate = json.loads(_cli(case, "estimate", "--method", "loglinear", "--seed", "3",
                               "--format", "json"))  # fmt: skip
    status = json.loads(_cli(case, "status", "--format", "json"))
    data = collect_report_data(case)
    assert data.estimate is not None
    for key in ("method", "observed", "estimate", "lower", "upper", "lists"):
        assert data.estimate[key] == estimate[key], key
    assert data.totals == status["totals"]
    assert [(s.name, s.records, s.rows_read) for s in data.sources] == [
        (s["name"], s["records"], s["rows_read"]) for s in status["sources"]
    ]
    assert data.official is not None and data.official.value == 238
    assert data.events is not None and data.events["by_type"]["killed"] == estimate["observed"]
    assert data.run is not None and data.run.event_type == "killed"
    assert sum(data.overlap.counts) == estimate["observed"] if data.overlap else False
    result = render_report(data, tmp_path / "report.html", pdf=tmp_path / "report.pdf")
    html = result.html.read_text(encoding="utf-8")
    for value in (estimate["estimate"], estimate["lower"], estimate["upper"]):
        assert f"{value:,.0f}" in html
    assert f"{status['totals']['records']:,}" in html
    # Self-contained: nothing to fetch, plots inline, PNG and SVG beside the report.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert html.count("data:image/png;base64,") >= 4
    assert {p.suffix for p in result.plots} == {".png", ".svg"}
    assert result.pdf is not None and result.pdf.read_bytes()[:4] == b"%PDF"
    cli = json.loads(_cli(case, "report", "--out", str(tmp_path / "cli.html"), "--format", "json"))
    assert cli["estimate"] == {k: estimate[k] for k in cli["estimate"]}


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)")
def test_report_opens_in_headless_chromium(case: Project, tmp_path: Path) -> None:
    data = collect_report_data(case)
    result = render_report(data, tmp_path / "report.html")
    flags = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-extensions", "--no-first-run",
             # No network: every request would go to a closed local port.
             "--proxy-server=127.0.0.1:9", f"--user-data-dir={tmp_path / 'profile'}"]  # fmt: skip
    url = result.html.resolve().as_uri()
    dom = subprocess.run(
        [*flags, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    for section_id, title in SECTIONS:
        assert f'id="{section_id}"' in dom, section_id
        assert title.split(",")[0] in dom
    shot = tmp_path / "report.png"
    subprocess.run(
        [*flags, "--hide-scrollbars", "--window-size=1100,1400", f"--screenshot={shot}", url],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    assert shot.stat().st_size > 20_000


def test_publish_on_scenario_hides_withheld(case: Project, tmp_path: Path) -> None:
    facts = [f for f in person_facts(case) if f.in_memorial and f.surname and f.given]
    withheld = facts[0]
    shared = {f.surname for f in facts[1:]} | {f.given for f in facts[1:]}
    decide_publication(case, withheld.person_id, "withhold", by="test", note="family asked")
    for f in facts[1:6]:
        decide_publication(case, f.person_id, "publish", by="test")
    out = tmp_path / "site"
    result = publish_memorial(case, out)
    assert result.not_shown >= 1 and result.shown >= 5
    texts = "\n".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    assert withheld.person_id not in texts
    for part in (withheld.surname, withheld.given):
        if part not in shared:  # a common name may belong to a published person too
            assert part not in texts
    assert facts[1].name_cyrillic in texts
    # Decisions survive a re-run of linkage (same seed: same persons under the same ids).
    run(case, seed=1)
    assert publication_status(case, withheld.person_id) == "withhold"
    assert all(publication_status(case, f.person_id) == "publish" for f in facts[1:6])
