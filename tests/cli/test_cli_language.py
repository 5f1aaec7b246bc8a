"""The CLI in Kazakh, Russian and English: the language from QANTAR_LANG, else the locale,
else English; every help text and every printed sentence of ``qantar.cli`` goes through
gettext, the catalogs hold them, and a Kazakh or Russian help page has no English words but
command and option names, values as typed, and names kept on purpose."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from enum import StrEnum
from pathlib import Path

import pytest
from _cli import SRC, run_cli_process
from babel.messages.pofile import read_po

import qantar.cli
import qantar.model.enums as enums
from qantar.i18n import LANGUAGES, language_of_environment

CLI = Path(qantar.cli.__file__).parent
LOCALE = SRC / "qantar" / "locale"
# Calls whose first argument a person reads.
SHOWN = {
    "print", "echo", "secho", "status", "prompt", "confirm", "BadParameter", "InputError",
    "QantarError", "add_column",
}  # fmt: skip


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"QANTAR_LANG": "kk", "LANG": "ru_RU.UTF-8"}, "kk"),
        ({"QANTAR_LANG": "de", "LANG": "ru_RU.UTF-8"}, "ru"),  # one qantar does not speak
        ({"LC_ALL": "C", "LANG": "ru_RU.UTF-8"}, "en"),  # LC_ALL overrides LANG, as in POSIX
        ({"LC_MESSAGES": "kk_KZ.UTF-8", "LANG": "en_GB.UTF-8"}, "kk"),
        ({"LANG": "ru_KZ.UTF-8@latin"}, "ru"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_language_comes_from_qantar_lang_then_the_locale(
    environ: dict[str, str], lang: str
) -> None:
    assert language_of_environment(environ) == lang


def _literal_text(node: ast.expr) -> str:
    """The letters a person would read in ``node`` when it is written in the code: a string,
    an f-string's fixed parts, or a concatenation of them; "" for anything computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_literal_text(v) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal_text(node.left) + _literal_text(node.right)
    if isinstance(node, ast.IfExp):
        return _literal_text(node.body) + _literal_text(node.orelse)
    return ""


def _is_gettext(node: ast.expr) -> bool:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        node = node.left
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"_", "ngettext", "N_"}
    )


def _untranslated(source: str, *, printed: bool = True) -> list[str]:
    """Where ``source`` shows a person English outside gettext: a help text, a command's
    docstring (Typer would show it), or the first argument of a call that prints."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword) and node.arg == "help" and not _is_gettext(node.value):
            found.append(f"line {node.value.lineno}: help= outside _()")
        elif printed and isinstance(node, ast.keyword) and node.arg == "title":
            words = re.search(r"[A-Za-z]{2,}", _literal_text(node.value))
            if words and not _is_gettext(node.value):
                found.append(f"line {node.value.lineno}: title= outside _()")
        elif isinstance(node, ast.FunctionDef):
            commands = [
                d for d in node.decorator_list
                if isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                and d.func.attr in {"command", "callback"}
            ]  # fmt: skip
            has_help = any(k.arg == "help" for d in commands for k in d.keywords)
            if commands and ast.get_docstring(node) and not has_help:
                found.append(f"line {node.lineno}: {node.name}'s docstring is its help")
        elif printed and isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            first = node.args[0]
            text = _literal_text(first)
            if name in SHOWN and not _is_gettext(first) and re.search(r"[A-Za-z]{2,}", text):
                found.append(f"line {first.lineno}: {name}({text[:40]!r})")
    return sorted(found, key=lambda f: int(f.split(":")[0].split()[1]))


def test_the_check_finds_english_outside_gettext() -> None:
    source = '''
@app.command("x")
def x(a: int = typer.Option(help="Plain.")) -> None:
    """Shown as help."""
    console.print(f"{n} rows read")
    console.print(_("%(n)s rows read") % {"n": n})
    console.print(f"{name}: {value}")
    raise InputError("no such file")
'''
    found = _untranslated(source)
    assert [f.split(":")[0] for f in found] == ["line 3", "line 3", "line 5", "line 8"]
    assert any("docstring" in f for f in found) and any("help=" in f for f in found)


@pytest.mark.parametrize("module", sorted(p.name for p in CLI.glob("*.py")))
def test_every_help_text_goes_through_gettext(module: str) -> None:
    found = _untranslated((CLI / module).read_text(encoding="utf-8"), printed=False)
    assert not found, f"{module}: {found[:5]}"


@pytest.mark.parametrize("module", sorted(p.name for p in CLI.glob("*.py")))
def test_every_printed_sentence_goes_through_gettext(module: str) -> None:
    found = _untranslated((CLI / module).read_text(encoding="utf-8"))
    assert not found, f"{module}: {found[:5]}"


def _command_paths() -> list[tuple[str, ...]]:
    """Every command and group of the CLI, the root first."""
    import typer.main

    from qantar.cli import app

    paths: list[tuple[str, ...]] = []

    def walk(command: object, path: tuple[str, ...]) -> None:
        paths.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return paths


COMMANDS = _command_paths()
_HELP_PAGES = """
import sys
import typer.main
from qantar.cli import app
from qantar.cli._language import speaking
for path in sys.argv[1:]:
    args = [a for a in path.split("/") if a] + ["--help"]
    speaking(typer.main.get_command(app)).main(args, prog_name="qantar", standalone_mode=False)
    print("\\f")
