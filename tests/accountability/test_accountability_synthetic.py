"""Issue 9's check, end to end: a dossier built from a synthetic scenario (generated lists,
imported, linked by Splink, estimated) cites only evidence that verifies and withholds
what the publication rules withhold, in every file it writes."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

import qantar.evidence as evidence
from qantar import Project, estimate, ingest, link, synth
from qantar.accountability import Victim, link_responsibility
from qantar.accountability._dossier import write_dossier
from qantar.link._tables import person_records, persons
from qantar.names import SCHEMES, to_cyrillic, transliterate
from qantar.publish import decide_publication, public_persons
from qantar.store.schema import records

_WORD = re.compile(r"\w+")


def _spellings(rows: list[tuple[str | None, ...]]) -> set[str]:
    """Every word of a person's recorded names, in Cyrillic and in every Latin scheme."""
    words = {w for row in rows for text in row if text for w in _WORD.findall(text)}
    out: set[str] = set()
    for word in words:
        if len(word) < 3:
            continue
        cyrillic = to_cyrillic(word) or word
        forms = {word, cyrillic}
        for scheme in SCHEMES:
            forms |= {transliterate(word, scheme), transliterate(cyrillic, scheme)}
        out |= {f.casefold() for f in forms if f}
    return out


def _found(word: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def _name(members: list[tuple[int, tuple[str | None, ...]]]) -> str:
    name_raw, surname, given, _patronymic = members[0][1]
    return name_raw or f"{surname} {given}"


def _linked_names(project: Project) -> dict[str, list[tuple[int, tuple[str | None, ...]]]]:
    query = (
        select(
            person_records.c.person_id,
            records.c.id,
            records.c.name_raw,
            records.c.surname_raw,
            records.c.given_raw,
            records.c.patronymic_raw,
        )
        .join(records, records.c.id == person_records.c.record_id)
        .join(persons, persons.c.person_id == person_records.c.person_id)
        .where(persons.c.active.is_(True))
        .order_by(person_records.c.person_id, records.c.id)
    )
    out: dict[str, list[tuple[int, tuple[str | None, ...]]]] = defaultdict(list)
    with project.engine.connect() as conn:
        for row in conn.execute(query):
            out[str(row[0])].append((int(row[1]), tuple(row[2:])))
    return out


def test_synthetic_dossier_withholds_and_cites_only_what_verifies(
    project: Project, tmp_path: Path, make_scenario: Any
) -> None:
    scenario = synth.generate(synth.ScenarioConfig(n=60), seed=11)
    paths = synth.write_scenario(scenario, tmp_path / "lists")
    for name, source_list in scenario.lists.items():
        ingest.import_file(project, paths[name], source=name, kind=source_list.spec.kind)
    link.run(project, seed=11)
    result, _run = estimate.estimate_project(project, method="loglinear", seed=11)

    # Three victims with names that share no word: one withheld, one initials only, one
    # published, each by an explicit decision (which overrides every rule).
    linked = _linked_names(project)
    chosen: list[tuple[str, set[str]]] = []
    for pid, members in linked.items():
        if not all(row[1] or row[0] for _, row in members):
            continue
        words = _spellings([row for _, row in members])
        if len(words) >= 2 and all(not (words & other) for _, other in chosen):
            chosen.append((pid, words))
        if len(chosen) == 3:
            break
    assert len(chosen) == 3
    (withheld, withheld_words), (initials, initials_words), (published, published_words) = chosen
    decide_publication(project, withheld, "withhold", by="tester", note="family asked")
    decide_publication(project, initials, "initials-only", by="tester")
    decide_publication(project, published, "publish", by="tester", note="family consent")

    (tmp_path / "scenario").mkdir()
    sc = make_scenario(project, tmp_path / "scenario")
    link_responsibility(
        project,
        actor=sc.ids["official"],
        incident=sc.incident,
        role="commanded",
        source="Synthetic witness statements",
        confidence=0.7,
        # Documenters' free text names victims too: it must be scrubbed as the labels are.
        note=f"Witnesses saw {_name(linked[withheld])} and {_name(linked[initials])} fall",
        evidence_items=[sc.good_item[:12], sc.bad_item[:12]],
        victims=[
            Victim(record_id=linked[pid][0][0], category="protester")
            for pid in (withheld, initials, published)
        ],
    )
    # One flipped byte in the archived object: the item no longer verifies.
    blob = next(
        p for p in (project.evidence_dir / "objects").rglob("*") if p.name.startswith(sc.bad_item)
    )
    blob.chmod(0o644)
    content = bytearray(blob.read_bytes())
    content[0] ^= 0x01
    blob.write_bytes(bytes(content))

    out = write_dossier(project, sc.ids["official"], "uk-ghr", tmp_path / "out" / "d.pdf")
    pdf = " ".join(" ".join(page.extract_text() or "" for page in PdfReader(out.pdf).pages).split())
    html = Path(out.html).read_text(encoding="utf-8")
    files = {
        "pdf": pdf,
        "html": html,
        "data": Path(out.data).read_text(encoding="utf-8"),
        "manifest": Path(out.manifest).read_text(encoding="utf-8"),
    }
    # JSON escapes non-ASCII text only if asked to: read it back to compare real strings.
    files["data-decoded"] = json.dumps(json.loads(files["data"]), ensure_ascii=False)
    shown = {p.person_id: p for p in public_persons(project)}
    # Words the published person legitimately shows may not be tested against the others.
    hidden_words = (withheld_words | initials_words) - published_words
    assert withheld_words - published_words and initials_words - published_words
    for kind, text in files.items():
        folded = text.casefold()
        leaked = sorted(w for w in hidden_words if _found(w, folded))
        assert not leaked, f"{kind} shows {len(leaked)} word(s) of a name it must withhold"
        assert sc.bad_item not in text and sc.bad_item[:16] not in text
    assert shown[published].name_cyrillic in html
    assert shown[initials].name_cyrillic in html and shown[initials].status == "initials-only"
    assert withheld not in shown and withheld not in files["data-decoded"]

    data = json.loads(files["data"])
    labels = [v["label"] for b in data["incidents"] for v in b["victims"]]
    assert sum("name withheld" in label for label in labels) == 2  # ours + the unlinked record
    assert data["safety"]["initials_only_victim_names"] == 2  # ours + the default-status one
    assert out.excluded_evidence == [sc.bad_item]
    # Reading for a dossier is not viewing: only the export of what it cites is logged.
    assert "viewed" not in {e["action"] for e in evidence.custody_log(project)}
    assert [m["sha256"] for m in json.loads(files["manifest"])] == [sc.good_item]
    # The scale section quotes the estimate run, labelled, beside the documented count.
    scale = data["scale"]["estimate"]
    assert scale["documented"] == result.observed and scale["method"] == "loglinear"
    assert scale["lower"] <= scale["estimate"] <= scale["upper"]
    assert "Estimated true number (multiple systems estimation, loglinear)" in html
    assert "Documented: distinct persons" in pdf
