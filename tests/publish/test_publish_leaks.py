"""Rule 2 of issue 16: a withheld person appears in no public output, in any form.

The withheld names are generated so that none of their forms occurs in what qantar writes
for a project without them (a template word, a CSS colour, a JavaScript keyword), so a
hit is a leak and never chance. Every output is searched for every Russian case form,
Kazakh suffix and Latin transliteration of every word of the withheld names.
"""

from __future__ import annotations

import io
import json
import random
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from publish_fixtures import Given, store
from pypdf import PdfReader

import qantar.evidence as evidence
from qantar import Project
from qantar.accountability import Victim, link_responsibility, make, save_entities
from qantar.accountability._dossier import write_dossier
from qantar.link._features import refresh
from qantar.names import SCHEMES, transliterate
from qantar.publish import collect_report_data, decide_publication, publish_memorial, render_report

_SYLLABLES = ("бар", "кул", "жан", "тос", "мир", "зах", "пел", "гур", "шин", "рот", "вук",
              "дем", "лиз", "фон", "хат", "цеп", "юль", "щар", "быт", "ёнк")  # fmt: skip
_ENDINGS = ("", "а", "у", "ом", "ым", "е", "ой", "ы", "ых", "ого", "ому", "ым", "ов", "ой",
            "ның", "нің", "ға", "ге", "қа", "ды", "ді", "мен", "бен", "дан", "да", "тың",
            "ларының", "тарға")  # fmt: skip
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")


def forms(word: str) -> set[str]:
    """Every case form and transliteration of a word, casefolded."""
    stems = {word, word[:-1]} if word[-1] in "аеиоуыяь" else {word}
    cyrillic = {s + e for s in stems for e in _ENDINGS if len(s + e) >= 6}
    out = set(cyrillic)
    for form in cyrillic:
        out |= {transliterate(form, scheme) for scheme in SCHEMES}
    return {f.casefold() for f in out if len(f) >= 6}


@dataclass
class Outputs:
    texts: dict[str, str]

    def leaks(self, words: set[str]) -> list[tuple[str, str]]:
        found = []
        for name, text in self.texts.items():
            folded = text.casefold()
            found += [(name, w) for w in sorted(words) if w in folded]
        return found


def _bundle_texts(path: Path) -> Iterator[tuple[str, str]]:
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            data = archive.read(member)
            if member.endswith(".pdf"):
                text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
            else:
                text = data.decode("utf-8", "replace")
            yield f"bundle:{member}", text
            yield f"bundle:{member}:name", member


def _json_decoded(text: str) -> str:
    return json.dumps(json.loads(text), ensure_ascii=False)


def _names(seed: int) -> dict[str, str]:
    rng = random.Random(seed)

    def word(n: int, end: str = "") -> str:
        return ("".join(rng.choice(_SYLLABLES) for _ in range(n)) + end).capitalize()

    return {
        "w_surname": word(3, "ов"),
        "w_given": word(3),
        "l_surname": word(3, "ев"),
        "l_given": word(3),
        "i_surname": word(3, "ин"),
    }


