"""The memorial list: what it shows, and the property that nothing withheld leaks."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from publish_fixtures import Given, store

from qantar import Project
from qantar.names import SCHEMES, transliterate
from qantar.publish import STATUSES, decide_publication, publish_memorial
from qantar.publish._memorial import fold

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_memorial_site_csv_json(project: Project, tmp_path: Path) -> None:
    store(
        project,
        [
            Given("P1", "A", "Әбдіқадыров", "Нұрлан", "Серікұлы", age=34, notes="at the square"),
            Given("P1", "B", name="Abdikadyrov Nurlan", age=34),
            Given("P2", "A", "Жұмабаева", "Әсел", age=16, sex="F", place_id="taldykorgan"),
            Given("P3", "B", "Петров", "Иван", event_type="detained"),
            Given("P4", "A", "Қасымов", "Ержан", age=40),
        ],
    )
    decide_publication(project, "P1", "publish", by="R")
    decide_publication(project, "P4", "withhold", by="R", note="family asked")
    result = publish_memorial(project, tmp_path / "site")
    assert (result.shown, result.initials_only, result.not_shown) == (2, 1, 1)
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == [
        "index.en.html",
        "index.html",
        "index.kk.html",
        "index.ru.html",
        "memorial.csv",
        "memorial.json",
        "search.js",
    ]
    data = json.loads((tmp_path / "site" / "memorial.json").read_text(encoding="utf-8"))
    people = {p["person_id"]: p for p in data["persons"]}
    assert set(people) == {"P1", "P2"}  # P3 was detained, not killed; P4 withheld
    assert people["P1"]["name_cyrillic"] == "Әбдіқадыров Нұрлан Серікұлы"
    assert people["P1"]["name_latin"] == "Abdikadyrov Nurlan"
    assert people["P1"]["sources"] == ["A", "B"] and people["P1"]["age"] == 34
    # Notes are never public unless a column is made public on purpose.
    assert people["P1"]["circumstances"] is None
    minor = people["P2"]
    assert minor["name_cyrillic"] == "Ж. Ә." and minor["age"] is None
    assert minor["place"] is None and minor["region"] == "Almaty Region" and minor["sources"] == []
    rows = list(csv.DictReader((tmp_path / "site" / "memorial.csv").open(encoding="utf-8")))
    assert [r["person_id"] for r in rows] == ["P1", "P2"]
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Әбдіқадыров" in html and 'type="search"' in html
    # The search key of P1 finds it from Cyrillic, passport Latin and Kazakh Latin queries.
    for query in ("әбдіқадыров", "abdikadyrov", "äbdıqadyrov", "абдикадыров"):
        assert fold(query) in html


_SYLLABLES = [
    "ба",
    "кы",
    "ту",
    "ғал",
    "мер",
    "жан",
    "сұл",
    "ной",
    "шәр",
    "рек",
    "зих",
    "өлп",
    "щук",
    "ві",
    "фа",
    "яс",
    "үм",
    "ңе",
    "хи",
    "цо",
]
_name = st.lists(st.sampled_from(_SYLLABLES), min_size=3, max_size=4).map(
    lambda parts: "".join(parts).capitalize()
)


def _forms(word: str) -> set[str]:
    out = {word}
    out |= {transliterate(word, s) for s in SCHEMES}
    out |= {fold(w) for w in list(out)}
    return {f for w in out for f in (w, w.upper(), w.lower(), w.casefold())}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    people=st.lists(st.tuples(_name, _name, _name), min_size=2, max_size=5),
    statuses=st.lists(st.sampled_from(STATUSES), min_size=5, max_size=5),
    latin_scheme=st.sampled_from(SCHEMES),
    default=st.sampled_from(STATUSES),
)
def test_no_withheld_name_leaks(
    people: list[tuple[str, str, str]], statuses: list[str], latin_scheme: str, default: str
) -> None:
    words = [w for person in people for w in person]
    # Distinct names that are not parts of each other in any spelling, so a hit is a leak.
    for a in words:
        for b in words:
            if a is not b:
                assume(not (_forms(a) & _forms(b)) and fold(a) not in fold(b))
    given_rows = []
    for i, (surname, first, father) in enumerate(people):
        pid = f"P{i}"
        neighbour = people[(i + 1) % len(people)]
        given_rows += [
            Given(
                pid,
                "Hotline",
                surname,
                first,
                father,
                age=20 + i,
                notes=f"found with {neighbour[0]} {neighbour[1]}",
            ),
            Given(
                pid,
                f"List {neighbour[0]}" if i == 0 else "Press",
                name=transliterate(f"{surname} {first}", latin_scheme),
            ),
        ]
    with tempfile.TemporaryDirectory() as tmp:
        project = Project.init(Path(tmp) / "case")
        project.settings = project.settings.updated("publish", default=default)
        store(project, given_rows)
        for i, _ in enumerate(people):
            if statuses[i] != default:
                decide_publication(project, f"P{i}", statuses[i], by="test")
        out = Path(tmp) / "out"
        publish_memorial(project, out)
        texts = {}
        for path in out.rglob("*"):
            if path.is_file():
                texts[str(path.relative_to(out))] = path.read_text(encoding="utf-8")
        project.close()
        for i, person in enumerate(people):
            if statuses[i] == "publish":
                assert any(person[0] in t for t in texts.values())
                continue
            for word in person:
                for form in _forms(word):
                    for name, text in texts.items():
                        assert form not in name
                        assert form not in text, f"{statuses[i]} name {form!r} in {name}"


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)")
def test_search_in_headless_chromium(project: Project, tmp_path: Path) -> None:
    store(project, [
        Given("P1", "A", "Әбдіқадыров", "Нұрлан", "Серікұлы", age=34),
        Given("P2", "A", "Жұмабаев", "Ерлан", age=41),
        Given("P3", "A", "Қасымов", "Ержан", age=40),
    ])  # fmt: skip
    for pid in ("P1", "P2", "P3"):
        decide_publication(project, pid, "publish", by="R")
    publish_memorial(project, tmp_path / "site")
    page = (tmp_path / "site" / "index.html").resolve().as_uri()
    searches = [("Абдикадыров", {"P1"}), ("abdiqadyrov", {"P1"}), ("ов", {"P1", "P3"}),
                ("erzhan", {"P3"}), ("zhumabaev erlan", {"P2"})]  # fmt: skip
    for query, expected in searches:
        dom = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--proxy-server=127.0.0.1:9",
             f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
             f"{page}#q={urllib.parse.quote(query)}"],
            capture_output=True, text=True, timeout=120, check=True,
        ).stdout  # fmt: skip
        visible = set()
        for row in re.findall(r"<tr class=\"[^\"]*\"[^>]*>.*?</tr>", dom, flags=re.S):
            if "display: none" not in row:
                visible |= {pid for pid in ("P1", "P2", "P3") if _NAMES[pid] in row}
        assert visible == expected, query


_NAMES = {"P1": "Әбдіқадыров", "P2": "Жұмабаев", "P3": "Қасымов"}