"""


def _help_pages(lang: str) -> list[str]:
    paths = ["/".join(c) for c in COMMANDS]
    done = subprocess.run(
        [sys.executable, "-c", _HELP_PAGES, *paths],
        env={"PYTHONPATH": str(SRC), "QANTAR_LANG": lang, "COLUMNS": "200", "PATH": ""},
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout.split("\f")[: len(COMMANDS)]


def _kept_words() -> set[str]:
    """Command names, the values an option takes as typed (roles, kinds, event types ...),
    and names of formats, tools and settings kept on purpose (docs/glossary.md)."""
    import typer.main

    from qantar.cli import app

    words: set[str] = set()

    def walk(command: object) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            words.update(re.findall(r"[A-Za-z]+", name))
            walk(sub)

    def walk_all(command: object) -> None:
        for param in getattr(command, "params", []):
            if type(param).__name__.endswith("Argument"):  # named as the code names it
                words.update(re.findall(r"[A-Za-z]+", param.name or ""))
        for sub in getattr(command, "commands", {}).values():
            walk_all(sub)

    root = typer.main.get_command(app)
    walk(root)
    walk_all(root)
    for value in vars(enums).values():
        if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum:
            for member in value:
                words.update(re.findall(r"[A-Za-z]+", member.value))
    return words | {
        "qantar", "CSV", "TSV", "XLSX", "XLS", "ODS", "JSON", "JSONL", "HTML", "PDF", "TOML",
        "SHA", "WeasyPrint", "SQLAlchemy", "SQLCipher", "SQLite", "TLS", "LCMCR", "AIC", "BIC",
        "ESS", "hat", "dga", "lcmcr", "loglinear", "chapman", "all", "text", "json", "csv",
        "xlsx", "stdout", "QANTAR", "ACTOR", "BATCH", "TEXT", "NAME", "RECORD", "KEY", "UTC",
        "Gamma", "alpha", "FtM", "age", "Person", "PublicBody", "Occupancy", "PEM", "RFC",
        "URL", "ISO", "unknown", "K", "R",
        "source",  # a CSV column's name, as typed (source, record_id, person_id)
        *LANGUAGES,
        # values an option takes, as typed: list names of a synthetic scenario, kinds of
        # claim and incident, sanctions regimes, roles in a responsibility link, FtM keys
        "hotline", "press", "note", "description", "tag", "geolocation", "shooting",
        "detention", "us", "uk", "eu", "ordered", "commanded", "executed", "aided", "true",
        "datasets",
        "OpenSanctions", "followthemoney",  # names of a data source and a library
    }  # fmt: skip


def _english(page: str, kept: set[str]) -> set[str]:
    # Option names, code in backticks, paths and settings keys ("[case] languages",
    # qantar.toml, docs/web.md), typed values (a|b|c, k=v) and names in capitals
    # (environment variables such as PGPASSWORD, placeholders such as BATCH) are kept, and
    # so is a default value ("[по умолчанию: site]").
    page = re.sub(r"\[[^\[\]:]+:\s+[^\]]*\]", " ", page)
    page = re.sub(r"`[^`]*`|\[[a-z_.]+\](\s+[a-z_]+)?|\S*[./|=_]\S*|--?[\w-]+", " ", page)
    page = re.sub(r"\b[A-Z][A-Z0-9]+\b", " ", page)
    return {w for w in re.findall(r"[A-Za-z]{2,}", page) if w not in kept}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_help_pages_have_no_english_but_names(lang: str) -> None:
    kept = _kept_words()
    pages = _help_pages(lang)
    assert len(pages) == len(COMMANDS)
    for command, page in zip(COMMANDS, pages, strict=True):
        assert page.strip(), command
        assert not _english(page, kept), (command, sorted(_english(page, kept)))
    root = pages[0]
    assert {"kk": "Қолданылуы:", "ru": "Использование:"}[lang] in root
    assert {"kk": "Командалар:", "ru": "Команды:"}[lang] in root


def test_help_stays_english_without_a_language() -> None:
    result = run_cli_process(None, "--help", env={"QANTAR_LANG": None, "LANG": "C.UTF-8",
                                                  "LC_ALL": None, "LC_MESSAGES": None})  # fmt: skip
    assert result.exit_code == 0
    assert "Usage: qantar [OPTIONS] COMMAND [ARGS]..." in result.stdout
    assert "From scattered lists of victims to facts" in result.stdout


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("ru", "ошибка: "), ("kk", "қате: ")],
)
def test_an_error_is_printed_in_the_reader_language(
    lang: str, expected: str, tmp_path: Path
) -> None:
    result = run_cli_process(tmp_path / "nowhere", "status", env={"QANTAR_LANG": lang})
    assert result.exit_code == 2
    assert result.stderr.startswith(expected), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_catalogs_hold_every_cli_string() -> None:
    """Every msgid of the CLI is in the Kazakh and Russian catalogs, translated (the whole
    catalog check is in tests/i18n; this names the CLI's own failures first)."""
    from babel.messages.extract import extract_from_file

    used = {
        msgid if isinstance(msgid, str) else msgid[0]
        for path in CLI.glob("*.py")
        for _line, msgid, _c, _x in extract_from_file(
            "python", str(path), keywords={"_": None, "ngettext": (1, 2), "N_": None}
        )
    }
    assert len(used) > 250
    for lang in ("kk", "ru"):
        with (LOCALE / lang / "LC_MESSAGES" / "qantar.po").open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        missing = sorted(m for m in used if catalog.get(m) is None or not catalog[m].string)
        assert not missing, f"{lang}: {missing[:5]}"
