from __future__ import annotations

from pathlib import Path

from qantar.estimate import dga, read_histories_csv
from qantar.estimate._dga import decomposable_graphs

KOSOVO = Path(__file__).parents[2] / "src/qantar/data/mse/kosovo.csv"


def test_counts_of_decomposable_graphs() -> None:
    # Known counts of labelled chordal graphs on 3, 4 and 5 vertices.
    assert [len(decomposable_graphs(k)) for k in (3, 4, 5)] == [8, 61, 822]


def test_equals_r_dga_on_kosovo() -> None:
    result = dga(read_histories_csv(KOSOVO))
    # dga 2.0.2 bma.cr, graphs4, delta = 1/16: posterior median 12,595 (9,827-16,544).
    assert round(result.estimate) == 12595
    assert round(result.lower) == 9827
    assert round(result.upper) == 16544
    assert result.settings["delta"] == 1 / 16
    weights = [g["weight"] for g in result.diagnostics["top_graphs"]]
    assert weights == sorted(weights, reverse=True)
