"""`qantar names parse` and `qantar names compare`: what qantar makes of a written name."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from qantar.cli._common import OutputFormat, console, only_formats, print_json
from qantar.cli._language import _
from qantar.names import (
    PARTS,
    NameComparison,
    ParsedName,
    compare,
    keys,
    latin,
    parse,
)
from qantar.notes import say

app = typer.Typer()  # this area's commands; qantar.cli adds them to the root

names_app = typer.Typer(
    help=_("Kazakh and Russian names: parse, transliterate, key and compare."),
    no_args_is_help=True,
)


def parsed_as_dict(parsed: ParsedName) -> dict[str, Any]:
    """The JSON object of one parsed name (the fields other tools rely on)."""
    k = keys(parsed)
    return {
        "original": parsed.original,
        "surname": parsed.surname,
        "given": parsed.given,
        "patronymic": parsed.patronymic,
        "initials": list(parsed.initials),
        "sex": parsed.sex,
        "confidence": parsed.confidence,
        "script": parsed.script,
        "order": parsed.order,
        "latin": latin(parsed),
        "keys": {
            "surname": k.surname,
            "given": k.given,
            "patronymic": k.patronymic,
            "surname_family": k.surname_family,
            "given_initial": k.given_initial,
            "patronymic_initial": k.patronymic_initial,
        },
        "reasons": list(parsed.reasons),
    }


def comparison_as_dict(a: str, b: str, result: NameComparison) -> dict[str, Any]:
    return {
        "a": a,
        "b": b,
        "score": result.score,
        "swapped": result.swapped,
        "same_family_different_sex": result.same_family_different_sex,
        "given_frequency": result.given_frequency,
        "parts": [
            {
                "part": p.part,
                "level": p.level,
                "similarity": round(p.similarity, 4),
                "a": p.left,
                "b": p.right,
                "reason": p.reason,
            }
            for p in result.parts
        ],
        "reasons": list(result.reasons),
    }


@names_app.command(
    "parse",
    help=_("Surname, given name, patronymic, sex, confidence, Latin form and match keys."),
)
def parse_cmd(
    names: Annotated[list[str], typer.Argument(help=_("One or more full names (quote each)."))],
    fmt: OutputFormat = "text",
) -> None:
    only_formats(fmt, "text", "json")
    rows = [parsed_as_dict(parse(n)) for n in names]
    if fmt == "json":
        print_json(rows)
        return
    table = Table(
        _("original"), _("surname"), _("given"), _("patronymic"), _("sex"), _("conf"),
        _("latin"), _("keys"),
    )  # fmt: skip
    for r in rows:
        k = r["keys"]
        table.add_row(
            r["original"],
            r["surname"] or "",
            r["given"] or " ".join(r["initials"]),
            r["patronymic"] or "",
            r["sex"],
            f"{r['confidence']:.2f}",
            r["latin"],
            " / ".join(x or "-" for x in (k["surname"], k["given"], k["patronymic"])),
        )
    console.print(table)


@names_app.command(
    "compare",
    help=_("Part-by-part similarity of two names, with the reason for each level."),
)
def compare_cmd(
    a: Annotated[str, typer.Argument(help=_("First full name."))],
    b: Annotated[str, typer.Argument(help=_("Second full name."))],
    fmt: OutputFormat = "text",
) -> None:
    only_formats(fmt, "text", "json")
    result = compare(a, b)
    if fmt == "json":
        print_json(comparison_as_dict(a, b, result))
        return
    table = Table(_("part"), _("level"), _("similarity"), "a", "b", _("reason"))
    for p in result.parts:
        table.add_row(
            _(PARTS[p.part]), p.level, f"{p.similarity:.2f}", p.left or "", p.right or "",
            say(p.reason, _),
        )  # fmt: skip
    console.print(table)
    score = (_("score %(score)s (order swapped)") if result.swapped else _("score %(score)s")) % {
        "score": f"{result.score:.3f}"
    }
    console.print(score)
    for reason in result.reasons:
        console.print(f"  - {say(reason, _)}", markup=False)


app.add_typer(names_app, name="names")
