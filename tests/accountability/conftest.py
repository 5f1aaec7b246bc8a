"""A small synthetic accountability scenario, built through the public functions.

All persons here are invented, except the screening tests' public figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import insert

import qantar.evidence as evidence
from qantar import Project
from qantar.accountability import Victim, link_responsibility, make, save_entities
from qantar.store.schema import import_batches, raw_rows, records, sources

OFFICIAL = "Серикбаев Арман Нурланович"
HEAD = "Жумабеков Ерлан Маратович"
FORMER_HEAD = "Досанов Талгат"
WIFE = "Серикбаева Айгуль Каиратовна"
VICTIM_PUBLISHABLE = "Нуртазин Бауыржан"
VICTIM_WITHHELD = "Канатова Жанар Ерлановна"
PUBLISHABLE_PERSON = "P-TEST-1"


@dataclass
class Scenario:
    project: Project
    ids: dict[str, str] = field(default_factory=dict)
    incident: int = 0
    detention: int = 0
    records: dict[str, int] = field(default_factory=dict)
    good_item: str = ""
    bad_item: str = ""
    victim_person: str = PUBLISHABLE_PERSON
    names: dict[str, str] = field(
        default_factory=lambda: {
            "official": OFFICIAL,
            "head": HEAD,
            "former": FORMER_HEAD,
            "wife": WIFE,
            "victim_publishable": VICTIM_PUBLISHABLE,
            "victim_withheld": VICTIM_WITHHELD,
        }
    )


def add_victim_record(project: Project, name: str) -> int:
    now = dt.datetime.now(dt.UTC)
    with project.engine.begin() as conn:
        source_id = conn.execute(
            insert(sources).values(
                name=f"list-{name[:3]}-{now.timestamp()}", kind="ngo", created_at=now
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        batch = conn.execute(
            insert(import_batches).values(
                source_id=source_id,
                file_name="list.csv",
                sha256="0" * 64,
                size=1,
                file_format="csv",
                headers=[],
                mapping={},
                rows_read=1,
                rows_stored=1,
                rows_quarantined=0,
                forced=False,
                imported_at=now,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        raw = conn.execute(
            insert(raw_rows).values(batch_id=batch, row_number=1, cells=[name])
        ).inserted_primary_key[0]  # type: ignore[index]
        rec = conn.execute(
            insert(records).values(
                raw_row_id=raw,
                batch_id=batch,
                source_id=source_id,
                row_number=1,
                name_raw=name,
                sex="U",
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    return int(rec)


def link_record(project: Project, record_id: int, person_id: str) -> None:
    """Store a one-record person as a linkage run would (real tables, no Splink run)."""
    from qantar.link._tables import link_runs, person_records, persons

    now = dt.datetime.now(dt.UTC)
    with project.engine.begin() as conn:
        run = conn.execute(
            insert(link_runs).values(
                created_at=now, seed=1, threshold=0.9, backend="duckdb", summary={}
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(
            insert(persons).values(
                person_id=person_id, first_run_id=run, last_run_id=run, size=1, weak=False,
                density=1.0, active=True,
            )
        )  # fmt: skip
        conn.execute(
            insert(person_records).values(
                record_key=f"test:{record_id}", person_id=person_id, record_id=record_id
            )
        )


def build_scenario(project: Project, tmp: Path) -> Scenario:
    sc = Scenario(project)
    ministry = make(
        "PublicBody",
        name=["Министерство внутренних дел", "Ministry of Internal Affairs"],
        country="kz",
    )
    police = make(
        "PublicBody",
        name="Almaty Police Department",
        parent=ministry,
        address="Almaty",
        country="kz",
    )
    unit = make("Organization", name=["Rapid Response Unit 7", "СОБР-7"], country="kz")
    csto = make("Organization", name="CSTO Collective Peacekeeping Forces contingent")
    official = make(
        "Person",
        name=OFFICIAL,
        firstName="Арман",
        lastName="Серикбаев",
        fatherName="Нурланович",
        birthDate="1970-03-02",
        nationality="kz",
        topics="role.pep",
        idNumber="700302300123",
    )
    head = make("Person", name=HEAD, birthDate="1968", nationality="kz", topics="role.pep")
    former = make("Person", name=FORMER_HEAD, nationality="kz")
    wife = make("Person", name=WIFE, nationality="kz", topics="role.rca")
    cmd_post = make(
        "Position", name="Commander, Rapid Response Unit 7", organization=unit, country="kz"
    )
    head_post = make(
        "Position",
        name="Head of the Almaty Police Department",
        organization=police,
        subnationalArea="Almaty",
        country="kz",
    )
    occ1 = make(
        "Occupancy",
        holder=official,
        post=cmd_post,
        startDate="2020-06-01",
        endDate="2022-03-01",
        sourceUrl="https://example.org/appointment-order",
        publisher="Official gazette (synthetic)",
    )
    occ2 = make(
        "Occupancy",
        holder=head,
        post=head_post,
        startDate="2022-01",
        sourceUrl="https://example.org/police-chief",
    )
    occ3 = make(
        "Occupancy", holder=former, post=head_post, startDate="2018-01-01", endDate="2021-12-31"
    )
    sub = make(
        "Membership",
        member=unit,
        organization=police,
        role="subordinate unit",
        startDate="2022-01-05",
        endDate="2022-01-19",
        sourceUrl="https://example.org/operation-order",
    )
    deploy = make(
        "Event",
        name="Deployment of Rapid Response Unit 7",
        involved=unit,
        location="Алматы",
        startDate="2022-01-05",
        endDate="2022-01-07",
        sourceUrl="https://example.org/video-geolocation",
    )
    family = make(
        "Family",
        person=official,
        relative=wife,
        relationship="wife",
        sourceUrl="https://example.org/registry",
    )
    company = make("Company", name="Aral Holdings LLP", jurisdiction="gb")
    owns = make("Ownership", owner=wife, asset=company, percentage="100")
    flat = make("RealEstate", name="Flat, 1 Example Street, London", country="gb")
    owns2 = make("Ownership", owner=company, asset=flat)
    occ1.context["qantar_confidence"] = 0.9
    everything = [
        ministry,
        police,
        unit,
        csto,
        official,
        head,
        former,
        wife,
        cmd_post,
        head_post,
        occ1,
        occ2,
        occ3,
        sub,
        deploy,
        family,
        company,
        owns,
        flat,
        owns2,
    ]
    save_entities(project, everything)
    for key, e in [
        ("ministry", ministry),
        ("police", police),
        ("unit", unit),
        ("csto", csto),
        ("official", official),
        ("head", head),
        ("former", former),
        ("wife", wife),
        ("company", company),
        ("flat", flat),
    ]:
        assert e.id
        sc.ids[key] = e.id

    sc.incident = evidence.add_incident(
        project,
        date="2022-01-06",
        place="Алматы",
        type="shooting",
        description="Shooting at unarmed people near the square (synthetic)",
    )
    sc.detention = evidence.add_incident(
        project,
        date="2022-01-07",
        place="Алматы",
        type="detention",
        description="Mass detention after the shooting (synthetic)",
    )
    good = tmp / "good.txt"
    good.write_bytes(b"video frame description, synthetic, good\n")
    bad = tmp / "bad.txt"
    bad.write_bytes(b"witness photo, synthetic, to be tampered\n")
    added = evidence.add(
        project,
        [good, bad],
        collected_by="Researcher A",
        collected_at="2022-01-08T10:00:00Z",
        source_url="https://example.org/v",
        incident=sc.incident,
    )
    sc.good_item, sc.bad_item = added[0].sha256, added[1].sha256
    sc.records["pub"] = add_victim_record(project, VICTIM_PUBLISHABLE)
    sc.records["withheld"] = add_victim_record(project, VICTIM_WITHHELD)
    # The first victim is a linked person (its name follows the publication rules); the
    # second is a record no linkage run has placed yet, so its name is withheld.
    link_record(project, sc.records["pub"], PUBLISHABLE_PERSON)
    link_responsibility(
        project,
        actor=sc.ids["official"],
        incident=sc.incident,
        role="commanded",
        source="Operation order and geolocated video (synthetic)",
        confidence=0.8,
        evidence_items=[sc.good_item[:12], sc.bad_item[:12]],
        victims=[
            Victim(record_id=sc.records["pub"], category="protester"),
            Victim(record_id=sc.records["withheld"], category="bystander"),
        ],
    )
    link_responsibility(
        project,
        actor=sc.ids["official"],
        incident=sc.detention,
        role="ordered",
        source="Detainee statements (synthetic)",
        confidence=0.6,
    )
    return sc


def tamper(project: Project, sha: str) -> None:
    path = next(p for p in (project.evidence_dir / "objects").rglob("*") if p.name.startswith(sha))
    path.chmod(0o644)
    path.write_bytes(b"altered\n")


@pytest.fixture
def scenario(project: Project, tmp_path: Path) -> Scenario:
    return build_scenario(project, tmp_path)


@pytest.fixture(name="make_scenario")
def make_scenario_fixture() -> object:
    """``build_scenario`` itself, for tests that fill the project before it."""
    return build_scenario


@pytest.fixture(name="tamper")
def tamper_fixture() -> object:
    return tamper
