"""Quarantine reasons, import warnings and ingest errors in Kazakh and Russian: a reason is
stored as the English line it always was and with its words, so the library, the CLI and the
pages say it in the reader's language, while ``str()`` and the stored text stay English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _cli import run_cli_process
from reason_fixtures import ENGLISH, LIST, english_words
from sqlalchemy import inspect, select

from qantar import Project
from qantar.errors import InputError
from qantar.i18n import speaker
from qantar.ingest import fix_quarantined, import_file, iter_quarantine
from qantar.notes import Note, say
from qantar.store import quarantine


@pytest.fixture
def batch(project: Project, tmp_path: Path) -> int:
    path = tmp_path / "hotline.csv"
    path.write_text(LIST, encoding="utf-8")
    result = import_file(project, path, source="Hotline", kind="ngo")
    assert result.batch_id is not None
    return result.batch_id


def test_reasons_are_stored_in_english_with_their_words(project: Project, batch: int) -> None:
    with project.engine.connect() as conn:
        rows = list(conn.execute(select(quarantine).order_by(quarantine.c.id)))
    assert [r.reason for r in rows] == ENGLISH
    assert all(r.reason_words and r.reason_words["message"] for r in rows)
    entries = list(iter_quarantine(project, batch=batch))
    assert [str(e["reason"]) for e in entries] == ENGLISH
    assert all(isinstance(e["reason"], Note) for e in entries)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_each_reason_is_said_with_no_english_word(project: Project, batch: int, lang: str) -> None:
    gettext = speaker(lang).gettext
    said = [say(e["reason"], gettext) for e in iter_quarantine(project, batch=batch)]
    assert len(said) == len(ENGLISH)
    for line in said:
        assert not english_words(line), line
    # the field is named by the word the import pages use, not by its code
    assert said[0].startswith({"kk": "туған күні: ", "ru": "дата рождения: "}[lang]), said[0]


def test_an_entry_stored_before_words_shows_its_text(project: Project, batch: int) -> None:
    with project.engine.begin() as conn:
        conn.execute(quarantine.update().values(reason_words=None))
    entries = list(iter_quarantine(project, batch=batch))
    assert [e["reason"] for e in entries] == ENGLISH
    assert not any(isinstance(e["reason"], Note) for e in entries)
    assert say(entries[-1]["reason"], speaker("ru").gettext) == ENGLISH[-1]


def test_an_old_quarantine_upgrades_and_keeps_its_reasons(project: Project, batch: int) -> None:
    from alembic import command

    from qantar.store.engine import alembic_config, migrate

    command.downgrade(alembic_config(project.engine), "0009_quar_reason_words@-1")
    columns = {c["name"] for c in inspect(project.engine).get_columns("quarantine")}
    assert "reason_words" not in columns and "fixed_at" in columns
    migrate(project.engine)
    entries = list(iter_quarantine(project, batch=batch))
    assert [e["reason"] for e in entries] == ENGLISH  # the text as written, no words yet


def test_a_fix_still_refused_carries_its_reasons_in_words(project: Project, batch: int) -> None:
    held = next(e for e in iter_quarantine(project, batch=batch) if not e["row_kept"])
    with pytest.raises(InputError) as refused:
        fix_quarantined(project, held["id"], {"birth_date": "31.02.1990", "age": "240"})
    exc = refused.value
    assert str(exc) == (
        f"quarantine entry {held['id']}, row 7, field 'birth_date': cannot be read: "
        "birth_date: not a real date (day is out of range for month); age: an age over 120"
    )
    reasons = exc.params["reasons"]
    assert isinstance(reasons, Note)
    ru = say(reasons, speaker("ru").gettext)
    assert ru == (
        "дата рождения: такой даты не бывает (такого дня в этом месяце нет); а также "
        "возраст: старше 120 лет"
    )


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_cli_lists_reasons_in_the_readers_language(
    project: Project, batch: int, lang: str
) -> None:
    listed = run_cli_process(project, "quarantine", env={"QANTAR_LANG": lang})
    assert listed.exit_code == 0, listed.output
    said = speaker(lang).gettext
    expected = say(next(iter(iter_quarantine(project, batch=batch)))["reason"], said)
    # rich wraps the table's cells: compare without the table's borders and breaks
    flat = re.sub(r"[\s│┃|]+", " ", listed.stdout)
    assert " ".join(expected.split()[:3]) in flat
    assert "not a real date" not in listed.stdout and "an age over" not in listed.stdout


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_second_import_of_the_same_rows_is_refused_in_the_readers_language(
    project: Project, batch: int, tmp_path: Path, lang: str
) -> None:
    again = tmp_path / "hotline-again.csv"
    again.write_text(LIST + "\n", encoding="utf-8")  # other bytes, the same rows
    refused = run_cli_process(
        project, "import", str(again), "--source", "Calls", "--kind", "ngo",
        env={"QANTAR_LANG": lang},
    )  # fmt: skip
    assert refused.exit_code == 2, refused.output
    line = refused.stderr.strip()
    assert len(line.splitlines()) == 1
    assert f"--undo {batch} --reason TEXT" in line
    # the source's name, the file and the commands are kept; nothing else is English
    rest = line.replace("'Hotline'", "").replace(str(again), "").replace("--force", "")
    assert not english_words(rest), line
    with pytest.raises(InputError) as english:
        import_file(project, again, source="Calls", kind="ngo")
    assert "the same list saved again? Nothing was imported" in str(english.value)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_dry_run_prints_its_duplicate_warning_in_the_readers_language(
    project: Project, batch: int, tmp_path: Path, lang: str
) -> None:
    again = tmp_path / "hotline-again.csv"
    again.write_text(LIST + "\n", encoding="utf-8")
    shown = run_cli_process(
        project, "import", str(again), "--source", "Calls", "--kind", "ngo", "--dry-run",
        env={"QANTAR_LANG": lang},
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    warning = next(
        line for line in shown.stdout.splitlines() if f"--undo {batch} --reason TEXT" in line
    )
    rest = warning.replace("'Hotline'", "").replace("--force", "")
    assert not english_words(rest), warning
