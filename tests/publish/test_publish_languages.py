"""The memorial in Kazakh, Russian and English: one page per language, a switcher, names in
every script, and a search that finds a Kazakh name typed in Latin or in Russian spelling."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _cli import run_cli
from publish_fixtures import Given, store

from qantar import Project
from qantar.errors import InputError
from qantar.publish import decide_publication, publish_memorial
from qantar.publish._memorial import search_matches


@pytest.fixture
def site(project: Project, tmp_path: Path) -> Path:
    store(project, [
        Given("P1", "A", "Жақсылықов", "Қайрат", "Серікұлы", age=34, event_date="2022-01-05"),
        Given("P2", "A", "Петров", "Иван", age=41, event_date="2022-01"),
        Given("P3", "A", "Жұмабаева", "Әсел", age=16, sex="F"),
    ])  # fmt: skip
    for pid in ("P1", "P2"):
        decide_publication(project, pid, "publish", by="R")
    publish_memorial(project, tmp_path / "site")
    return tmp_path / "site"


def _keys(html: str) -> dict[str, str]:
    rows = re.findall(r'data-key="([^"]*)">\s*<td class="name">([^<]*)<', html)
    return {name: key for key, name in rows}


def test_one_page_per_language_with_a_switcher(site: Path) -> None:
    pages = {lang: (site / f"index.{lang}.html").read_text(encoding="utf-8")
             for lang in ("kk", "ru", "en")}  # fmt: skip
    # index.html is the first of [case] languages (kk by default).
    assert (site / "index.html").read_text(encoding="utf-8") == pages["kk"]
    assert '<html lang="kk">' in pages["kk"] and '<html lang="ru">' in pages["ru"]
    for lang, html in pages.items():
        # Relative links to the other two, none to itself; no inline script.
        links = set(re.findall(r'<a href="(index\.\w\w\.html)"', html))
        assert links == {f"index.{o}.html" for o in ("kk", "ru", "en") if o != lang}
        assert '<script src="search.js"></script>' in html
        assert not re.search(r"<script>", html)
    assert "Әрқайсысын еске аламыз" in pages["kk"] and "Помним каждого" in pages["ru"]
    assert "We remember each of them" in pages["en"]
    # Plurals: three persons listed, one of them (a minor) by initials.
    assert "Здесь названы 3 человека." in pages["ru"] and "Из них 1 — только" in pages["ru"]
    assert "Мұнда 3 адам аталған." in pages["kk"]
    assert "3 persons are listed here." in pages["en"] and "1 of them is shown" in pages["en"]
    # Places from the gazetteer in each language.
    assert "<td>Алматы</td>" in pages["kk"] and "<td>Almaty</td>" in pages["en"]
    # Dates worded per language; a month-only date stays a month.
    assert "5 января 2022" in pages["ru"] and "январь 2022" in pages["ru"]
    assert "5 қаңтар" in pages["kk"] and "5 January 2022" in pages["en"]


def test_no_english_on_kazakh_and_russian_pages(site: Path) -> None:
    for lang in ("kk", "ru"):
        html = (site / f"index.{lang}.html").read_text(encoding="utf-8")
        # Names in Latin (the line under each name) are kept on purpose, as are the format
        # names, the switcher's "English" and the tool's name.
        body = re.sub(r'<style>.*?</style>|<span class="latin">[^<]*</span>|<[^>]+>', " ",
                      html, flags=re.S)  # fmt: skip
        words = set(re.findall(r"[A-Za-z]{2,}", body))
        assert words <= {"CSV", "JSON", "English", "qantar"}, words


def test_names_in_three_scripts_and_search_in_any(site: Path) -> None:
    html = (site / "index.ru.html").read_text(encoding="utf-8")
    keys = _keys(html)
    name = "Жақсылықов Қайрат Серікұлы"
    assert name in keys  # as recorded, never "corrected"
    # Russian Cyrillic and the 2021 Kazakh Latin alphabet shown under it.
    assert "Жаксылыков Кайрат Серикулы" in html
    assert "Jaqsylyqov Qairat Serıkūly" in html
    key = keys[name]
    for typed in ("Zhaksylykov Kairat",  # Latin as the press and passports write it
                  "Jaqsylyqov",  # Kazakh Latin 2021
                  "Жаксылыков Кайрат",  # Russian spelling
                  "жақсылықов"):  # fmt: skip
        assert search_matches(key, typed), typed
    assert not search_matches(key, "Петров")


def test_languages_and_latin_scheme_from_settings(project: Project, tmp_path: Path) -> None:
    store(project, [Given("P1", "A", "Жақсылықов", "Қайрат", age=34)])
    decide_publication(project, "P1", "publish", by="R")
    project.settings = project.settings.updated("case", languages=["ru", "kk"])
    project.settings = project.settings.updated("publish", latin_scheme="icao")
    publish_memorial(project, tmp_path / "site", lang="kk")
    names = sorted(p.name for p in (tmp_path / "site").glob("index*.html"))
    assert names == ["index.html", "index.kk.html", "index.ru.html"]
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="kk">' in html and "Zhaksylykov Kairat" in html
    # A scheme qantar does not know is refused when the settings are read, naming the key.
    with pytest.raises(InputError, match="latin_scheme"):
        project.settings.updated("publish", latin_scheme="klingon")
    with pytest.raises(InputError, match="unknown language"):
        publish_memorial(project, tmp_path / "site", lang="de")


def test_cli_lang(project: Project, tmp_path: Path) -> None:
    store(project, [Given("P1", "A", "Жақсылықов", "Қайрат", age=34)])
    decide_publication(project, "P1", "publish", by="R")
    site = str(tmp_path / "site")
    done = run_cli(project, "publish", "--out", site, "--lang", "ru")
    assert done.exit_code == 0, done.output
    assert '<html lang="ru">' in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    bad = run_cli(project, "publish", "--out", site, "--lang", "de")
    # A user error: one line, exit 2.
    assert bad.exit_code == 2 and "unknown language" in bad.stderr


def test_the_summary_keeps_its_sentences_apart(project: Project, tmp_path: Path) -> None:
    # Jinja's trim_blocks ate the line break between two optional sentences: "…initials
    # only.1 more is not shown" on every page that had both.
    store(project, [
        Given("P1", "A", "Петров", "Иван", age=41),
        Given("P2", "A", "Жұмабаева", "Әсел", age=16, sex="F"),
        Given("P3", "A", "Оспанов", "Мирас", age=30),
    ])  # fmt: skip
    decide_publication(project, "P1", "publish", by="R")
    decide_publication(project, "P3", "withhold", by="R")
    publish_memorial(project, tmp_path / "site")
    for lang in ("kk", "ru", "en"):
        html = (tmp_path / "site" / f"index.{lang}.html").read_text(encoding="utf-8")
        found = re.search(r"<main>\s*<p>(.*?)</p>", html, re.S)
        assert found
        assert len(re.findall(r"[.:]\s", found.group(1))) >= 2, found.group(1)
        assert not re.search(r"\.[^\s\d]", found.group(1)), found.group(1)
