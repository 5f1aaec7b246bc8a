"""Sanctions dossiers: the data (sections A to K of the submission field list), the HTML
(Jinja2) and the PDF (WeasyPrint).

Withholding happens while the data is built: a victim's name that the publication rule
withholds, and an evidence item that does not verify, never enter the data, so neither
can reach the HTML, the PDF or the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import ValueEntity
from jinja2 import PackageLoader

import qantar.evidence as evidence
from qantar.accountability._command import CommandGraph, source_of, who_was_responsible
from qantar.accountability._common import date_within, now_utc
from qantar.accountability._entities import load_entities
from qantar.accountability._publication import (
    victim_display,
    victim_publication,
    withhold_names_of_records,
    wording,
)
from qantar.accountability._regimes import ABUSE_LABELS, COVERED, Regime, regime
from qantar.accountability._responsibility import contrary_information, responsibilities
from qantar.accountability._screening import DEFAULT_THRESHOLD, screen
from qantar.data import read_csv
from qantar.errors import QantarError
from qantar.i18n import N_, check_language, speaker, template_environment
from qantar.model.dicts import fields_dict
from qantar.names import latin, parse
from qantar.notes import dump_notes, load_notes, say
from qantar.project import Project
from qantar.publish._public import public_label, public_text
from qantar.settings import DEFAULTS, CaseSettings

DOSSIER_FORMAT = "qantar-dossier-1"
# Custody failures that put every item's history in doubt, not just one object.
_GLOBAL_FAILURES = ("event", "key", "head")
# Official figures shown as the official version; metrics that carry the official framing.
_FRAMING_METRICS = (
    "participants_in_riots_claimed",
    "deaths_attackers",
    "deaths_assailants",
    "deaths_regime_violators",
    "deaths_other",
    "criminal_cases",
)


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def resolve_person(project: Project, text: str, people: list[ValueEntity]) -> ValueEntity:
    """A register person by id, or by a name in any script (unambiguous best match)."""
    for p in people:
        if p.id == text:
            return p
    from qantar.names import compare

    scored = []
    for p in people:
        best = max((compare(text, n).score for n in p.names), default=0.0)
        if best >= 0.85:
            scored.append((best, p))
    if not scored:
        raise QantarError(
            N_("no person matching %(text)s in the register: pass their id"), text=repr(text)
        )
    scored.sort(key=lambda sp: -sp[0])
    if len(scored) > 1 and scored[1][0] >= scored[0][0] - 0.02:
        ids = ", ".join(str(p.id) for _, p in scored[:5])
        raise QantarError(
            N_("%(text)s matches several persons (%(ids)s): pass one id"), text=repr(text), ids=ids
        )
    return scored[0][1]


def _identity(person: ValueEntity) -> dict[str, Any]:
    def g(prop: str) -> list[str]:
        return person.get(prop, quiet=True)

    latin_forms = []
    for name in person.names:
        try:
            form = latin(parse(name))
        except Exception:  # a name the parser cannot read is still shown as written
            continue
        if form and form not in person.names:
            latin_forms.append(form)
    identifiers = [
        {"type": label, "value": v}
        for prop, label in (
            ("idNumber", "national ID (IIN)"),
            ("passportNumber", "passport"),
            ("taxNumber", "tax number"),
            ("innCode", "INN"),
            ("registrationNumber", "registration number"),
        )
        for v in g(prop)
    ]
    return {
        "id": person.id,
        "caption": person.caption,
        "names": g("name"),
        "aliases": g("alias") + g("weakAlias") + g("previousName"),
        "latin": list(dict.fromkeys(latin_forms)),
        "name_parts": {
            "lastName": g("lastName"),
            "firstName": g("firstName"),
            "fatherName": g("fatherName") + g("middleName"),
        },
        "birth_date": g("birthDate"),
        "birth_place": g("birthPlace"),
        "gender": g("gender"),
        "nationality": g("nationality") + g("citizenship"),
        "identifiers": identifiers,
        "addresses": g("address"),
        "topics": g("topics"),
        "positions_text": g("position"),
        "sources": source_of(person).to_dict(),
    }


def _relations(
    graph: CommandGraph, person_id: str, items: list[ValueEntity]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Family and associates (with the basis), and assets of them all (two ownership hops)."""
    relatives: list[dict[str, Any]] = []
    for e in items:
        if e.schema.is_a("Family") or e.schema.is_a("Associate"):
            a_prop, b_prop = (
                ("person", "relative") if e.schema.is_a("Family") else ("person", "associate")
            )
            a, b = e.get(a_prop), e.get(b_prop)
            other = b if person_id in a else (a if person_id in b else [])
            for oid in other:
                relatives.append(
                    {
                        "id": oid,
                        "name": graph.caption(oid),
                        "kind": "family" if e.schema.is_a("Family") else "associate",
                        "relationship": ", ".join(e.get("relationship")) or "unspecified",
                        "source": source_of(e).to_dict(),
                    }
                )
    owners = {person_id} | {r["id"] for r in relatives}
    holders = {person_id: "the target", **{r["id"]: r["name"] for r in relatives}}
    assets: list[dict[str, Any]] = []
    ownerships = [e for e in items if e.schema.is_a("Ownership")]
    for _hop in range(2):
        added = set()
        for e in ownerships:
            for owner in e.get("owner"):
                if owner not in owners:
                    continue
                for asset in e.get("asset"):
                    asset_entity = graph.by_id.get(asset)
                    entry = {
                        "id": asset,
                        "name": graph.caption(asset),
                        "schema": asset_entity.schema.label if asset_entity else "asset",
                        "held_by": holders.get(owner, graph.caption(owner)),
                        "percentage": ", ".join(e.get("percentage")),
                        "jurisdiction": sorted(
                            set(
                                (asset_entity.get("country", quiet=True) if asset_entity else [])
                                + (
                                    asset_entity.get("jurisdiction", quiet=True)
                                    if asset_entity
                                    else []
                                )
                            )
                        ),
                        "source": source_of(e).to_dict(),
                    }
                    if entry not in assets:
                        assets.append(entry)
                    if asset not in owners:
                        added.add(asset)
                        holders[asset] = graph.caption(asset)
        owners |= added
    return relatives, assets


