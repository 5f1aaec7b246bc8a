"""The memorial list: one offline HTML page with search, plus CSV and JSON.

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
from pathlib import Path
from typing import Any

from qantar.errors import QantarError
from qantar.model import PublicationStatus
from qantar.model.cells import safe_cell
from qantar.model.dicts import jsonable
from qantar.names import SCHEMES, russify, transliterate
from qantar.project import Project
from qantar.publish._persons import person_facts
from qantar.publish._public import PublicPerson, public_label, public_view
from qantar.publish._render import environment

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
DEFAULT_TITLE = "In memory of those killed in {case}"  # [case] title
FILES = ("index.html", "memorial.csv", "memorial.json")


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


def publish_memorial(project: Project, out: str | os.PathLike[str]) -> MemorialResult:
    """Write index.html, memorial.csv and memorial.json into ``out`` (created if needed)."""
    facts = person_facts(project)
    if not facts:
        raise QantarError("no persons yet: run `qantar link` before `qantar publish`")
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
    default_title = DEFAULT_TITLE.format(case=project.settings.case.title)
    title = public_label(view.guard, project.settings.publish.title or default_title, default_title)
    keyed = [{**r, "key": search_key(p)} for r, p in zip(rows, shown, strict=True)]
    html = (
        environment()
        .get_template("memorial.html.j2")
        .render(
            title=title,
            rows=keyed,
            shown=len(shown),
            initials=initials,
            not_shown=not_shown,
            nameless=nameless,
            texts_left_out=view.texts_left_out,
            generated=generated,
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
        "index.html": html,
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
