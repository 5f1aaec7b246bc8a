"""The warnings of a link run in Kazakh and Russian: `qantar link` prints them in the reader's
language, the run's summary keeps their words, so a re-cluster says them again, and their
English text is what it was."""

from __future__ import annotations

import re

import pytest
from _cli import run_cli_process
from test_link_pipeline import _add_record

from qantar import Project
from qantar.i18n import speaker
from qantar.link import recluster, run
from qantar.notes import Note, say

FEWER = (
    "fewer than two records with a name: nothing for the model to compare; each record is "
    "its own person until reviewers link them"
)


def test_a_runs_warnings_keep_their_words_through_a_recluster(project: Project) -> None:
    _add_record(project, "only", 1, name_raw="Ахметов Нурлан")
    result = run(project)
    assert result.warnings == [FEWER]
    assert result.to_dict()["warning_words"] == [{"message": FEWER, "params": {}}]
    again = recluster(project)
    assert again.warnings == [FEWER] and isinstance(again.warnings[0], Note)
    assert say(again.warnings[0], speaker("ru").gettext).startswith("записей с именем меньше двух")


@pytest.mark.parametrize(
    ("lang", "start"),
    [("kk", "ескерту: аты бар жазбалар екіден аз"), ("ru", "предупреждение: записей с именем")],
    ids=["kk", "ru"],
)
def test_qantar_link_prints_its_warnings_in_the_readers_language(
    project: Project, lang: str, start: str
) -> None:
    _add_record(project, "only", 1, name_raw="Ахметов Нурлан")
    done = run_cli_process(project, "link", "--seed", "1", env={"QANTAR_LANG": lang})
    assert done.exit_code == 0, done.output
    line = next(line for line in done.stdout.splitlines() if line.startswith(start))
    assert not re.findall(r"[A-Za-z]{2,}", line), line
