"""Report and memorial list on a synthetic scenario: seconds per step, and ratios against
the import of the same lists (the anchor, measured in the same run).

    PYTHONPATH=src python bench/publish_bench.py [N]      # N killed persons, default 1000
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from qantar import Project
from qantar.estimate import estimate_project
from qantar.ingest import import_file
from qantar.link import run
from qantar.publish import collect_report_data, public_persons, publish_memorial, render_report
from qantar.synth import ScenarioConfig, generate, write_scenario

# Synthetic people only: the bench projects' keys need a passphrase all the same.
BENCH_PASSPHRASE = "qantar bench"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        project = Project.init(root / "case", passphrase=BENCH_PASSPHRASE)
        scenario = generate(ScenarioConfig(n=n), seed=7)
        paths = write_scenario(scenario, root / "lists", formats=("csv",))
        t = time.perf_counter()
        for name, sl in scenario.lists.items():
            import_file(project, paths[name], source=name, kind=sl.spec.kind)
        anchor = time.perf_counter() - t
        run(project, seed=1)
        estimate_project(project, method="loglinear", seed=1)
        steps = {}
        t = time.perf_counter()
        persons = public_persons(project)
        steps["public_persons"] = time.perf_counter() - t
        t = time.perf_counter()
        data = collect_report_data(project)
        steps["collect_report_data"] = time.perf_counter() - t
        t = time.perf_counter()
        render_report(data, root / "out" / "report.html")
        steps["render_report (html + 10 plots)"] = time.perf_counter() - t
        t = time.perf_counter()
        render_report(data, root / "out" / "report2.html", pdf=root / "out" / "report.pdf")
        steps["render_report with pdf"] = time.perf_counter() - t
        t = time.perf_counter()
        publish_memorial(project, root / "site")
        steps["publish_memorial"] = time.perf_counter() - t
        project.close()
    print(f"persons linked: {data.linkage.persons if data.linkage else 0}, shown: {len(persons)}")
    print(f"anchor: import of {sum(s.records for s in data.sources)} records {anchor:.2f} s")
    for step, seconds in steps.items():
        print(f"{step:34s} {seconds:6.2f} s  ({seconds / anchor:5.2f} x import)")


if __name__ == "__main__":
    main()