def _evidence_block(
    project: Project, shas: list[str], failing: set[str], all_doubtful: bool
) -> tuple[list[dict[str, Any]], int]:
    # The read-only views, not show_item, which would log a "viewed" event for every item.
    catalogue = {str(i["sha256"]): i for i in evidence.list_items(project)}
    log = evidence.custody_log(project)
    stamped = evidence.timestamped_seqs(project)
    withdrawn = evidence.consent_withdrawn_items(project, shas)
    cited, excluded = [], 0
    for sha in shas:
        # Withdrawn consent travels with the item (EI-18): not even a confidential dossier
        # cites it.
        if all_doubtful or sha in failing or sha in withdrawn or sha not in catalogue:
            excluded += 1
            continue
        item = catalogue[sha]
        mine = [e for e in log if sha in e["items"]]
        actions = Counter(str(e["action"]) for e in mine)
        # A token over the chain's head at seq S proves every event up to S existed then.
        first_seq = min((int(e["seq"]) for e in mine), default=0)
        covered = any(seq >= first_seq for seq in stamped) if mine else False
        cited.append(
            {
                "sha256": sha,
                "sha512": item["sha512"],
                "media_type": item["media_type"],
                "size": item["size"],
                "original_name": item["original_name"],
                "collected_by": item["collected_by"],
                "collected_at": item["collected_at"],
                "source_url": item["source_url"],
                "custody": {
                    "events": len(mine),
                    "actions": dict(sorted(actions.items())),
                    "first": mine[0]["time"] if mine else None,
                    "last": mine[-1]["time"] if mine else None,
                },
                "timestamp": "covered by an RFC 3161 token" if covered else "no RFC 3161 token",
                "verification": "object re-hashed (SHA-256, SHA-512) and custody chain verified",
            }
        )
    return cited, excluded


def _estimate(project: Project) -> dict[str, Any] | None:
    """The estimate the report shows (``qantar.publish.report_estimate_run``: ``[report]
    estimate_run`` if set, else the latest run of the killed with every list), so that a
    dossier and the public report never quote different numbers."""
    from qantar.publish import report_estimate_run

    folder = report_estimate_run(project)
    if folder is None:
        return None
    result = project.estimate.result(folder)
    if result.get("estimate") is None:
        return None
    return {
        "run": folder.name,
        "method": result.get("method"),
        "lists": len(result.get("lists") or []),
        "documented": result.get("observed"),
        "estimate": result.get("estimate"),
        "lower": result.get("lower"),
        "upper": result.get("upper"),
        "interval": "95%",
        "warnings": list(result.get("warnings") or []),
        # their catalog form, so the pages word them in the dossier's language
        "warnings_words": dump_notes(result.get("warnings") or []),
    }