def build(project: Project, tmp: Path, n: dict[str, str] | None) -> Outputs:
    """A project with a published person, a person shown by initials, and (when ``n`` is
    given) one person withheld by a decision and one whose list says "не публиковать",
    each named in every kind of free text qantar keeps. Then every public output."""
    people = [
        Given("P1", "Family list", "Сапаров", "Ерлан", age=40, kind="family",
              cells={"ФИО": "Сапаров Ерлан", "Обстоятельства": "погиб на площади"}),
    ]  # fmt: skip
    if n is not None:
        w = f"{n['w_surname']} {n['w_given']}"
        people += [
            Given("P2", "Family list", n["w_surname"], n["w_given"], age=30, kind="family",
                  cells={"ФИО": w, "Обстоятельства": f"вместе с {n['l_surname']}ым"}),
            Given("P3", "Hotline", n["l_surname"], n["l_given"], age=22, kind="ngo",
                  cells={"ФИО": f"{n['l_surname']} {n['l_given']}", "Согласие": "нет"}),
            Given("P4", "Hotline", n["i_surname"], "Ерлан", age=50, kind="ngo",
                  cells={"ФИО": f"{n['i_surname']} Ерлан"}),
            Given("P1", f"Список семьи {n['w_surname']}ых", "Сапаров", "Ерлан", age=40,
                  kind="family", cells={"Обстоятельства": f"рядом с {n['w_surname']}ым"}),
        ]  # fmt: skip
    store(project, people)
    refresh(project.engine)  # the link features the report's overlap is read from
    project.settings = project.settings.updated("publish", circumstances_columns=["Обстоятельства"])
    project.settings = project.settings.updated("accountability", submitter={
        "organisation": "Synthetic NGO", "contact_name": "Контактов Связной",
        "contact_email": "kontaktov.svyaznoi@example.org", "contact_phone": "+7 701 000 11 22",
    })  # fmt: skip
    decide_publication(project, "P1", "publish", by="liaison")
    if n is not None:
        decide_publication(project, "P2", "withhold", by="liaison", note="family asked")
        decide_publication(project, "P4", "initials-only", by="liaison")
    texts: dict[str, str] = {}
    # Evidence and a dossier: an incident, a claim, a file named after the withheld person.
    official = make("Person", name="Сериков Арман Нурланович", nationality="kz")
    save_entities(project, [official])
    assert official.id
    w_text = f"{n['w_surname']}ым" if n else "неизвестным"
    incident = evidence.add_incident(
        project, date="2022-01-06", place="Алматы", type="shooting",
        description=f"Стрельба; ранен вместе с {w_text}",
    )  # fmt: skip
    stem = n["w_surname"] if n else "statement"
    files = tmp / "files"
    files.mkdir(parents=True)
    named = files / f"statement_{stem}.txt"
    named.write_bytes(b"a witness statement, synthetic\n")
    other = files / "photo-notes.txt"
    other.write_bytes(b"notes on a photo, synthetic\n")
    added = evidence.add(project, [named, other], collected_by="Researcher A",
                         collected_at="2022-01-08T10:00:00Z", incident=incident)  # fmt: skip
    if n is not None:
        evidence.attach(project, added[0].sha256, person="P2")
        evidence.annotate(project, added[1].sha256, kind="description",
                          body=f"{n['w_surname'].upper()} виден слева")  # fmt: skip
    link_responsibility(
        project, actor=official.id, incident=incident, role="commanded",
        source=f"Показания {n['l_surname']}а" if n else "Показания свидетеля",
        confidence=0.7, note=f"{w_text} видели у площади",
        evidence_items=[added[0].sha256[:12], added[1].sha256[:12]],
        victims=[Victim(person_id=p, category="protester") for p in
                 (("P1", "P2", "P3", "P4") if n else ("P1",))],
    )  # fmt: skip
    site = tmp / "site"
    publish_memorial(project, site)
    for name in ("index.html", "memorial.csv", "memorial.json"):
        texts[f"memorial:{name}"] = (site / name).read_text(encoding="utf-8")
    texts["memorial:json-decoded"] = _json_decoded(texts["memorial:memorial.json"])
    report = render_report(collect_report_data(project), tmp / "report" / "report.html")
    texts["report"] = report.html.read_text(encoding="utf-8")
    out = write_dossier(project, official.id, "uk-ghr", tmp / "dossier" / "d.pdf")
    texts["dossier:html"] = Path(out.html).read_text(encoding="utf-8")
    texts["dossier:data"] = _json_decoded(Path(out.data).read_text(encoding="utf-8"))
    texts["dossier:pdf"] = " ".join(p.extract_text() or "" for p in PdfReader(out.pdf).pages)
    bundle = evidence.export(project, tmp / "public.zip", public=True, with_renditions=False)
    texts.update(_bundle_texts(bundle.path))
    return Outputs({k: _DATA_URI.sub("", v) for k, v in texts.items()})


def test_rule2_withheld_person_in_no_public_output(tmp_path: Path) -> None:
    empty = Project.init(tmp_path / "empty")
    baseline = build(empty, tmp_path / "empty-out", None)
    # Names none of whose forms the outputs of a project without them contain.
    for seed in range(100):
        names = _names(seed)
        words = {f for key in ("w_surname", "w_given", "l_surname", "l_given") for f in
                 forms(names[key])}  # fmt: skip
        if not baseline.leaks(words | forms(names["i_surname"])):
            break
    else:
        pytest.fail("no generated name is free of the baseline outputs")
    project = Project.init(tmp_path / "case")
    outputs = build(project, tmp_path / "case-out", names)
    leaks = outputs.leaks(words)
    where = sorted({o for o, _ in leaks})
    assert not leaks, f"{len(leaks)} forms of withheld names found in: {where}"
    # The person shown by initials: the surname appears in no free text either.
    assert not outputs.leaks(forms(names["i_surname"]))
    # Contacts from [accountability.submitter] never reach the public report.
    assert "kontaktov" not in outputs.texts["report"] and "000 11 22" not in outputs.texts["report"]
    # What is left out is counted, and the item that shows only the withheld person is not
    # in the public bundle.
    memorial = json.loads(outputs.texts["memorial:memorial.json"])
    assert memorial["counts"]["texts_left_out"] >= 1
    manifest = json.loads(outputs.texts["bundle:manifest.json"])
    assert [w["reason"] for w in manifest["withheld_items"]] == [
        "shows only persons whose names are withheld"
    ]
    assert manifest["texts_left_out"] >= 1
    # The published person is still there, under the family's spelling.
    assert "Сапаров Ерлан" in outputs.texts["memorial:index.html"]
