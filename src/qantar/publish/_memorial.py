"""The memorial list: one offline HTML page per language with search, plus CSV and JSON.

Only ``public_persons`` reaches these files, so nothing withheld can be written; the
search index holds the published forms (Cyrillic and Latin in every scheme) and nothing else.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from qantar.errors import QantarError
from qantar.i18n import N_, check_language, plural_samples, speaker
from qantar.ingest import Gazetteer
from qantar.model import PublicationStatus
from qantar.model.cells import safe_cell
from qantar.model.dicts import jsonable
from qantar.names import SCHEMES, russify, transliterate
from qantar.project import Project
from qantar.publish._persons import person_facts
from qantar.publish._places import place_in
from qantar.publish._public import PublicPerson, public_label, public_view
from qantar.publish._render import localised

CSV_COLUMNS = (
    "person_id",
    "status",
    "name_cyrillic",
    "name_latin",
    "age",
    "date_of_death",
    "place",
    "region",
    "circumstances",
    "sources",
)
# The default title: for Qantar, translated whole; for another case, its [case] title in a
# sentence that needs no inflection of it.
DEFAULT_TITLE = N_("In memory of those killed in January 2022")
TITLE_AROUND = N_("In memory of those killed: %(case)s")
FILES = ("index.html", "memorial.csv", "memorial.json", "search.js")


@dataclass(frozen=True)
class MemorialResult:
    out: Path
    files: tuple[Path, ...]
    shown: int
    initials_only: int
    not_shown: int  # withheld by a decision, a list or the rules
    nameless: int = 0  # no list gives a name (only "неизвестный" or nothing): not a row
    texts_left_out: int = 0  # free texts that mention a withheld person

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "out": str(self.out),
                "files": [str(p) for p in self.files],
                "shown": self.shown,
                "initials_only": self.initials_only,
                "not_shown": self.not_shown,
                "nameless": self.nameless,
                "texts_left_out": self.texts_left_out,
            }
        )


def fold(text: str) -> str:
    """Lowercase without diacritics, as the page's search does (ё→е, й→и, ä→a)."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_key(person: PublicPerson) -> str:
    """What the search box matches: the published forms only, in every scheme."""
    # Russified Cyrillic too: most people type Kazakh names without the Kazakh letters.
    forms = {person.name_cyrillic, russify(person.name_cyrillic), person.name_latin}
    forms.update(transliterate(person.name_cyrillic, s) for s in SCHEMES)
    return " | ".join(sorted({fold(f) for f in forms if f}))


def site_languages(project: Project, lang: str | None = None) -> tuple[str, ...]:
    """The languages the site offers (``[case] languages``), the page ``index.html`` shows
    first: ``lang`` if given, else the first of them."""
    configured = project.settings.case.languages  # checked when the project opened
    languages = [check_language(str(code)) for code in configured]
    if lang is not None:
        languages = [check_language(lang)] + [c for c in languages if c != lang]
    return tuple(dict.fromkeys(languages))


def latin_scheme(project: Project) -> str:
    return project.settings.publish.latin_scheme  # one of SCHEMES, checked at open


def page_name(lang: str) -> str:
    return f"index.{lang}.html"


def shown_forms(name_cyrillic: str, scheme: str) -> tuple[str, str]:
    """The name in Russian Cyrillic and in Latin, each only when it differs from what is
    shown above it: the recorded name itself is never altered."""
    russian = russify(name_cyrillic)
    latin = transliterate(name_cyrillic, scheme)
    return (
        russian if russian != name_cyrillic else "",
        latin if latin not in (name_cyrillic, russian) else "",
    )


def _in_language(row: dict[str, Any], lang: str, places: Gazetteer) -> dict[str, Any]:
    return {
        **row,
        "place": place_in(row["place"], lang, places),
        "region": place_in(row["region"], lang, places),
    }


def search_matches(key: str, query: str) -> bool:
    """What search.js does with a row's key: every word typed, folded, is part of the key."""
    return all(word in key for word in fold(query).split())


def _row(p: PublicPerson) -> dict[str, Any]:
    return {
        "person_id": p.person_id,
        "status": p.status,
        "name_cyrillic": p.name_cyrillic,
        "name_latin": p.name_latin,
        "age": p.age,
        "date_of_death": p.date_of_death,
        "place": p.place,
        "region": p.region,
        "circumstances": p.circumstances,
        "sources": list(p.sources),
    }