def _official_version() -> dict[str, Any]:
    rows = read_csv("kz/official_figures.csv")
    national = [r for r in rows if r["metric"] == "deaths_total" and r["scope"] == "national"]
    toll = max(national, key=lambda r: r["date"]) if national else None
    framing = [r for r in rows if r["metric"] in _FRAMING_METRICS]
    return {
        "toll": dict(toll) if toll else None,
        "toll_history": [dict(r) for r in sorted(national, key=lambda r: r["date"])],
        "framing": [dict(r) for r in framing],
    }


def _superior_links(
    project: Project,
    graph: CommandGraph,
    person_id: str,
    incidents: dict[int, dict[str, Any]],
) -> list[dict[str, Any]]:
    """Incidents tied to a unit the person commanded, or stood above, on that day.

    Superior responsibility is derived, not recorded: the link says which unit link and
    which post it rests on, and its confidence is the weakest of the two.
    """
    derived = []
    for link in responsibilities(project):
        if link["actor_id"] not in graph.units:
            continue
        inc = incidents.get(int(link["incident_id"]))
        day = (inc or {}).get("date") or ""
        if inc is None or len(day) != 10:
            continue
        answer = who_was_responsible(
            project, link["actor_id"], day, place=inc["place_raw"], graph=graph
        )
        for holder in answer.responsible:
            if holder.person_id != person_id:
                continue
            level = "its" if holder.level == 0 else f"{holder.level} level(s) above it, the"
            derived.append(
                {
                    **link,
                    "role": "commanded",
                    "source": (
                        f"{answer.unit} {link['role'].replace('_', ' ')} (source: "
                        f"{link['source']}); on {day} the target held {level} post "
                        f"'{holder.post}' of {holder.unit}"
                    ),
                    "confidence": min(float(link["confidence"]), holder.confidence),
                    "note": "derived from the chain of command (superior responsibility)",
                }
            )
            break
    return derived


@dataclass
class Dossier:
    data: dict[str, Any]
    withheld_victims: int = 0
    excluded_evidence: list[str] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(canonical(self.data)).hexdigest()


