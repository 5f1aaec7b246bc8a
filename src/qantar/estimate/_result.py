"""What every estimator returns: a number, its interval and the reasons to doubt it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from qantar.model.dicts import jsonable
from qantar.notes import dump_notes, load_notes


@dataclass
class Estimate:
    """One method's estimate of the total number of persons (listed and unlisted).

    ``estimate`` is the posterior median for Bayesian methods and the maximum-likelihood
    point for log-linear ones; ``lower``/``upper`` bound the 95% interval. ``draws`` holds
    posterior draws of the total where the method has them; strata totals sum them.
    ``warnings`` are reasons to doubt the number, in plain words.
    """

    method: str
    lists: tuple[str, ...]
    observed: int
    estimate: float
    lower: float
    upper: float
    strata: dict[str, Estimate] = field(default_factory=dict)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    draws: npt.NDArray[np.float64] | None = field(default=None, repr=False)
    others: list[Estimate] = field(default_factory=list)
    sensitivity: dict[str, Any] | None = None

    @property
    def missed(self) -> float:
        """The estimated number of persons on no list."""
        return self.estimate - self.observed

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: method, lists, observed, estimate, lower, upper, strata,
        diagnostics (plus warnings, settings and, for ``all``, the other methods)."""
        out: dict[str, Any] = {
            "method": self.method,
            "lists": list(self.lists),
            "observed": self.observed,
            "estimate": _num(self.estimate),
            "lower": _num(self.lower),
            "upper": _num(self.upper),
            "strata": {name: s.to_dict() for name, s in self.strata.items()},
            "diagnostics": _plain(self.diagnostics),
            "warnings": list(self.warnings),
            # each warning's catalog message and parameters: a page words it in Kazakh
            "warnings_words": dump_notes(self.warnings),
            "settings": _plain(self.settings),
        }
        if self.others:
            out["methods"] = [o.to_dict() for o in self.others]
        if self.sensitivity is not None:
            out["sensitivity"] = _sensitivity_words(_plain(self.sensitivity))
        return jsonable(out)


_SENSITIVITY_TEXTS = ("warnings", "method_warnings")


def _sensitivity_words(sensitivity: dict[str, Any]) -> dict[str, Any]:
    out = dict(sensitivity)
    for key in _SENSITIVITY_TEXTS:
        if isinstance(out.get(key), list):
            out[f"{key}_words"] = dump_notes(out[key])
    rows = [dict(row) for row in out.get("rows", [])]
    for row in rows:
        if "error" in row:
            row["error_words"] = dump_notes([row["error"]])[0]
    if "rows" in out:
        out["rows"] = rows
    return out


def with_notes(result: dict[str, Any]) -> dict[str, Any]:
    """A saved result (``to_dict``'s form, read back from JSON) with its warnings as
    ``Note``s again wherever it saved their words, so that a page or the report says them
    in the reader's language; a run saved before words were saved keeps its English
    texts. Changes ``result`` in place and returns it."""
    if isinstance(result.get("warnings"), list):
        result["warnings"] = load_notes(result["warnings"], result.get("warnings_words"))
    for part in (result.get("strata") or {}).values():
        if isinstance(part, dict):
            with_notes(part)
    for other in result.get("methods") or []:
        if isinstance(other, dict):
            with_notes(other)
    sensitivity = result.get("sensitivity")
    if isinstance(sensitivity, dict):
        for key in _SENSITIVITY_TEXTS:
            if isinstance(sensitivity.get(key), list):
                words = sensitivity.get(f"{key}_words")
                sensitivity[key] = load_notes(sensitivity[key], words)
        for row in sensitivity.get("rows") or []:
            if isinstance(row, dict) and isinstance(row.get("error"), str):
                row["error"] = load_notes([row["error"]], [row.get("error_words")])[0]
    return result


def _num(value: float) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), 1)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value
