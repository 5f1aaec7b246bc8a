"""The evidence archive and the vault in Kazakh and Russian where a person meets them: the
CLI's one-line error, `qantar evidence verify`'s findings and the passphrase prompt at a
real terminal; ``str()`` of an error and of a finding stays the English line."""

from __future__ import annotations

import os
import pty
import re
import select
import sys
import time
from pathlib import Path

import pytest
from _cli import SRC, run_cli_process

from qantar import Project
from qantar.errors import InputError, QantarError
from qantar.evidence import add, show_item, verify
from qantar.i18n import speaker

ERROR = {"kk": "қате: ", "ru": "ошибка: "}
# Kept on purpose: hash and format names, the tool's name.
KEPT = {"SHA", "qantar"}


def english(text: str) -> set[str]:
    """Latin words a Kazakh or Russian reader would meet, leaving out code in backticks,
    paths and file names, hex digests, environment variables and quoted values as typed."""
    text = re.sub(r"`[^`]*`|'[^']*'|\S*[/._=]\S*|\b[0-9a-f]{6,}\b|\b[A-Z][A-Z0-9_]+\b", " ", text)
    return {w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in KEPT}


def one_error_line(result_stderr: str, lang: str) -> str:
    lines = result_stderr.strip().splitlines()
    assert len(lines) == 1, result_stderr
    assert lines[0].startswith(ERROR[lang]), lines[0]
    return lines[0]


@pytest.fixture
def archive(project: Project, tmp_path: Path) -> tuple[Project, str]:
    clip = tmp_path / "clip.txt"
    clip.write_text("a statement, as handed over\n", encoding="utf-8")
    (result,) = add(project, [clip], collected_by="field team")
    return project, result.sha256


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_evidence_and_vault_errors_are_printed_in_the_reader_language(
    lang: str, archive: tuple[Project, str], tmp_path: Path
) -> None:
    project, _sha = archive
    said = []
    for args, env in (
        (("evidence", "show", "zz"), {}),  # not an id
        (("evidence", "show", "abcdef"), {}),  # no such item
        (("evidence", "add", str(tmp_path / "nothere.jpg")), {}),  # no such file
        (("incident", "add", "--date", "2022-01-05", "--type", "x", "--description", ""), {}),
        # the vault: a passphrase descriptor that is not a number, then a wrong passphrase
        (("evidence", "add", str(tmp_path / "clip.txt")), {"QANTAR_PASSPHRASE_FD": "x"}),
        (("evidence", "add", str(tmp_path / "clip.txt")), {"QANTAR_PASSPHRASE": "wrong"}),
    ):
        result = run_cli_process(project, *args, env={"QANTAR_LANG": lang, **env})
        assert result.exit_code == 2, (args, result)
        line = one_error_line(result.stderr, lang)
        assert not english(line), (args, line, english(line))
        said.append(line)
    assert "QANTAR_PASSPHRASE_FD" in said[4]


def test_the_english_cli_says_what_it_said_before(archive: tuple[Project, str]) -> None:
    project, _sha = archive
    result = run_cli_process(project, "evidence", "show", "abcdef", env={"QANTAR_LANG": "en"})
    assert result.stderr.strip() == "error: no evidence item abcdef: see `qantar evidence list`"


def test_an_error_keeps_its_english_line_and_is_said_in_kk_and_ru(
    archive: tuple[Project, str],
) -> None:
    project, _sha = archive
    with pytest.raises(InputError) as caught:
        show_item(project, "zz")
    exc = caught.value
    english_line = "'zz' is not an evidence id: give its SHA-256 or a prefix of 6+ hex characters"
    assert str(exc) == english_line
    assert exc.in_words(speaker("ru").gettext).startswith("'zz' — не идентификатор материала")
    assert exc.in_words(speaker("kk").gettext).startswith("'zz' материал идентификаторы емес")
    with pytest.raises(QantarError) as missing:
        show_item(project, "abcdef")
    assert str(missing.value) == "no evidence item abcdef: see `qantar evidence list`"
    assert not english(missing.value.in_words(speaker("kk").gettext))


