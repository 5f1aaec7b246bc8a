"""The main job end to end, on a synthetic scenario whose truth we know.

generate a scenario → new project → import every list → link → estimate → report →
memorial site, then print what we found beside what is true. The same public functions a
documenter's notebook would call; nothing here is specific to the demo but the data.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from qantar.project import Project

# Lines of the default qantar.toml the demo switches on. The demo's people are synthetic,
# so the memorial may name them; a real project keeps the conservative default (initials
# only until a rule or a recorded decision allows more).
DEMO_SETTINGS = {
    "# official_figure = 238": "official_figure = 238",
    '# official_figure_source = "Prosecutor General\'s Office, 16 August 2022"': (
        'official_figure_source = "Prosecutor General\'s Office, 16 August 2022"'
    ),
    '# strata = ["region"]': 'strata = ["region"]',
    "[publish]\n": '[publish]\ndefault = "publish"\n',
}


@dataclass
class DemoSummary:
    project: Path
    true_n: int
    true_documented: int
    records: int
    persons: int
    documented: int
    estimate: float
    lower: float
    upper: float
    method: str
    link_truth: dict[str, float | int] | None
    report: Path
    site: Path
    seconds: float


DEMO_PASSPHRASE = "qantar demo passphrase"


def run_demo(*, out: Path | None, seed: int, console: Console, n: int = 1000) -> DemoSummary:
    from qantar import estimate, ingest, link, publish, synth

    started = time.perf_counter()
    base = out or Path(tempfile.mkdtemp(prefix="qantar-demo-"))
    base.mkdir(parents=True, exist_ok=True)
    data_dir = base / "lists"
    with console.status("") as status:

        def step(message: str) -> None:
            status.update(message)
            console.log(message)

        step(f"generating a synthetic scenario: {n} people killed, seed {seed}")
        scenario = synth.generate(synth.ScenarioConfig(n=n), seed=seed)
        paths = synth.write_scenario(scenario, data_dir)

        # Synthetic people only: the demo's keys are protected by a passphrase printed here,
        # unless QANTAR_PASSPHRASE gives one.
        project = Project.init(
            base / "case",
            name="demo",
            passphrase=os.environ.get("QANTAR_PASSPHRASE") or DEMO_PASSPHRASE,
        )
        settings = project.root / "qantar.toml"
        text = settings.read_text(encoding="utf-8")
        for default, demo in DEMO_SETTINGS.items():
            if default not in text:
                raise RuntimeError(f"qantar.toml template changed: {default!r} not found")
            text = text.replace(default, demo)
        settings.write_text(text, encoding="utf-8")
        project = Project.open(project.root)

        for name, source_list in scenario.lists.items():
            step(f"importing the {name} list ({paths[name].name})")
            ingest.import_file(project, paths[name], source=name, kind=source_list.spec.kind)
        registry = ingest.registry_summary(project)

        step("linking records into persons (Splink, DuckDB)")
        linked = link.run(project, seed=seed, truth=paths["truth"], progress=lambda m: None)

        step("estimating the true number killed (LCMCR)")
        result, _run_dir = estimate.estimate_project(project, method="lcmcr", seed=seed)

        step("writing the report and the memorial site")
        report_path = project.runs_dir / "report" / "report.html"
        publish.render_report(publish.collect_report_data(project), report_path)
        site = project.runs_dir / "memorial"
        publish.publish_memorial(project, site)

    summary = DemoSummary(
        project=project.root,
        true_n=scenario.n_killed,
        true_documented=scenario.histories("killed").observed,
        records=int(registry.totals["records"]),
        persons=linked.persons,
        documented=int(result.observed),
        estimate=float(result.estimate),
        lower=float(result.lower),
        upper=float(result.upper),
        method=result.method,
        link_truth=linked.truth,
        report=report_path,
        site=site / "index.html",
        seconds=time.perf_counter() - started,
    )
    _print_summary(summary, console)
    (project.runs_dir / "demo-summary.json").write_text(
        json.dumps(summary.__dict__, default=str, indent=2), encoding="utf-8"
    )
    project.close()
    return summary


def _print_summary(s: DemoSummary, console: Console) -> None:
    table = Table(title="qantar demo: what we found beside what is true", show_header=False)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row("records imported", f"{s.records:,}")
    table.add_row("persons after linkage", f"{s.persons:,}")
    if s.link_truth:
        f1 = s.link_truth.get("f1")
        precision = s.link_truth.get("precision")
        recall = s.link_truth.get("recall")
        table.add_row(
            "linkage against the truth",
            f"pairwise F1 {f1:.3f} (precision {precision:.3f}, recall {recall:.3f})",
        )
    table.add_row("documented killed (linked persons)", f"{s.documented:,}")
    table.add_row(
        f"estimated killed ({s.method}, 95% interval)",
        f"{s.estimate:,.0f} ({s.lower:,.0f} to {s.upper:,.0f})",
    )
    table.add_row("true: killed persons on at least one list", f"{s.true_documented:,}")
    table.add_row("true number killed in the scenario", f"{s.true_n:,}")
    table.add_row("report", str(s.report))
    table.add_row("memorial site", str(s.site))
    table.add_row("project", str(s.project))
    table.add_row("time", f"{s.seconds:.0f} s")
    console.print(table)
