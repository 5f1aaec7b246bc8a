"""Publication status: decisions over rules over the default, kept with who and when."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _cli import run_cli
from publish_fixtures import Given, store

from qantar import Project
from qantar.errors import InputError
from qantar.publish import (
    consent_decisions,
    decide_publication,
    explain_status,
    load_rules,
    public_persons,
    publication_status,
)
from qantar.settings import PublishSettings


def _people(project: Project) -> None:
    store(
        project,
        [
            Given("P1", "A", "Ахметов", "Нурлан", "Серикович", age=34, notes="shot at the square"),
            Given("P1", "B", name="Akhmetov Nurlan", age=34),
            Given("P2", "A", "Сериков", "Ерлан", age=16),
            Given("P3", "B", "Иванова", "Ольга", sex="F", event_type="detained"),
        ],
    )


def test_default_rules_and_decisions(project: Project) -> None:
    _people(project)
    assert publication_status(project, "P1") == "initials-only"  # the conservative default
    assert explain_status(project, "P2").reason.startswith("rule: age < 18")
    decide_publication(project, "P1", "publish", by="A. Reviewer", note="family agreed")
    assert publication_status(project, "P1") == "publish"
    decide_publication(project, "P2", "withhold", by="A. Reviewer")
    assert publication_status(project, "P2") == "withhold"
    shown = {p.person_id: p for p in public_persons(project)}
    assert "P2" not in shown
    assert shown["P1"].name_cyrillic == "Ахметов Нурлан Серикович"
    assert shown["P1"].name_latin == "Akhmetov Nurlan"
    assert shown["P1"].sources == ("A", "B")
    assert shown["P3"].name_cyrillic == "И. О." and shown["P3"].age is None
    history = consent_decisions(project)
    assert [d.decided_by for d in history] == ["A. Reviewer", "A. Reviewer"]
    assert history[0].decided_at is not None


def test_decisions_survive_reopening_and_new_ids(project: Project) -> None:
    _people(project)
    decide_publication(project, "P1", "withhold", by="X")
    again = Project.open(project.root)
    assert publication_status(again, "P1") == "withhold"
    # A re-link that gives P1's records a new id keeps the decision through the records.
    from sqlalchemy import update

    import qantar.link  # noqa: F401
    from qantar.store.schema import metadata

    persons, person_records = metadata.tables["persons"], metadata.tables["person_records"]
    with again.engine.begin() as conn:
        conn.execute(
            persons.insert().values(
                person_id="P9",
                first_run_id=1,
                last_run_id=1,
                size=2,
                weak=False,
                density=1.0,
                active=True,
            )
        )
        conn.execute(
            update(person_records).where(person_records.c.person_id == "P1").values(person_id="P9")
        )
        conn.execute(update(persons).where(persons.c.person_id == "P1").values(active=False))
    assert publication_status(again, "P9") == "withhold"
    again.close()


def test_rules_from_settings(project: Project) -> None:
    _people(project)
    project.settings = project.settings.updated(
        "publish",
        default="publish",
        withhold_minors_full_name=False,
        rules=[
            {"when": "notes contains 'SHOT'", "status": "withhold"},
            {"when": ["sources contains 'B'", "sex == 'F'"], "status": "initials-only"},
        ],
    )
    assert publication_status(project, "P1") == "withhold"
    assert publication_status(project, "P2") == "publish"
    assert publication_status(project, "P3") == "initials-only"


@pytest.mark.parametrize(
    "rules",
    [
        [{"when": "age <> 3", "status": "withhold"}],
        [{"when": "colour == 'red'", "status": "withhold"}],
        [{"when": "age < 18", "status": "hide"}],
        [{"when": "age < eighteen", "status": "withhold"}],
        [{"status": "withhold"}],
    ],
)
def test_bad_rules_are_clear_errors(rules: list[dict[str, str]]) -> None:
    with pytest.raises(InputError, match=r"\[publish\]"):
        load_rules(PublishSettings(rules=tuple(rules)))


def test_bad_consent_is_clear_error(project: Project) -> None:
    _people(project)
    with pytest.raises(InputError, match="no person"):
        decide_publication(project, "P404", "publish", by="X")
    with pytest.raises(InputError, match="not one of"):
        decide_publication(project, "P1", "maybe", by="X")
    with pytest.raises(InputError, match="who decided"):
        decide_publication(project, "P1", "publish", by=" ")


def test_cli_consent_and_publish(project: Project, tmp_path: Path) -> None:
    _people(project)
    base = ["--project", str(project.root)]
    done = run_cli(
        None,
        *base,
        "consent",
        "P1",
        "--status",
        "withhold",
        "--by",
        "R",
        "--note",
        "family asked",
        "--format",
        "json",
        "--yes",
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)[0]["status"] == "withhold"
    listed = run_cli(None, *base, "consent", "--list", "--format", "json")
    statuses = {e["person_id"]: (e["status"], e["origin"]) for e in json.loads(listed.stdout)}
    assert statuses == {"P1": ("withhold", "decision"), "P2": ("initials-only", "rule"),
                        "P3": ("initials-only", "default")}  # fmt: skip
    site = str(tmp_path / "site")
    out = run_cli(None, *base, "publish", "--out", site, "--format", "json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["not_shown"] == 1
    assert "Ахметов" not in (tmp_path / "site" / "memorial.json").read_text(encoding="utf-8")
    bad = run_cli(None, *base, "consent", "P1", "--status", "publish")
    assert bad.exit_code != 0


def test_publish_before_link_is_a_clear_error(project: Project, tmp_path: Path) -> None:
    from qantar.errors import QantarError
    from qantar.publish import publish_memorial

    with pytest.raises(QantarError, match="qantar link"):
        publish_memorial(project, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_published_free_text_loses_contacts_and_hidden_names() -> None:
    from qantar.publish._public import TextGuard, public_text

    guard = TextGuard()
    guard.initials.add("Ахметов")
    text = "shot 2022-01-06 (06.01.2022) with Ахметовым; sister +7 (701) 123-45-67, a.b@mail.kz"
    out = public_text(guard, text)
    assert out is not None
    assert "2022-01-06" in out and "06.01.2022" in out
    for gone in ("Ахметов", "701", "mail.kz"):
        assert gone not in out
