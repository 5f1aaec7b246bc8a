"""The dossier quotes the report's estimate with its warnings, in the dossier's language:
saved with their words beside them (the data and its hash are the same in every language)."""

from __future__ import annotations

import pytest

from qantar.accountability._dossier import build_dossier, render_html
from qantar.notes import Note, dump_notes

WARNING = Note("only %(n)s persons are on both lists: the estimate is very unstable", n=4)


@pytest.mark.parametrize(
    ("lang", "said"),
    [("kk", "екі тізімде де тек 4 адам бар"), ("ru", "людей, которые есть в обоих списках, лишь 4"),
     ("en", "only 4 persons are on both lists")],
)  # fmt: skip
def test_the_estimates_warnings_are_in_the_dossiers_language(
    scenario, lang: str, said: str
) -> None:
    dossier = build_dossier(scenario.project, scenario.names["official"], "uk-ghr")
    # The estimate block as _estimate writes it from a saved run (JSON: texts and words).
    dossier.data["scale"]["estimate"] = {
        "run": "estimate-x", "method": "loglinear", "lists": 2, "documented": 40,
        "estimate": 50.0, "lower": 45.0, "upper": 70.0, "interval": "95%",
        "warnings": [str(WARNING)], "warnings_words": dump_notes([WARNING]),
    }  # fmt: skip
    sha = dossier.sha256
    html = render_html(dossier, lang)
    assert said in html
    if lang != "en":
        assert str(WARNING) not in html
    assert dossier.sha256 == sha and dossier.data["scale"]["estimate"]["warnings"] == [
        str(WARNING)
    ]
