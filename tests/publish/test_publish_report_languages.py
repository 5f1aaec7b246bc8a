"""The report in Kazakh, Russian and English: translated text, numbers and dates the
reader's way, the same figures in every language."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from publish_fixtures import Given, store

from qantar import Project
from qantar.estimate import estimate_project
from qantar.link._features import refresh
from qantar.publish import collect_report_data, render_report
from qantar.publish._data import ReportData


@pytest.fixture
def data(project: Project) -> ReportData:
    given = []
    for k in range(1, 41):
        on = [name for i, name in enumerate("abc") if (k * (i + 2)) % 5 < 3] or ["a", "b"]
        day = f"2022-01-0{4 + k % 5}"
        given += [
            Given(f"P{k:04d}", name, surname=f"S{k}", given="G", event_date=day) for name in on
        ]
    store(project, given)
    refresh(project.engine)
    estimate_project(project, method="loglinear", seed=1)
    return collect_report_data(project)


def _visible(html: str) -> str:
    # Left out: styles, code, settings and values of the diagnostics (model names such as
    # "Mth Chao"); the warnings are read, in the reader's language.
    html = re.sub(
        r"<style>.*?</style>|<pre>.*?</pre>|<code>.*?</code>|<td class=\"n\">.*?</td>",
        " ",
        html,
        flags=re.S,
    )
    # What a reader sees: entities as their characters ("p &lt; 0.001" reads "p < 0.001").
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_report_in_each_language(data: ReportData, tmp_path: Path) -> None:
    pages = {
        lang: render_report(data, tmp_path / f"r-{lang}.html", lang=lang).html.read_text(
            encoding="utf-8"
        )
        for lang in ("kk", "ru", "en")
    }
    assert '<html lang="kk">' in pages["kk"] and '<html lang="ru">' in pages["ru"]
    assert "Жазбаларды байланыстыру" in pages["kk"] and "Связывание записей" in pages["ru"]
    assert "How to reproduce this report" in pages["en"]
    assert "Байесовская" not in pages["ru"] or "LCMCR" in pages["ru"]
    # Plurals: three sources.
    assert "3 источника дали записей" in pages["ru"] and "3 sources gave" in pages["en"]
    # The same figures everywhere: the documented count appears in each page.
    assert data.estimate is not None
    documented = str(data.estimate["observed"])
    for html in pages.values():
        assert f"<strong>{documented}</strong>" in html
    # No English sentence on the Kazakh or Russian page: only names kept on purpose (methods,
    # tools, authors, list names and settings keys).
    kept = {"qantar", "Splink", "LCMCR", "Manrique", "Vallier", "Madigan", "York", "Rcapture",
            "UpSet", "SHA", "hat", "UTC", "loglinear", "lcmcr", "dga", "chapman", "seed",
            "link", "estimate", "toml", "FOLDER", "TYPE", "duckdb", "records", "Almaty",
            "csv", "xlsx", "AIC"}  # fmt: skip
    kept |= set(re.findall(r"[A-Za-z]{2,}", data.project_name))  # the project's folder name
    assert "2022 жылғы қаңтарда қаза тапқандар: " in pages["kk"]  # the default title
    assert "<h1>Погибшие в январе 2022 года: " in pages["ru"]
    assert f"<h1>Deaths in January 2022: {data.project_name}</h1>" in pages["en"]
    for lang in ("kk", "ru"):
        words = set(re.findall(r"[A-Za-z]{2,}", _visible(pages[lang])))
        assert words <= kept | {"a", "b", "c"}, sorted(words - kept)


def test_plots_labelled_in_each_language(data: ReportData) -> None:
    import matplotlib.pyplot as plt

    from qantar.publish._plots import all_plots

    for lang, title in (("ru", "Смерти по дням"), ("kk", "Күн бойынша қаза"),
                        ("en", "Deaths by day")):  # fmt: skip
        figures = all_plots(data, lang)
        titles = [ax.get_title() for fig in figures.values() for ax in fig.axes]
        ticks = [t.get_text() for ax in figures["by_day"].axes for t in ax.get_xticklabels()]
        for fig in figures.values():
            plt.close(fig)
        assert any(t.startswith(title) for t in titles), titles
        # Month names in the reader's language (matplotlib's own are English).
        month = {"ru": "янв", "kk": "қаң", "en": "Jan"}[lang]
        assert ticks and all(month in t for t in ticks if t), ticks


def test_the_summary_keeps_its_sentences_apart(data: ReportData, tmp_path: Path) -> None:
    html = render_report(data, tmp_path / "r.html", lang="en").html.read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", _visible(html))
    assert "3 sources gave" in text
    # "…distinct persons. Multiple systems estimation…", never "persons.Multiple".
    assert not re.search(r"[a-z]\.[A-Z]", text), re.findall(r"\w+\.[A-Z]\w+", text)