def _tamper(project: Project, sha: str) -> Path:
    path = project.evidence_dir / "objects" / sha[:2] / sha
    path.chmod(0o600)
    path.write_text("changed\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_verify_findings_are_printed_in_the_reader_language(
    lang: str, archive: tuple[Project, str]
) -> None:
    project, sha = archive
    _tamper(project, sha)
    result = run_cli_process(project, "evidence", "verify", env={"QANTAR_LANG": lang})
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    # one failure (the content), one warning (the file is writable now), the summary
    assert lines[0].startswith({"kk": "ҚАТЕ ", "ru": "ОШИБКА "}[lang]), lines
    assert {"kk": "мазмұны өзгерген", "ru": "содержимое изменилось"}[lang] in lines[0]
    for line in lines:
        assert not english(line), (line, english(line))
    # the report itself, and its JSON, keep the English finding
    report = verify(project, record=False)
    (problem,) = report.failures
    assert problem.message.startswith("content changed (SHA-256 now ")
    kind, _subject, message = problem.in_words(speaker(lang).gettext)
    assert kind == {"kk": "файл", "ru": "файл"}[lang]
    assert message.startswith({"kk": "мазмұны өзгерген", "ru": "содержимое изменилось"}[lang])


def _read_until(fd: int, wanted: str, seen: bytearray, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while wanted not in seen.decode("utf-8", "replace"):
        left = deadline - time.monotonic()
        assert left > 0, seen.decode("utf-8", "replace")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                chunk = b""
            assert chunk, seen.decode("utf-8", "replace")
            seen.extend(chunk)
    return seen.decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("lang", "prompt", "again", "differ"),
    [
        (
            "ru",
            "Парольная фраза для защиты ключей нового проекта: ",
            "Та же парольная фраза ещё раз: ",
            "ошибка: две парольные фразы не совпадают; ничего не изменено",
        ),
        (
            "kk",
            "Жаңа жобаның кілттерін қорғауға арналған құпия фраза: ",
            "Сол құпия фразаны қайталаңыз: ",
            "қате: екі құпия фраза әртүрлі; ештеңе өзгертілмеді",
        ),
    ],
)
def test_the_passphrase_prompt_speaks_the_terminal_language(
    lang: str, prompt: str, again: str, differ: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QANTAR_PASSPHRASE")}
    env.update(PYTHONPATH=str(SRC), QANTAR_LANG=lang, COLUMNS="200")
    target = tmp_path / "case"
    pid, fd = pty.fork()  # a real terminal: getpass reads from it with echo off
    if pid == 0:  # the child
        os.execve(sys.executable, [sys.executable, "-m", "qantar", "init", str(target)], env)
    seen = bytearray()
    try:
        _read_until(fd, prompt, seen)
        os.write(fd, b"first passphrase\n")
        _read_until(fd, again, seen)
        os.write(fd, b"another one\n")
        text = _read_until(fd, differ, seen)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 2
    assert "passphrase" not in text.lower() and "first" not in text  # no echo, no English
    assert not target.exists() or not any(target.iterdir())  # nothing was made


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_evidence_show_labels_an_item_in_the_reader_language(
    lang: str, archive: tuple[Project, str]
) -> None:
    project, sha = archive
    result = run_cli_process(project, "evidence", "show", sha[:12], env={"QANTAR_LANG": lang})
    assert result.exit_code == 0, result
    labels = [line.split(":", 1)[0] for line in result.stdout.splitlines() if ": " in line]
    assert {"kk": "медиа түрі", "ru": "тип данных"}[lang] in labels
    for label in labels[:11]:  # the item's own fields, before its collection records
        assert not english(label), (label, result.stdout)
    english_run = run_cli_process(project, "evidence", "show", sha[:12], env={"QANTAR_LANG": "en"})
    assert f"sha256: {sha}" in english_run.stdout  # English keeps the field codes
