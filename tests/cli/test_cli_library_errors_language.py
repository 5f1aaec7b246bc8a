"""The library's errors of accountability, protect, settings, store and the project, and
click's usage errors, as the CLI prints them in Kazakh and Russian: one line, no English
word but codes, names of tools and what the user typed; ``str(exc)`` stays English."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from _cli import run_cli_process

from qantar import Project
from qantar.errors import QantarError
from qantar.i18n import LANGUAGES, speaker

# Words kept on purpose: the program, tools and formats, FtM schemas, values a setting takes.
KEPT = {"qantar", "Person", "FtM", "TOML", "SQLite", "SQLCipher", "PostgreSQL", "age", "pip"}
PREFIX = {"kk": ("қате: ", "қолдану қатесі: "), "ru": ("ошибка: ", "ошибка использования: ")}


def english_words(line: str, codes: Iterable[str] = ()) -> set[str]:
    """Latin words of ``line`` a reader would have to know English for: code in backticks,
    quoted values, [sections], paths and file names, options, placeholders in capitals
    (PATH) and the ``codes`` a value may take are left out."""
    line = re.sub(r"`[^`]*`|'[^']*'|\[[^\]]*\]|\S*[/._=]\S*|--?[\w-]+|\b[A-Z]{2,}\b", " ", line)
    kept = KEPT | {word for code in codes for word in re.findall(r"[A-Za-z]+", code)}
    return {w for w in re.findall(r"[A-Za-z]{2,}", line) if w not in kept}


def _line(result_stderr: str, lang: str) -> str:
    lines = result_stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(PREFIX[lang]), lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = Project.init(tmp_path_factory.mktemp("lang") / "case")
    project.close()
    return project.root


@pytest.fixture(scope="module")
def misconfigured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose qantar.toml misspells a setting (a person's edit)."""
    project = Project.init(tmp_path_factory.mktemp("toml") / "case")
    project.close()
    settings = project.root / "qantar.toml"
    text = settings.read_text(encoding="utf-8")
    assert text.count("\n[link]\n") == 1
    settings.write_text(text.replace("\n[link]\n", "\n[link]\ntreshold = 0.5\n"))
    return project.root


