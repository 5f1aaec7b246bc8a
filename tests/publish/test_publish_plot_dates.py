"""#15.15: the deaths-by-day axis is labelled with dates, whatever the number of days."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from qantar.publish._plots import by_day


def _labels(deaths_by_day: list[tuple[str, int]]) -> list[str]:
    data: Any = SimpleNamespace(deaths_by_day=deaths_by_day, deaths_undated=0)
    fig = by_day(data)
    assert fig is not None
    fig.canvas.draw()
    return [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]


@pytest.mark.parametrize("days", [1, 2, 3, 9, 40])
def test_by_day_axis_shows_real_dates(days: int) -> None:
    start = dt.date(2022, 1, 4)
    series = [((start + dt.timedelta(days=i)).isoformat(), 5 + i) for i in range(days)]
    labels = _labels(series)
    assert labels and len(labels) <= 14
    parsed = [dt.datetime.strptime(label, "%d %b %Y").date() for label in labels]
    assert parsed == sorted(set(parsed))  # whole days, no hours between them
    assert min(parsed) <= start + dt.timedelta(days=days - 1)
