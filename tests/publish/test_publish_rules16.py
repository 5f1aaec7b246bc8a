"""Issue 16 rules 1 (split/merge), 2 (the text guard) and 8 (files safe to open), and issue
15 items 12-13 (what the memorial shows, deciding about the right person)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from _cli import run_cli
from publish_fixtures import Given, store
from sqlalchemy import delete, insert, select, update

from qantar import Project
from qantar.link._features import refresh
from qantar.link._tables import person_records, persons
from qantar.model.cells import safe_cell
from qantar.publish import (
    choose_spelling,
    consent_decisions,
    decide_publication,
    explain_statuses,
    find_persons,
    pending_consent,
    public_persons,
    publish_memorial,
)
from qantar.publish._public import TextGuard, public_text

# --- rule 2: the text guard --------------------------------------------------------------


def _guard(*withheld: str, initials: tuple[str, ...] = ()) -> TextGuard:
    guard = TextGuard()
    for name in withheld:
        guard.withheld.add(name)
    for name in initials:
        guard.initials.add(name)
    return guard


def test_rule2_guard_catches_case_forms_suffixes_scripts_and_joins() -> None:
    guard = _guard("Канареечкин Мирас Маратович", "Ли Ким")
    mentions = [
        "похоронен рядом с Канареечкиным",
        "мать Канареечкина пришла",
        "у Канареечкиной нет вестей",
        "Канареечкиннің інісі",
        "Канареечкинге хабарланды",
        "Канареечкинмен бірге",
        "Канареечкиндерді көрдік",
        "statement_Канареечкин.txt",
        "KANAREECHKIN seen at 10:00",
        "Qanareechkin",
        "photo-kanareyechkin-2.jpg",
        "Мирасқа айтыңыз",
        "Мирасом",
        "Маратовичем",
        "Ли",
        "Кимом",
        "Кан\u200bареечкин",  # a zero-width space inside the name
    ]
    for text in mentions:
        assert public_text(guard, text, "test") is None, text
    assert guard.texts_left_out == len(mentions)
    for text in ("Иванов погиб на площади", "Лимонов", "Кимчи", "Маратов", "Марат"):
        assert public_text(guard, text) == text, text


def test_rule2_guard_blanks_initials_only_names_and_strips_bidi() -> None:
    guard = _guard(initials=("Ахметов Нурлан",))
    out = public_text(guard, "shot with Ахметовым\u202e near the square")
    assert out == "shot with […] near the square"
    assert guard.texts_left_out == 0


def test_rule2_short_words_of_a_list_are_not_names(project: Project) -> None:
    from qantar.publish import public_view

    store(project, [
        Given("P1", "A", name="Ахметов Ерлан из Жанаозена", age=30),
        Given("P2", "A", "Сапаров", "Бекзат", age=40),
    ])  # fmt: skip
    decide_publication(project, "P1", "withhold", by="R")
    guard = public_view(project).guard
    assert public_text(guard, "приехал из Алматы") == "приехал из Алматы"
    assert public_text(guard, "вместе с Ахметовым") is None
    assert public_text(guard, "жители Жанаозена") is None


# --- rule 8: files safe to open ----------------------------------------------------------

_FORMULAS = ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1+1)", '=HYPERLINK("http://x")',
             "\t=1", "\r=1", " =1")  # fmt: skip


def test_rule8_cells_are_neutralised_and_bidi_stripped() -> None:
    for value in _FORMULAS:
        assert str(safe_cell(value)).startswith("'"), value
    assert safe_cell("Сапаров\u202eнаоборот\u2066") == "Сапаровнаоборот"
    assert safe_cell("2022-01-05") == "2022-01-05" and safe_cell(-3) == -3


def test_rule8_public_and_export_csv_safe_to_open(project: Project, tmp_path: Path) -> None:
    store(project, [
        Given("P1", "=cmd|' /C calc'!A0", "Сапаров", "Ерлан", age=40),
        Given("P2", "+1+1", name='=HYPERLINK("http://x","Сапаров")', age=30),
    ])  # fmt: skip
    refresh(project.engine)
    decide_publication(project, "P1", "publish", by="R")
    publish_memorial(project, tmp_path / "site")
    rows = list(csv.DictReader((tmp_path / "site" / "memorial.csv").open(encoding="utf-8")))
    assert rows[0]["sources"].startswith("'=")
    base = ["--project", str(project.root)]
    persons_out = run_cli(None, *base, "export", "persons")
    assert persons_out.exit_code == 0, persons_out.output
    records_out = run_cli(None, *base, "records", "--format", "csv")
    assert records_out.exit_code == 0, records_out.output
    for text in (persons_out.stdout, records_out.stdout):
        for row in csv.DictReader(io.StringIO(text)):
            for cell in row.values():
                assert not (cell or "").startswith(("=", "+", "-", "@", "\t", "\r")), cell
    exported = list(csv.DictReader(io.StringIO(persons_out.stdout)))
    assert {r["name_recorded"] for r in exported} == {
        "Сапаров Ерлан",
        '\'=HYPERLINK("http://x","Сапаров")',
    }
    recs = list(csv.DictReader(io.StringIO(records_out.stdout)))
    assert sorted(r["person_id"] for r in recs) == ["P1", "P2"]


# --- rule 1: split and merge never move a decision silently --------------------------------


def _relink(project: Project, layout: dict[str, list[str]]) -> None:
    """Persons as a new link run leaves them: ``layout`` maps person id -> record keys."""
    with project.engine.begin() as conn:
        ids = dict(
            conn.execute(select(person_records.c.record_key, person_records.c.record_id)).all()
        )
        run = conn.execute(select(persons.c.first_run_id)).scalars().first()
        known = set(conn.execute(select(persons.c.person_id)).scalars())
        conn.execute(delete(person_records))
        conn.execute(update(persons).values(active=False))
        for pid, keys in layout.items():
            if pid in known:
                conn.execute(update(persons).where(persons.c.person_id == pid).values(active=True))
            else:
                conn.execute(insert(persons).values(
                    person_id=pid, first_run_id=run, last_run_id=run, size=len(keys),
                    weak=False, density=1.0, active=True,
                ))  # fmt: skip
            for key in keys:
                conn.execute(
                    insert(person_records).values(record_key=key, person_id=pid, record_id=ids[key])
                )


def _merged_adult_and_minor(project: Project) -> None:
    store(project, [
        Given("P1", "Family list", "Жумабаев", "Ерлан", age=40,
              cells={"ФИО": "Жумабаев Ерлан"}),
        Given("P1", "Hotline", "Жумабаев", "Ерлан", age=16,
              cells={"ФИО": "Жумабаев Ерлан", "Согласие на публикацию": "не публиковать"}),
    ])  # fmt: skip


def test_rule1_split_keeps_the_most_restrictive_status_until_decided_again(
    project: Project,
) -> None:
    _merged_adult_and_minor(project)
    # Someone decided "publish" for the wrongly merged person (the warning was on screen).
    decide_publication(project, "P1", "publish", by="liaison")
    assert explain_statuses(project)["P1"].status == "publish"
    _relink(project, {"P1": ["Family list#1"], "P2": ["Hotline#2"]})
    statuses = explain_statuses(project)
    # The 16-year-old's list said not to publish: that now binds both halves of the split.
    assert {pid: (s.status, s.origin) for pid, s in statuses.items()} == {
        "P1": ("withhold", "changed"),
        "P2": ("withhold", "changed"),
    }
    assert public_persons(project) == []
    pending = pending_consent(project)
    assert [(p.person_id, p.status) for p in pending] == [("P1", "withhold"), ("P2", "withhold")]
    assert pending[0].earlier[0].status == "publish"
    listed = run_cli(project.root, "consent", "--pending", "--format", "json")
    assert [p["person_id"] for p in json.loads(listed.stdout)] == ["P1", "P2"]
    text = run_cli(project.root, "consent", "--pending")
    assert text.exit_code == 0 and "P2" in text.stdout
    # Deciding again for the adult settles him only; the minor stays withheld and pending.
    decide_publication(project, "P1", "publish", by="liaison")
    statuses = explain_statuses(project)
    assert (statuses["P1"].status, statuses["P1"].origin) == ("publish", "decision")
    assert statuses["P2"].status == "withhold"
    assert [p.person_id for p in pending_consent(project)] == ["P2"]
    assert len(consent_decisions(project)) == 2  # nothing decided is lost


def test_rule1_merge_and_new_records_take_the_most_restrictive(project: Project) -> None:
    store(project, [
        Given("P1", "A", "Сапаров", "Ерлан", age=40),
        Given("P2", "B", "Сапаров", "Ерлан", age=40),
        Given("P3", "C", "Досанов", "Талгат", age=50),
        Given("P4", "D", "Досанов", "Талгат", age=50),
    ])  # fmt: skip
    decide_publication(project, "P1", "publish", by="R")
    decide_publication(project, "P2", "withhold", by="R")
    decide_publication(project, "P3", "publish", by="R")
    _relink(project, {"P1": ["A#1", "B#2"], "P3": ["C#3", "D#4"]})
    statuses = explain_statuses(project)
    assert (statuses["P1"].status, statuses["P1"].origin) == ("withhold", "changed")
    # A new list's record joined a published person: the rules (default initials-only)
    # apply to it, so the person is shown by initials until someone decides again.
    assert (statuses["P3"].status, statuses["P3"].origin) == ("initials-only", "changed")


def test_rule1_lists_that_say_do_not_publish_withhold_the_record(project: Project) -> None:
    store(project, [
        Given("P1", "A", "Сапаров", "Ерлан", cells={"Примечание": "семья просила не публиковать"}),
        Given("P2", "A", "Досанов", "Талгат", cells={"Жариялау": "жарияламау"}),
        Given("P3", "A", "Ким", "Ольга", cells={"Consent": "no"}),
        Given("P4", "A", "Ли", "Анна", cells={"Notes": "Do not publish the name"}),
        Given("P5", "A", "Жумабаев", "Ерлан", cells={"Согласие": "да", "Примечание": "нет"}),
    ])  # fmt: skip
    statuses = explain_statuses(project)
    assert {pid for pid, s in statuses.items() if s.status == "withhold"} == {
        "P1",
        "P2",
        "P3",
        "P4",
    }
    assert statuses["P1"].origin == "list"
    assert statuses["P5"].status == "initials-only"


# --- issue 15 item 12: what the memorial shows --------------------------------------------


def test_memorial_placeholders_nameless_free_text_and_family_spelling(
    project: Project, tmp_path: Path
) -> None:
    store(project, [
        Given("P1", "Official", "Жаксылыков", "Кайрат", kind="official",
              cells={"ФИО": "Жаксылыков Кайрат", "Примечание": "звонила сестра, тел. [...]"}),
        Given("P1", "Family", "Жақсылықов", "Қайрат", kind="family",
              cells={"ФИО": "Жақсылықов Қайрат", "Обстоятельства": "погиб у акимата"}),
        Given("P2", "Official", name="неизвестный", kind="official"),
        Given("P3", "Official", name="Белгісіз", kind="official"),
    ])  # fmt: skip
    for pid in ("P1", "P2", "P3"):
        decide_publication(project, pid, "publish", by="liaison")
    result = publish_memorial(project, tmp_path / "site")
    data = json.loads((tmp_path / "site" / "memorial.json").read_text(encoding="utf-8"))
    assert [p["name_cyrillic"] for p in data["persons"]] == ["Жақсылықов Қайрат"]
    assert data["persons"][0]["circumstances"] is None  # no column made public
    assert (result.shown, result.nameless) == (1, 2)
    html = (tmp_path / "site" / "index.en.html").read_text(encoding="utf-8")
    assert "Н." not in html and "2 more are remembered without a name" in html
    project.settings = project.settings.updated("publish", circumstances_columns=["Обстоятельства"])
    publish_memorial(project, tmp_path / "site")
    data = json.loads((tmp_path / "site" / "memorial.json").read_text(encoding="utf-8"))
    assert data["persons"][0]["circumstances"] == "погиб у акимата"
    card = choose_spelling(project, "P1", "Official#1", by="liaison")
    assert [n.record_key for n in card.names if n.shown] == ["Official#1"]
    assert card.spelling_chosen
    assert public_persons(project)[0].name_cyrillic == "Жаксылыков Кайрат"


# --- issue 15 item 13: deciding about the right person ------------------------------------


def test_consent_shows_names_asks_to_confirm_and_finds_by_name(project: Project) -> None:
    store(project, [
        Given("P1", "Family", "Жақсылықов", "Қайрат", kind="family"),
        Given("P1", "Press", name="Zhaksylykov Kairat", kind="media"),
        Given("P2", "Family", "Сапаров", "Ерлан", kind="family"),
    ])  # fmt: skip
    base = ["--project", str(project.root)]
    refused = run_cli(None, *base, "consent", "P1", "--status", "publish", "--by", "R", input="n\n")
    assert refused.exit_code != 0 and "nothing recorded" in refused.stderr
    for shown in ("Жақсылықов Қайрат", "Zhaksylykov Kairat", "Family", "Press"):
        assert shown in refused.output
    assert consent_decisions(project) == []
    done = run_cli(None, *base, "consent", "P1", "--status", "publish", "--by", "R", input="y\n")
    assert done.exit_code == 0, done.output
    assert [d.status for d in consent_decisions(project)] == ["publish"]
    assert [c.person_id for c in find_persons(project, "Zhaksylykov")] == ["P1"]
    assert [c.person_id for c in find_persons(project, "Жаксылыков")] == ["P1"]
    found = run_cli(None, *base, "consent", "--find", "Zhaksylykov", "--format", "json")
    assert [c["person_id"] for c in json.loads(found.stdout)] == ["P1"]
    scripted = run_cli(
        None, *base, "consent", "P2", "--status", "withhold", "--by", "R", "--format", "json"
    )
    assert scripted.exit_code != 0  # json cannot ask: --yes says the names were checked


def test_upgrade_keeps_decisions_and_adds_spelling_choices(project: Project) -> None:
    """A project made before migration 0006_public_name_choices upgrades without loss."""
    from alembic import command
    from sqlalchemy import inspect

    from qantar.store.engine import alembic_config, migrate

    store(project, [Given("P1", "Family", "Сапаров", "Ерлан", kind="family")])
    decide_publication(project, "P1", "withhold", by="liaison")
    command.downgrade(alembic_config(project.engine), "0006_public_name_choices@-1")
    assert "name_choices" not in inspect(project.engine).get_table_names()
    migrate(project.engine)
    assert "name_choices" in inspect(project.engine).get_table_names()
    assert [d.status for d in consent_decisions(project)] == ["withhold"]
    assert choose_spelling(project, "P1", "Family#1", by="liaison").spelling_chosen
