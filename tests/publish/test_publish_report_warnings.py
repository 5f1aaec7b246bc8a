"""The report's warnings in Kazakh and Russian: the report's own (no estimate yet, a run
with lists dropped), the estimate's and its strata's, read back from the saved run; the
public text guard still leaves out a warning that names a withheld person and keeps a Note
a Note."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from publish_fixtures import Given, store

from qantar import Project
from qantar.estimate import estimate_project
from qantar.i18n import speaker
from qantar.link._features import refresh
from qantar.notes import Note, say
from qantar.publish import collect_report_data, render_report
from qantar.publish._data import WARNING_LEFT_OUT, guarded_note
from qantar.publish._public import TextGuard
from qantar.publish._report import _all_warnings

# Kept on purpose: commands and their options, list names, method and criterion names.
KEPT = {"qantar", "estimate", "report", "RUN", "review", "events", "conflicts", "link",
        "Official", "Press", "Volunteers", "loglinear", "lcmcr", "dga", "chapman", "AIC",
        "Mt", "Mh", "Mth", "Chao", "Darroch"}  # fmt: skip


def _given(first: int, last: int) -> list[Given]:
    out = []
    for k in range(first, last):
        lists = ("Official", "Press", "Volunteers")
        on = [name for i, name in enumerate(lists) if (k * (i + 2)) % 5 < 3] or ["Official"]
        place = "almaty" if k % 3 else "astana"
        out += [Given(f"P{k:04d}", name, surname=f"S{k}", place_id=place) for name in on]
    return out


def _warnings(html: str) -> list[str]:
    """The items of the report's Warnings section (the last list of warnings)."""
    lists = re.findall(r'<ul class="warn">(.*?)</ul>', html, flags=re.S)
    assert lists, "no warnings on the page"
    items = re.findall(r"<li>(.*?)</li>", lists[-1], flags=re.S)
    return [unescape(re.sub(r"<[^>]+>", " ", item)).strip() for item in items]


def _english(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text)) - KEPT


@pytest.fixture
def project_with_warnings(project: Project) -> Project:
    store(project, _given(1, 91))
    refresh(project.engine)
    # The only run has a list dropped: the report says so (with the list's name).
    estimate_project(project, method="loglinear", strata="region", seed=1, drop=["Press"])
    return project


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_reports_warnings_are_in_the_readers_language(
    project_with_warnings: Project, tmp_path: Path, lang: str
) -> None:
    data = collect_report_data(project_with_warnings)
    english = _all_warnings(data, speaker("en"))
    assert any("lists dropped or merged (Press)" in w for w in english), english
    html = render_report(data, tmp_path / f"r-{lang}.html", lang=lang).html.read_text(
        encoding="utf-8"
    )
    shown = _warnings(html)
    assert len(shown) == len(english)
    for text in shown:
        assert not _english(text), (lang, text)
    said = {"kk": "алып тасталған немесе біріктірілген есептеуден алынды (Press)",
            "ru": "списки исключены или объединены (Press)"}[lang]  # fmt: skip
    assert any(said in text for text in shown), shown
    # str() of the report's warnings is the English line the CLI and the JSON give.
    assert all(isinstance(w, Note) for w in data.warnings)
    assert [str(w) for w in data.warnings] == [say(w, speaker("en").gettext) for w in data.warnings]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_estimate_yet_is_said_in_the_readers_language(
    project: Project, tmp_path: Path, lang: str
) -> None:
    store(project, _given(1, 31))
    refresh(project.engine)
    data = collect_report_data(project)
    assert "no estimate yet: run `qantar estimate` to estimate the true toll" in data.warnings
    html = render_report(data, tmp_path / "r.html", lang=lang).html.read_text(encoding="utf-8")
    shown = _warnings(html)
    expected = {"kk": "бағалау әлі жоқ", "ru": "оценки пока нет"}[lang]
    assert any(text.startswith(expected) for text in shown), shown
    assert not any(_english(text) for text in shown), shown


def test_the_guard_keeps_a_note_and_leaves_out_a_withheld_name() -> None:
    from qantar.publish._public import NameStems

    withheld = NameStems()
    withheld.add("Zhaksylykov")
    guard = TextGuard(withheld=withheld)
    plain = Note("records are not linked yet: run `qantar link`")
    assert guarded_note(guard, plain) == plain and isinstance(guarded_note(guard, plain), Note)
    named = Note("list %(name)s documents nobody here; drop it", name="Zhaksylykov list")
    left = guarded_note(guard, named)
    assert left == WARNING_LEFT_OUT and isinstance(left, Note)
    assert say(left, speaker("ru").gettext).startswith("(одно предупреждение опущено")
    kept = guarded_note(guard, Note("list %(name)s documents nobody here; drop it", name="Press"))
    assert say(kept, speaker("kk").gettext) == (
        "Press тізімі мұнда ешкімді құжаттамайды; оны алып тастаңыз"
    )


def test_the_chains_diagnostics_and_the_pooled_stratum_are_worded_in_kk_and_ru() -> None:
    import re as _re

    from qantar.estimate import POOLED
    from qantar.i18n import speaker as _speaker
    from qantar.publish._plots import stratum_label
    from qantar.publish._report import diagnostic_rows

    diagnostics = {
        "median_spread_sd": 0.12, "median_spread_share": 0.01, "median_spread_p": 0.4,
        "chains_apart": False, "chains_agree": True,
    }  # fmt: skip
    for lang in ("kk", "ru"):
        rows = diagnostic_rows({"diagnostics": diagnostics}, _speaker(lang))
        words = " ".join(f"{word} {value}" for word, value in rows)
        assert not _re.findall(r"[A-Za-z]{3,}", words.replace("p-", "")), words
        assert not _re.search(r"[A-Za-z]", stratum_label(POOLED, None, lang))
    assert ("chains agree (their medians within the set spread)", "yes") in diagnostic_rows(
        {"diagnostics": {"chains_agree": True}}
    )
