"""Log-linear models against Rcapture 1.4-4 closedp.t on Kosovo (src/qantar/data/mse/README.md)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from qantar.errors import InputError
from qantar.estimate import chapman, loglinear, read_histories_csv
from qantar.model.histories import Histories

KOSOVO = Path(__file__).parents[2] / "src/qantar/data/mse/kosovo.csv"


def agree(ours: float, printed: float) -> bool:
    """Rcapture prints whole numbers: ours rounds to the same one, which is stricter
    than agreeing to three significant figures."""
    return round(ours) == printed and abs(ours - printed) / printed < 5e-4


@pytest.mark.parametrize(
    ("model", "rcapture"),
    [
        ("M0", 7608),
        ("Mt", 7395),
        ("Mth Chao", 8591),
        ("Mth Darroch", 12797),
        ("Mth Poisson2", 9328),
    ],
)
def test_equals_rcapture_to_three_significant_figures(model: str, rcapture: float) -> None:
    result = loglinear(read_histories_csv(KOSOVO), model=model)
    assert agree(result.estimate, rcapture)
    assert result.diagnostics["model"] == model


@pytest.mark.parametrize(
    ("model", "lower", "upper"), [("M0", 7348, 7884), ("Mth Chao", 8189, 9027)]
)
def test_profile_intervals_equal_rcapture(model: str, lower: float, upper: float) -> None:
    result = loglinear(read_histories_csv(KOSOVO), model=model)
    assert agree(result.lower, lower)
    assert agree(result.upper, upper)


def test_chao_is_flagged_as_lower_bound() -> None:
    result = loglinear(read_histories_csv(KOSOVO), model="Mth Chao")
    assert any("lower bound" in w for w in result.warnings)


def test_selection_by_aic_and_bic_picks_the_smallest() -> None:
    h = read_histories_csv(KOSOVO)
    for criterion in ("AIC", "BIC"):
        result = loglinear(h, criterion=criterion)
        table = result.diagnostics["models"]
        key = criterion.lower()
        best = min(table, key=lambda row: row[key])
        assert result.diagnostics["model"] == best["model"]
        assert result.lower < result.estimate < result.upper
    # Among the heterogeneity family alone, Rcapture's AIC choice is Mth Chao.
    family = loglinear(h, models=["M0", "Mt", "Mth Chao", "Mth Darroch", "Mth Poisson2"])
    assert family.diagnostics["model"] == "Mth Chao"


def test_chapman_formula_and_warning() -> None:
    h = Histories.from_rows(["A", "B"], [[1, 0]] * 60 + [[0, 1]] * 40 + [[1, 1]] * 20)
    result = chapman(h)
    assert result.estimate == pytest.approx(81 * 61 / 21 - 1)
    assert result.lower > h.observed
    assert result.lower < result.estimate < result.upper
    assert any("independent" in w or "does not change" in w for w in result.warnings)
    assert math.isfinite(result.upper)


def test_chapman_needs_two_lists_or_a_pair() -> None:
    h = read_histories_csv(KOSOVO)
    with pytest.raises(InputError, match="two lists"):
        chapman(h)
    assert chapman(h, pair=("EXH", "OSCE")).lists == ("EXH", "OSCE")


def test_model_averaging_over_aic_weights() -> None:
    """Independent lists: M0, Mt and the heterogeneity models fit about equally, so no
    model deserves all the weight and the selected model's interval understates the
    uncertainty; the averaged interval spans the competing models."""
    rng = np.random.default_rng(6)
    rows = (rng.random((1500, 3)) < np.array([0.3, 0.32, 0.28])).astype(np.uint8)
    h = Histories.from_rows(["A", "B", "C"], rows)
    family = ["M0", "Mt", "Mth Chao", "Mth Darroch"]
    result = loglinear(h, models=family)
    averaged = result.diagnostics["averaged"]
    weights = averaged["weights"]
    assert sum(w["weight"] for w in weights) == pytest.approx(1.0, abs=1e-3)
    assert weights[0]["weight"] < 0.9
    estimates = [w["estimate"] for w in weights]
    assert min(estimates) <= averaged["estimate"] <= max(estimates)
    assert min(w["lower"] for w in weights) <= averaged["lower"] <= result.lower + 1
    assert averaged["upper"] <= max(w["upper"] for w in weights)
    assert averaged["upper"] - averaged["lower"] >= result.upper - result.lower - 1
    assert any("ignores the uncertainty of selecting it" in w for w in result.warnings)
    both = loglinear(h, models=family, average=True)
    assert both.estimate == pytest.approx(averaged["estimate"])
    assert (both.lower, both.upper) == (
        pytest.approx(averaged["lower"]),
        pytest.approx(averaged["upper"]),
    )
    assert both.diagnostics["selected"]["estimate"] == pytest.approx(result.estimate)
    # A named model is not selected, so nothing is averaged.
    assert "averaged" not in loglinear(h, model="Mt").diagnostics
