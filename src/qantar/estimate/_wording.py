"""Words the estimators and the pages showing a run share: a stratum's warning in the
total's, the sensitivity table's analyses and choices (light to import: the report and the
web pages word a saved run without loading the samplers)."""

from __future__ import annotations

from typing import Any

from qantar.notes import N_, Note

# The stratum small strata are pooled into: its name is a key of the saved strata.
POOLED = N_("other (pooled)")
STRATUM_WARNING = N_("stratum %(name)s: %(warning)s")
METHOD_WARNING = N_("%(method)s: %(warning)s")


def in_stratum(name: str, warning: str) -> Note:
    """A stratum's warning among the total's: "stratum NAME: ..." in every language."""
    return Note(STRATUM_WARNING, name=name, warning=warning)


def of_method(method: str, warning: str) -> Note:
    """Another method's warning beside the headline's: "dga: ..." in every language."""
    return Note(METHOD_WARNING, method=method, warning=warning)


# The analyses, each a whole label for a reader (keys as the rows carry them).
ANALYSES = {
    "methods": N_("methods side by side"),
    "lcmcr classes": N_("LCMCR, number of latent classes"),
    "lcmcr prior on alpha": N_("LCMCR, prior on alpha"),
    "leave one list out": N_("leave one list out"),
    "log-linear models": N_("log-linear models, best by AIC"),
}


def analysis_words(code: str) -> str:
    """An analysis as a reader's label (a ``Note``), or its code when it has none."""
    return Note(ANALYSES[code]) if code in ANALYSES else code


def row_label(row: dict[str, Any]) -> str:
    """A row's choice: a list left out said in a sentence; K, priors and model names as
    statisticians write them."""
    if row.get("analysis") == "leave one list out" and row.get("dropped"):
        return Note(N_("without %(list)s"), list=row["dropped"])
    return str(row.get("label", ""))
