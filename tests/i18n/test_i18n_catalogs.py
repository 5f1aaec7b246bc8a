"""The catalogs hold every string the code and the templates use, and no template holds a
string a person reads outside gettext (this runs in `make test`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from jinja2 import Environment

from qantar.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "src" / "qantar" / "locale"
TEMPLATES = sorted((ROOT / "src" / "qantar").glob("*/templates/*.j2")) + sorted(
    (ROOT / "src" / "qantar" / "web" / "templates").glob("*.html")
)
# Modules whose N_-marked strings are shown on those pages: the report's and memorial's
# builders and every module of the web app (its messages, and the words for roles, statuses
# and kinds of source).
WEB_MODULES = sorted((ROOT / "src" / "qantar" / "web").glob("_*.py"))
BUILDERS = ("_report.py", "_memorial.py", *(f"web/{m.name}" for m in WEB_MODULES))
# Text in a template that is not translated, on purpose: format names, the tool's name,
# hash names, units and marks.
KEPT = {"CSV", "JSON", "qantar", "SHA-256", "SHA-512", "C2PA", "R-hat", "PDF", "TOML"}
# Attributes a reader sees or hears (a screen reader reads alt and aria-label).
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
READ_ATTRIBUTES = re.compile(r'\b(?:alt|title|placeholder|aria-label)="([^"{]*)"')


def _method_map() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """babel.cfg, read as pybabel reads it."""
    from babel.messages.frontend import parse_mapping_cfg

    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        return parse_mapping_cfg(handle)


def _used() -> set[str]:
    method_map, options_map = _method_map()
    return {
        msgid if isinstance(msgid, str) else msgid[0]
        for _file, _line, msgid, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS
        )
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_holds_every_string_used(lang: str) -> None:
    with (LOCALE / lang / "LC_MESSAGES" / "qantar.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    held = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    missing = sorted(_used() - held)
    assert not missing, f"{lang}: run `make catalogs` and translate: {missing[:5]}"
    fuzzy = sorted(str(m.id) for m in catalog if m.id and m.fuzzy)
    assert not fuzzy, f"{lang}: fuzzy translations need a person's eye: {fuzzy[:5]}"
    # Babel's checkers: the same %(name)s placeholders in a translation as in the original.
    errors = [(str(m.id)[:40], [str(e) for e in errs]) for m, errs in catalog.check()]
    assert not errors, f"{lang}: {errors[:3]}"


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("template", [t.name for t in TEMPLATES])
def test_pages_fully_translated(lang: str, template: str) -> None:
    """Every string of every page (memorial, report, dossier, bundle summary, the web app)
    and of their builders has a Kazakh and a Russian translation."""
    with (LOCALE / lang / "LC_MESSAGES" / "qantar.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    method_map, options_map = _method_map()
    used = {
        msgid if isinstance(msgid, str) else msgid[0]
        for filename, _line, msgid, _c, _x in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS
        )
        if filename.endswith(template) or filename.endswith(BUILDERS)
    }
    untranslated = sorted(
        mid for mid in used if not (catalog[mid].string if isinstance(catalog[mid].string, str)
                                    else all(catalog[mid].string))
    )  # fmt: skip
    assert not untranslated, f"{lang}: {untranslated[:5]}"


def _outside_gettext(source: str) -> list[str]:
    """The text of a template a reader would see that is not inside {% trans %}: Jinja's own
    lexer splits data from tags, then markup, styles and scripts are dropped."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    pieces: list[str] = []
    depth = 0  # inside {% trans %} ... {% endtrans %}
    last_name = ""
    for _line, kind, value in env.lex(source):
        if kind == "whitespace":
            continue
        if kind == "name" and last_name == "block_begin":
            if value == "trans":
                depth += 1
            elif value == "endtrans":
                depth -= 1
        last_name = kind
        if kind == "data" and depth == 0:
            pieces.append(value)
        elif kind == "block_begin" or kind == "variable_begin":
            pieces.append(" ")
    text = "".join(pieces)
    visible = READ_ATTRIBUTES.findall(text)
    text = re.sub(r"<style.*?</style>|<script.*?</script>|<[^>]*>|&\w+;", " ", text, flags=re.S)
    words = re.findall(r"[^\W\d_][\w'’.-]*", " ".join([text, *visible]))
    return [w for w in words if w.strip(".") not in KEPT]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_template_text_goes_through_gettext(template: Path) -> None:
    words = _outside_gettext(template.read_text(encoding="utf-8"))
    assert not words, f"{template.name}: text outside gettext: {sorted(set(words))[:10]}"


def test_the_check_finds_text_outside_gettext() -> None:
    assert _outside_gettext("<p>Hello {{ x }}</p>") == ["Hello"]
    assert _outside_gettext('<img alt="deaths by day" src="{{ s }}">') == [
        "deaths", "by", "day"
    ]  # fmt: skip
    assert _outside_gettext("<p>{% trans %}Hello{% endtrans %} {{ _('x') }} CSV</p>") == []
    assert _outside_gettext("{% trans a=b %}Hello {{ a }}{% endtrans %} Bye") == ["Bye"]
    assert _outside_gettext("<style>body { color: red; }</style>") == []