@pytest.fixture(scope="module")
def emptied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose database file was cut to 0 bytes (a copy or a full disk)."""
    project = Project.init(tmp_path_factory.mktemp("empty") / "case")
    project.close()
    (project.root / "qantar.db").write_bytes(b"")
    return project.root


LIBRARY_CASES = {
    # accountability: an FtM property the schema does not have (field and schema kept)
    "no property": (("entities", "add", "Person", "--prop", "nmae=X"), {
        "kk": "Person схемасында 'nmae' қасиеті жоқ",
        "ru": "в схеме Person нет свойства 'nmae'",
    }),
    "not a schema": (("entities", "add", "Nobody", "--prop", "name=X"), {
        "kk": "'Nobody' — FtM схемасы емес",
        "ru": "'Nobody' — не схема FtM",
    }),
    # protect: a file that is not a backup
    "not a backup": (("restore", "{tmp}/not-a-backup.bin", "--to", "{tmp}/restored"), {
        "kk": "not-a-backup.bin — qantar сақтық көшірмесі емес",
        "ru": "not-a-backup.bin — не резервная копия qantar",
    }),
}  # fmt: skip


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("name", sorted(LIBRARY_CASES))
def test_a_library_error_is_printed_in_the_reader_language(
    case: Path, tmp_path: Path, lang: str, name: str
) -> None:
    (tmp_path / "not-a-backup.bin").write_bytes(b"not a backup at all")
    args, expected = LIBRARY_CASES[name]
    result = run_cli_process(
        case, *(a.format(tmp=tmp_path) for a in args), env={"QANTAR_LANG": lang}
    )
    assert result.exit_code == 2
    line = _line(result.stderr, lang)
    assert expected[lang] in line
    assert not english_words(line), line


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("kk", "[link] treshold — белгілі баптау емес (threshold болуы мүмкін бе?)"),
        ("ru", "[link] treshold — неизвестная настройка (может быть, threshold?)"),
    ],
)
def test_a_settings_error_names_the_key_and_the_file_in_the_reader_language(
    misconfigured: Path, lang: str, expected: str
) -> None:
    result = run_cli_process(misconfigured, "status", env={"QANTAR_LANG": lang})
    assert result.exit_code == 2
    line = _line(result.stderr, lang)
    assert "qantar.toml" in line and expected in line
    assert not english_words(line, codes=("treshold", "threshold")), line


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("kk", "дерекқоры бос (0 байт;"), ("ru", "пуста (0 байт;")],
)
def test_a_store_error_is_printed_in_the_reader_language(
    emptied: Path, lang: str, expected: str
) -> None:
    result = run_cli_process(emptied, "status", env={"QANTAR_LANG": lang})
    assert result.exit_code == 2
    line = _line(result.stderr, lang)
    assert expected in line and "`qantar init`" in line
    assert not english_words(line), line


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_project_is_said_in_the_reader_language(tmp_path: Path, lang: str) -> None:
    result = run_cli_process(tmp_path / "nowhere", "status", env={"QANTAR_LANG": lang})
    line = _line(result.stderr, lang)
    assert "qantar" in line and "`qantar init PATH`" in line
    assert not english_words(line), line


USAGE_CASES = {
    "no such option": (("status", "--colour"), {
        "kk": "Мұндай параметр жоқ: --colour", "ru": "Нет такого параметра: --colour"}),
    "no such command": (("statsu",), {
        "kk": "'statsu' деген команда жоқ. Мүмкін, 'status'?",
        "ru": "Нет такой команды: 'statsu'. Может быть, 'status'?"}),
    "missing argument": (("init",), {
        "kk": "'path' аргументі берілмеген.", "ru": "Не указан аргумент 'path'."}),
    "missing option": (("entities", "add", "Person"), {
        "kk": "'--prop' параметрі берілмеген.", "ru": "Не указан параметр '--prop'."}),
    "invalid value": (("synth", "scenario", "--seed", "abc"), {
        "kk": "'--seed' үшін жарамсыз мән: бүтін сан керек.",
        "ru": "Недопустимое значение для '--seed': нужно целое число."}),
    "extra argument": (("init", "a", "b"), {
        "kk": "Күтілмеген артық аргумент (b).", "ru": "Лишний аргумент (b)."}),
    "extra arguments": (("init", "a", "b", "c"), {
        "kk": "Күтілмеген артық аргументтер (b c).", "ru": "Лишние аргументы (b c)."}),
    "option needs a value": (("synth", "scenario", "--seed"), {
        "kk": "'--seed' параметріне мән керек.", "ru": "Параметру '--seed' нужно значение."}),
}  # fmt: skip


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("name", sorted(USAGE_CASES))
def test_click_usage_errors_are_printed_in_the_reader_language(
    tmp_path: Path, lang: str, name: str
) -> None:
    args, expected = USAGE_CASES[name]
    result = run_cli_process(None, *args, cwd=tmp_path, env={"QANTAR_LANG": lang})
    assert result.exit_code == 2
    line = _line(result.stderr, lang)
    assert expected[lang] in line
    assert not english_words(line), line


def test_click_usage_errors_stay_as_click_words_them_in_english(tmp_path: Path) -> None:
    result = run_cli_process(None, "init", "a", "b", cwd=tmp_path, env={"QANTAR_LANG": "en"})
    assert result.stderr.startswith("usage error: Got unexpected extra argument(s) (b)")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_errors_the_cli_does_not_reach_are_worded_too(project: Project, lang: str) -> None:
    """names, synth and accounts raise these under their own commands' checks or on the
    web app's pages: worded with the reader's gettext, as the web app and the CLI do."""
    from qantar.accounts import AuthError, authenticate, set_language
    from qantar.names import SCHEMES, transliterate
    from qantar.synth._write import write_scenario

    gettext = speaker(lang).gettext
    raised = []
    with pytest.raises(QantarError) as scheme:
        transliterate("Абай", "klingon")
    assert str(scheme.value).startswith("unknown transliteration scheme 'klingon'; choose one of")
    raised.append(scheme.value)
    with pytest.raises(QantarError) as fmt:
        write_scenario(None, project.root / "synth", formats=["pdf"])  # type: ignore[arg-type]
    assert str(fmt.value) == "unknown format(s) ['pdf']; use csv, xlsx or csv,xlsx"
    raised.append(fmt.value)
    with pytest.raises(QantarError) as language:
        set_language(project, "nobody", "de")
    assert (
        str(language.value)
        == "field 'language': not a language qantar speaks; use one of kk, ru, en"
    )
    raised.append(language.value)
    with pytest.raises(AuthError) as refused:
        authenticate(project, "nobody", "wrong")
    raised.append(refused.value)
    for exc in raised:
        worded = exc.in_words(gettext)
        assert worded != str(exc)
        assert not english_words(worded, codes=(*SCHEMES, *LANGUAGES, "csv", "xlsx")), worded


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("kk", "басқа жыныс түріндегі бір әулеттің тегі: туыстар, бір адам емес"),
        ("ru", "та же семейная фамилия в форме другого пола: родственники, а не один человек"),
    ],
)
def test_name_comparison_reasons_in_the_reader_language(lang: str, expected: str) -> None:
    """The reasons `qantar names compare` gives (the screening's too) are Notes: the text
    output words them, the JSON keeps the English sentences."""
    args = ("names", "compare", "Касымов Нурлан Ерланович", "Kasymova Nurlan")
    result = run_cli_process(None, *args, env={"QANTAR_LANG": lang})
    assert result.exit_code == 0, result.stderr
    reasons = [line[4:] for line in result.stdout.splitlines() if line.startswith("  - ")]
    assert expected in reasons and len(reasons) >= 4
    for reason in reasons:
        assert not english_words(reason), reason
    as_json = run_cli_process(None, *args, "--format", "json", env={"QANTAR_LANG": lang})
    assert (
        "same family surname in the other sex's form: relatives, not one person" in as_json.stdout
    )


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_screening_reasons_are_worded(lang: str) -> None:
    from followthemoney import model

    from qantar.accountability._screening import score_pair
    from qantar.notes import say

    ours = model.make_entity("Person")
    ours.id = "a"
    ours.add("name", "Касымов Нурлан Ерланович")
    ours.add("birthDate", "1970-01-02")
    theirs = model.make_entity("Person")
    theirs.id = "b"
    theirs.add("name", "Kassymov Nurlan Erlanovich")
    theirs.add("birthDate", "1970-01-02")
    _score, reasons = score_pair(ours, theirs)
    assert "same birth date" in reasons
    gettext = speaker(lang).gettext
    for reason in reasons:
        worded = say(reason, gettext)
        assert worded != reason
        assert not english_words(worded), worded