def build_dossier(
    project: Project,
    person: str,
    regime_key: str,
    *,
    against: str | os.PathLike[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    version: str = "1",
) -> Dossier:
    """Everything the dossier says, as data; publication rules already applied."""
    reg: Regime = regime(regime_key)
    items = load_entities(project)
    graph = CommandGraph(items)
    people = [e for e in items if e.schema.is_a("Person")]
    target = resolve_person(project, person, people)
    assert target.id is not None
    incidents = {int(i["id"]): i for i in evidence.list_incidents(project)}
    links = responsibilities(project, target.id) + _superior_links(
        project, graph, target.id, incidents
    )
    unit_links = [lk for lk in responsibilities(project) if lk["actor_id"] in graph.units]

    report = evidence.verify(project, record=False)
    failing = report.failed_items()
    all_doubtful = any(p.kind in _GLOBAL_FAILURES for p in report.failures)

    blocks: list[dict[str, Any]] = []
    ordinal = 0
    withheld = 0
    initials_only = 0
    redaction_reasons: Counter[str] = Counter()
    view = victim_publication(project)
    unplaced: list[int] = []
    excluded_shas: list[str] = []
    all_cited: dict[str, dict[str, Any]] = {}
    for incident_id in dict.fromkeys(int(lk["incident_id"]) for lk in links):
        inc = incidents[incident_id]
        mine = [lk for lk in links if int(lk["incident_id"]) == incident_id]
        abuses = list(dict.fromkeys(a for lk in mine for a in lk["abuses"]))
        victims = []
        categories: Counter[str] = Counter()
        seen_victims: set[tuple[Any, Any]] = set()
        for lk in mine:
            for v in lk["victims"]:
                key = (v["record_id"], v["person_id"])
                if key in seen_victims:
                    continue
                seen_victims.add(key)
                ordinal += 1
                shown = victim_display(
                    view, record_id=v["record_id"], person_id=v["person_id"], ordinal=ordinal
                )
                if shown.withheld:
                    withheld += 1
                if shown.status != "publish":
                    if shown.withheld and v["record_id"] is not None:
                        unplaced.append(int(v["record_id"]))
                    initials_only += not shown.withheld
                    redaction_reasons[shown.reason] += 1
                categories[v["category"] or "unspecified"] += 1
                victims.append({"label": shown.label, "category": v["category"]})
        shas = list(
            dict.fromkeys(
                [s for lk in mine for s in lk["evidence"]]
                + [str(i["sha256"]) for i in evidence.items_for_incident(project, incident_id)]
            )
        )
        cited, excluded = _evidence_block(project, shas, failing, all_doubtful)
        excluded_shas.extend(s for s in shas if s not in {c["sha256"] for c in cited})
        for c in cited:
            all_cited[c["sha256"]] = c
        day = inc["date"] or ""
        units_then = [
            p for p in graph.posts_held(target.id)
            if p["unit_id"] and (not day or date_within(day, p["start"], p["end"]))
        ]  # fmt: skip
        chains = []
        if len(day) == 10:
            for post in units_then:
                answer = who_was_responsible(
                    project, post["unit_id"], day, place=inc["place_raw"], graph=graph
                )
                chains.append(answer.to_dict())
        blocks.append(
            {
                "id": incident_id,
                "date": inc["date"],
                "date_precision": inc["date_precision"],
                "place": inc["place_raw"],
                "place_id": inc["place_id"],
                "type": inc["type"],
                "description": inc["description"],
                "roles": [
                    {
                        "role": lk["role"],
                        "source": lk["source"],
                        "confidence": lk["confidence"],
                        "note": lk["note"],
                    }
                    for lk in mine
                ],
                "abuses": [
                    {
                        "abuse": a,
                        "label": ABUSE_LABELS.get(a, a),
                        "status": reg.check(a).status,
                        "basis": reg.check(a).basis,
                    }
                    for a in abuses
                ],
                "units_present": [
                    {
                        "unit": graph.caption(lk["actor_id"]),
                        "role": lk["role"],
                        "source": lk["source"],
                        "confidence": lk["confidence"],
                    }
                    for lk in unit_links
                    if int(lk["incident_id"]) == incident_id
                ],
                "victim_count": len(victims),
                "victim_categories": dict(sorted(categories.items())),
                "victims": victims,
                "evidence": cited,
                "evidence_not_cited": excluded,
                "posts_at_the_time": units_then,
                "chain_of_command": chains,
            }
        )

    # Free text written by documenters can name a victim ("X was shot at the square"): it
    # goes through the publication guard, which leaves out a text that names a withheld
    # person in any form and blanks the words of names shown by initials only.
    withhold_names_of_records(project, view, unplaced)
    guard = view.guard
    for b in blocks:
        b["place"] = public_text(guard, b["place"], "incident place")
        b["description"] = public_label(
            guard,
            b["description"],
            "(description left out: it may name a person whose name is withheld)",
            "incident description",
        )
        for r in b["roles"]:
            r["source"] = public_label(guard, r["source"], "(source left out)", "role source")
            r["note"] = public_text(guard, r["note"], "role note")
        for u in b["units_present"]:
            u["source"] = public_label(guard, u["source"], "(source left out)", "role source")
        for c in b["evidence"]:
            c["original_name"] = public_label(
                guard, c["original_name"], f"{c['sha256'][:12]} (name left out)", "file name"
            )
            c["source_url"] = public_label(guard, c["source_url"], "(left out)", "source url")
            c["collected_by"] = public_label(guard, c["collected_by"], "(left out)", "collector")
    in_scope = [a for b in blocks for a in b["abuses"] if a["status"] == COVERED]
    relatives, assets = _relations(graph, target.id, items)
    listings: list[dict[str, Any]] = []
    if against is not None:
        listings = [
            m.to_dict() for m in screen(project, against, threshold=threshold, queries=[target])
        ]
    identity = _identity(target)
    posts = graph.posts_held(target.id)
    submitter = project.settings.accountability.submitter
    arguments = project.settings.accountability.arguments
    official = _official_version()
    contrary = [
        {
            **{k: r[k] for k in ("incident_id", "subject_id")},
            "source": public_label(guard, r["source"], "(source left out)", "contrary source"),
            "statement": public_text(guard, r["statement"], "contrary information"),
            "response": public_text(guard, r["response"], "contrary information"),
        }
        for r in contrary_information(
            project, subject=target.id, incidents=[b["id"] for b in blocks]
        )
    ]
    manifest = [
        {k: c[k] for k in ("sha256", "sha512", "media_type", "size", "collected_at")}
        for c in all_cited.values()
    ]
    summary = _summary(identity, posts, blocks)
    case = project.settings.case
    data: dict[str, Any] = {
        "format": DOSSIER_FORMAT,
        "cover": {
            "regime": {
                "key": reg.key,
                "title": reg.title,
                "legal_basis": list(reg.legal_basis),
                "designation_criteria": reg.designation_criteria,
            },
            "submitter": {
                k: submitter.get(k)
                for k in ("organisation", "description", "url", "partners", "confidentiality")
            },
            "contact": {
                k: submitter.get(k) for k in ("contact_name", "contact_email", "contact_phone")
            },
            "created_at": now_utc(),
            "version": version,
            "evidence_manifest_sha256": hashlib.sha256(canonical(manifest)).hexdigest(),
        },
        "target": identity,
        "positions": posts,
        "listings": listings,
        "relatives": relatives,
        "relatives_basis": reg.family_basis,
        "assets": assets,
        "summary": summary,
        "incidents": blocks,
        "scope": {
            "any_covered": bool(in_scope),
            "note": (
                "At least one alleged abuse is within this regime's scope."
                if in_scope
                else "No alleged abuse is within this regime's scope on its own: "
                "this dossier should not be filed under this regime as it stands."
            ),
        },
        "evidence_manifest": manifest,
        "official_version": official,
        "contrary": contrary,
        "flagged_listings": [m for m in listings if m["dataset_flags"] and m["match"]],
        "appropriateness": {
            "heading": reg.appropriateness_heading,
            # Prompts name the case: [case] title and place.
            "prompts": [
                p.format(title=case.title, place=case.place) for p in reg.appropriateness_prompts
            ],
            "text": public_text(guard, arguments.get(reg.key), "argument"),
        },
        "statement_of_reasons": _statement(identity, posts, blocks, reg, case),
        "scale": {
            "documented_victims": sum(b["victim_count"] for b in blocks),
            "incidents": len(blocks),
            "estimate": _estimate(project),
        },
        "safety": {
            "withheld_victim_names": withheld,
            "initials_only_victim_names": initials_only,
            "withheld_reasons": dict(sorted(redaction_reasons.items())),
            "evidence_not_cited": len(set(excluded_shas)),
            "texts_left_out": guard.texts_left_out,
            "evidence_not_cited_reason": (
                "did not verify (object re-hash or custody chain failed) or consent withdrawn"
                if excluded_shas
                else None
            ),
        },
    }
    return Dossier(data, withheld, sorted(set(excluded_shas)))


def _summary(identity: dict[str, Any], posts: list[dict[str, Any]], blocks: list[dict[str, Any]]
             ) -> str:  # fmt: skip
    if not blocks:
        return f"{identity['caption']}: no incident is linked to this person in the register."
    parts = []
    for b in blocks:
        roles = ", ".join(sorted({r["role"].replace("_", " ") for r in b["roles"]}))
        abuses = ", ".join(a["label"] for a in b["abuses"]) or b["type"]
        held = "; ".join(f"{p['post']}" for p in b["posts_at_the_time"]) or "post not recorded"
        parts.append(
            f"on {b['date'] or 'an unknown date'} in {b['place'] or 'an unknown place'}: "
            f"{abuses} ({b['victim_count']} documented victim(s)); role: {roles}; "
            f"capacity: {held}"
        )
    return f"{identity['caption']} is alleged to be responsible " + "; ".join(parts) + "."


def _statement(
    identity: dict[str, Any], posts: list[dict[str, Any]], blocks: list[dict[str, Any]],
    reg: Regime, case: CaseSettings,
) -> str:  # fmt: skip
    covered = sorted({a["label"] for b in blocks for a in b["abuses"] if a["status"] == COVERED})
    places = sorted({b["place"] for b in blocks if b["place"]})
    dates = sorted({b["date"] for b in blocks if b["date"]})
    held = [p["post"] for b in blocks for p in b["posts_at_the_time"]]
    post = held[0] if held else (posts[-1]["post"] if posts else "an official")
    if not covered:
        return f"No conduct within the scope of {reg.title} is alleged."
    return (
        f"{identity['caption']}, {post}, is responsible for, or involved in, "
        f"{', '.join(covered)} in {', '.join(places) or case.place} "
        f"({', '.join(dates) or case.title}), during {case.events}."
    )


_LOADER = PackageLoader("qantar.accountability", "templates")


def render_html(dossier: Dossier, lang: str = "en", case_title: str | None = None) -> str:
    """The dossier's pages in ``lang``; what it says (dossier.data, as hashed) is the same in
    every language. ``case_title``: ``[case] title`` (default: Qantar's)."""
    env = template_environment(_LOADER, lang, strict=False)
    talk = speaker(lang)
    env.filters["say"] = wording(talk.gettext)  # redaction reasons, withheld victims' labels
    heading = talk.about_case(
        N_("Killed in January 2022, all incidents (not only this dossier’s)"),
        N_("Killed (%(case)s), all incidents (not only this dossier’s)"),
        case_title or DEFAULTS.case.title,
    )
    data = dossier.data
    scale = data.get("scale") or {}
    estimate = scale.get("estimate")
    if isinstance(estimate, dict) and estimate.get("warnings"):
        notes = load_notes(estimate["warnings"], estimate.get("warnings_words"))
        worded = [say(note, talk.gettext) for note in notes]
        data = {**data, "scale": {**scale, "estimate": {**estimate, "warnings": worded}}}
    return env.get_template("dossier.html.j2").render(
        d=data, sha256=dossier.sha256, killed_heading=heading
    )


@dataclass
class DossierResult:
    pdf: str
    html: str
    manifest: str
    data: str
    dossier_sha256: str
    pdf_sha256: str
    cited_items: int
    withheld_victims: int
    excluded_evidence: list[str]

    def to_dict(self) -> dict[str, Any]:
        return fields_dict(self)


def write_dossier(
    project: Project,
    person: str,
    regime_key: str,
    out: str | os.PathLike[str],
    *,
    against: str | os.PathLike[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    version: str = "1",
    actor: str | None = None,
    lang: str = "en",
) -> DossierResult:
    """Build, render and write the dossier: FILE.pdf, FILE.html, FILE.evidence.json (the
    evidence manifest) and FILE.data.json (everything the dossier says, as hashed). The
    pages' headings and notes are in ``lang``; the data and its hash are the same in each.

    Citing items in a dossier is an export: one ``exported`` custody event covers them.
    """
    regime(regime_key)  # a typo in the regime fails before the heavy PDF engine loads
    check_language(lang)
    from weasyprint import HTML

    dossier = build_dossier(
        project, person, regime_key, against=against, threshold=threshold, version=version
    )
    html = render_html(dossier, lang, project.settings.case.title)
    pdf_path = Path(out)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    html_path = pdf_path.with_suffix(".html")
    manifest_path = pdf_path.with_suffix(".evidence.json")
    html_path.write_text(html, encoding="utf-8")
    # Both files hold exactly the bytes that were hashed: `sha256sum` checks the hashes
    # printed in the dossier.
    manifest_path.write_bytes(canonical(dossier.data["evidence_manifest"]))
    data_path = pdf_path.with_suffix(".data.json")
    data_path.write_bytes(canonical(dossier.data))
    HTML(string=html, base_url=str(html_path.parent)).write_pdf(pdf_path)
    pdf_sha = hashlib.sha256(pdf_path.read_bytes()).hexdigest()
    cited = [c["sha256"] for c in dossier.data["evidence_manifest"]]
    if cited:
        evidence.record_event(
            project,
            "exported",
            cited,
            f"cited in a {dossier.data['cover']['regime']['key']} sanctions dossier",
            details={"dossier_sha256": dossier.sha256, "pdf_sha256": pdf_sha},
            actor=actor,
        )
    return DossierResult(
        pdf=str(pdf_path),
        html=str(html_path),
        manifest=str(manifest_path),
        data=str(data_path),
        dossier_sha256=dossier.sha256,
        pdf_sha256=pdf_sha,
        cited_items=len(cited),
        withheld_victims=dossier.withheld_victims,
        excluded_evidence=dossier.excluded_evidence,
    )
