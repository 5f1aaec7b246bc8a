"""Words the estimators and the pages showing a run share: a stratum's warning in the
total's, the sensitivity table's analyses and choices (light to import: the report and the
web pages word a saved run without loading the samplers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qantar.notes import N_, Note

# The stratum small strata are pooled into: its name is a key of the saved strata.
POOLED = N_("other (pooled)")
STRATUM_WARNING = N_("stratum %(name)s: %(warning)s")
METHOD_WARNING = N_("%(method)s: %(warning)s")


POOLED_STRATA = N_(
    "%(n)s strata were too small or overlapped too little to estimate alone and were pooled "
    "as '%(pooled)s': %(strata)s"
)
SOME_IMPUTATIONS_ONLY = N_(
    "strata %(strata)s exist in some imputations only (small strata are pooled differently "
    "from one imputation to the next); they are shown within the total only"
)
# Where a warning names strata (by their codes: a region's id), one or several joined.
_STRATA_NAMED = {STRATUM_WARNING: "name", POOLED_STRATA: "strata", SOME_IMPUTATIONS_ONLY: "strata"}


def strata_named(text: str, label: Callable[[str], str]) -> str:
    """A warning with the strata it names as ``label`` words them (a region by its place's
    name in the reader's language, the pooled stratum in its words); any other text as it
    is."""
    if not isinstance(text, Note):
        return text
    params = {k: strata_named(v, label) for k, v in text.params.items()}
    key = _STRATA_NAMED.get(text.message)
    if key is not None and isinstance(params.get(key), str):
        codes = str(params[key]).split(", ") if key == "strata" else [str(params[key])]
        params[key] = ", ".join(label(code) for code in codes)
    return Note(text.message, **params)


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