def memorial_csv(rows: list[dict[str, Any]]) -> str:
    """The rows as CSV, every cell safe to open in a spreadsheet (no formula runs)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        flat = {k: row[k] for k in CSV_COLUMNS}
        flat["sources"] = " | ".join(row["sources"])
        writer.writerow({k: "" if v is None else safe_cell(v) for k, v in flat.items()})
    return buffer.getvalue()


def publish_memorial(
    project: Project, out: str | os.PathLike[str], *, lang: str | None = None
) -> MemorialResult:
    """Write the site into ``out`` (created if needed): ``index.<lang>.html`` for each of
    ``[case] languages`` with a switcher between them, ``index.html`` in ``lang`` (default:
    the first language), search.js, memorial.csv and memorial.json."""
    languages = site_languages(project, lang)
    scheme = latin_scheme(project)
    facts = person_facts(project)
    if not facts:
        raise QantarError(N_("no persons yet: run `qantar link` before `qantar publish`"))
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    view = public_view(project)
    total_memorial = sum(1 for f in facts if f.in_memorial)
    # A person no list could name is counted, not shown as an empty row.
    nameless = sum(1 for p in view.persons if p.memorial and not p.named)
    shown = [p for p in view.persons if p.memorial and p.named]
    # Full names first in Cyrillic order, then those shown by initials only.
    shown.sort(
        key=lambda p: (
            p.status != PublicationStatus.PUBLISH,
            p.name_cyrillic.casefold(),
            p.person_id,
        )
    )
    rows = [_row(p) for p in shown]
    initials = sum(1 for p in shown if p.status == PublicationStatus.INITIALS_ONLY)
    not_shown = total_memorial - len(shown) - nameless
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    case_title = public_label(view.guard, project.settings.case.title, "", "case title")
    configured = project.settings.publish.title
    # A title set in qantar.toml is the project's own words; the default is translated.
    title = public_label(view.guard, configured, "") if configured else ""
    keyed = []
    for r, p in zip(rows, shown, strict=True):
        russian, latin = shown_forms(p.name_cyrillic, scheme)
        keyed.append(
            {**r, "key": search_key(p), "name_russian": russian, "name_shown_latin": latin}
        )
    pages = []
    for code in languages:
        talk = speaker(code)
        page_title = title or talk.about_case(DEFAULT_TITLE, TITLE_AROUND, case_title)
        count_forms = [
            (category, talk.ngettext("%(num)s shown", "%(num)s shown", n))
            for category, n in plural_samples(code).items()
        ]
        pages.append(
            localised("publish", code)
            .get_template("memorial.html.j2")
            .render(
                title=page_title,
                rows=[_in_language(r, code, project.gazetteer) for r in keyed],
                shown=len(shown),
                initials=initials,
                not_shown=not_shown,
                nameless=nameless,
                texts_left_out=view.texts_left_out,
                generated=generated,
                pages=[(c, page_name(c)) for c in languages],
                count_forms=count_forms,
            )
        )
    payload = {
        "title": title,
        "generated": generated,
        "counts": {
            "shown": len(shown),
            "initials_only": initials,
            "not_shown": not_shown,
            "nameless": nameless,
            "texts_left_out": view.texts_left_out,
        },
        "columns": list(CSV_COLUMNS),
        "persons": rows,
    }
    contents = {
        "index.html": pages[0],
        **{page_name(code): page for code, page in zip(languages, pages, strict=True)},
        "search.js": resources.files("qantar.publish")
        .joinpath("templates", "search.js")
        .read_text(encoding="utf-8"),
        "memorial.csv": memorial_csv(rows),
        "memorial.json": json.dumps(payload, ensure_ascii=False, indent=2),
    }
    paths = []
    for name, text in contents.items():
        # Write then rename: a reader never sees half a file, and an old file is replaced whole.
        fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".tmp-", suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, out_dir / name)
        paths.append(out_dir / name)
    return MemorialResult(
        out_dir, tuple(paths), len(shown), initials, not_shown, nameless, view.texts_left_out
    )
