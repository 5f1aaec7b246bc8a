"""#15.15: `link`, `review` and the report count the same pairs awaiting review."""

from __future__ import annotations

import link_scenario as ls

from qantar import Project
from qantar.link import awaiting_review, queue, recluster, run
from qantar.link._review import decide
from qantar.publish import collect_report_data


def _report_pending(project: Project) -> int:
    data = collect_report_data(project)
    assert data.linkage is not None
    return data.linkage.pairs_pending


def test_link_and_report_agree_on_pairs_awaiting_review(project: Project) -> None:
    sc = ls.generate(200, seed=11, dup_rate=0.08)
    ls.store(project, sc)
    result = run(project, seed=3)
    near = [item for item in queue(project) if item.near]
    assert result.awaiting_review > 0
    assert result.awaiting_review == len(near) == awaiting_review(project)
    assert _report_pending(project) == result.awaiting_review
    # After a decision the recomputed persons and the report still agree.
    decide(project.engine, near[0], "non-match", reviewer="test")
    again = recluster(project)
    assert again.awaiting_review == _report_pending(project) == awaiting_review(project)
