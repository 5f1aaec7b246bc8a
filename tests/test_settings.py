"""#14: qantar.toml is typed and checked once, when a project opens; defaults live in
``qantar.settings`` only, and docs/settings.md is generated from it."""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from qantar import Project
from qantar.cli import main
from qantar.errors import QantarError
from qantar.project import default_settings_text
from qantar.settings import DEFAULTS, Settings, from_mapping
from qantar.settings._markdown import markdown

ROOT = Path(__file__).resolve().parents[1]

# What each call site used before the settings had one home (main before #14): a default
# that moves while being centralised changes results silently.
BEFORE = {
    "project": {"name": "", "database": "sqlite:///qantar.db", "encrypted": False},
    "import": {
        "headers": {},
        "duplicate_share": 0.9,
        "max_decompressed_mb": 1024,
        "max_rows": 1_048_576,
        "max_columns": 1024,
        "max_cells": 30_000_000,
    },
    "link": {
        "threshold": 0.2,
        "linkage": 0.25,
        "backend": "duckdb",
        "threads": None,
        "memory_limit": "3GB",
    },
    "link.spark": {"master": None, "shuffle_partitions": 8, "work_dir": None, "config": {}},
    "estimate": {
        "strata": (),
        "event_type": "killed",
        "imputations": 5,
        "headline_method": "lcmcr",
        "seed": 0,
    },
    "events": {"list_defaults": {}},
    "report": {"title": "", "official_figure": None, "estimate_run": None},
    "publish": {
        "default": "initials-only",
        "withhold_minors_full_name": True,
        "rules": (),
        "circumstances_columns": (),
    },
    "evidence": {
        "max_decompressed_mb": 8192,
        "max_index_mb": 64,
        "max_pixels": 100_000_000,
        "max_zip_members": 100_000,
        "replicas": (),
    },
    "accountability": {"datasets": {}, "submitter": {}, "arguments": {}},
    "case": {
        "title": "January 2022",
        "period_start": "2022-01-01",
        "gazetteer": "kz",
        "languages": ("kk", "ru", "en"),
    },
}


def _section(settings: Settings, name: str) -> object:
    value: object = settings
    for part in name.split("."):
        value = getattr(value, "import_" if part == "import" else part)
    return value


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_defaults_equal_what_the_code_used_before(name: str) -> None:
    section = _section(DEFAULTS, name)
    for key, value in BEFORE[name].items():
        assert getattr(section, key) == value, f"[{name}] {key}"
    assert _section(from_mapping({}), name) == section


def _run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["qantar", *args])
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def _write(project: Project, section: str, line: str) -> Path:
    path = project.root / "qantar.toml"
    text = path.read_text(encoding="utf-8")
    key = line.split(" = ")[0]
    if re.search(rf"^{key} = ", text, flags=re.M):  # a line init wrote: change it
        text = re.sub(rf"^{key} = .*$", line, text, count=1, flags=re.M)
    else:
        text = text.replace(f"[{section}]\n", f"[{section}]\n{line}\n", 1)
    path.write_text(text, encoding="utf-8")
    return path


COMMANDS = [
    ("status",),
    ("link", "--seed", "1"),
    ("import", "LIST", "--source", "hotline"),
    ("estimate",),
    ("report",),
    ("publish",),
    ("review",),
]


@pytest.mark.parametrize(
    ("section", "line", "message"),
    [
        ("link", "treshold = 0.9",
         r"\[link\] treshold is not a known setting \(did you mean threshold\?\)"),
        ("link", "threshold = 1.5",
         r"\[link\] threshold must be a number strictly between 0 and 1"),
        ("estimate", 'headline_method = "best"',
         r"\[estimate\] headline_method must be one of lcmcr"),
        ("import", 'max_rows = "many"',
         r"\[import\] max_rows must be a whole number of at least 1"),
        ("case", 'period_start = "2023-01-01"',
         r"\[case\] period_end must not come before"),
    ],
)  # fmt: skip
def test_a_bad_setting_stops_every_command(
    project: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    section: str,
    line: str,
    message: str,
) -> None:
    listing = tmp_path / "list.csv"
    listing.write_text("ФИО,Дата гибели\nАхметов Ерлан,05.01.2022\n", encoding="utf-8")
    path = _write(project, section, line)
    project.close()
    for command in COMMANDS:
        args = [str(listing) if a == "LIST" else a for a in command]
        code = _run(monkeypatch, "--project", str(project.root), *args)
        err = capsys.readouterr().err.strip()
        assert code == 2, command
        assert len(err.splitlines()) == 1, command
        assert re.search(re.escape(str(path)) + ": " + message, err), (command, err)
    # Nothing was imported while the settings were wrong.
    with pytest.raises(QantarError):
        Project.open(project.root)


def test_a_misspelt_section_is_named() -> None:
    with pytest.raises(QantarError, match=r"qantar.toml: \[linkk\] is not a known section"):
        from_mapping({"linkk": {"threshold": 0.5}})
    with pytest.raises(QantarError, match=r"\[link.spark\] mastr is not a known setting"):
        from_mapping({"link": {"spark": {"mastr": "local"}}})


def test_errors_never_repeat_a_value() -> None:
    """A title or a column header can name a person: the key is named, the value not."""
    for raw in (
        {"case": {"title": ["Ахметов Ерлан"]}},
        {"publish": {"circumstances_columns": [3, "Ахметов Ерлан"]}},
        {"events": {"list_defaults": {"morgue": "Ахметов Ерлан"}}},
        {"publish": {"default": "Ахметов Ерлан"}},
        {"report": {"official_figure": "Ахметов Ерлан"}},
    ):
        with pytest.raises(QantarError) as info:
            from_mapping(raw)
        assert "Ахметов" not in str(info.value)


def test_values_are_typed() -> None:
    settings = from_mapping(
        {
            "estimate": {"strata": "region", "seed": 7},
            "import": {"headers": {"surname": "Фамилия погибшего"}},
            "link": {"threads": 2, "spark": {"config": {"spark.executor.cores": "4"}}},
            "report": {"official_figure": 238},
        }
    )
    assert settings.estimate.strata == ("region",) and settings.estimate.seed == 7
    assert settings.import_.headers == {"surname": ("Фамилия погибшего",)}
    assert settings.link.threads == 2 and settings.link.spark.config == {
        "spark.executor.cores": "4"
    }
    assert settings.report.official_figure == 238.0
    assert isinstance(settings.report.official_figure, float)
    assert settings.link.threshold == DEFAULTS.link.threshold


def test_updated_checks_like_the_file() -> None:
    settings = from_mapping({"link": {"threshold": 0.5}})
    assert settings.updated("link", linkage=0.3).link.threshold == 0.5
    with pytest.raises(QantarError, match=r"\[link\] treshold is not a known setting"):
        settings.updated("link", treshold=0.9)


def test_settings_page_is_generated_from_the_code() -> None:
    """Regenerate with: python -m qantar.settings --markdown > docs/settings.md"""
    page = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert page == markdown(), "docs/settings.md is stale: regenerate it"


# Commented lines of the generated file that show an example, not the default.
EXAMPLES = {"strata", "surname", "list_defaults", "official_figure", "official_figure_source"}


def _shown(line: str) -> str:
    """``# key = value`` uncommented when it is a setting's line (not an example)."""
    match = re.fullmatch(r"# (\w+) = .+", line)
    if match is None or match.group(1) in EXAMPLES:
        return line
    try:
        tomllib.loads(line[2:])
    except tomllib.TOMLDecodeError:
        return line
    return line[2:]


def test_init_writes_the_true_defaults() -> None:
    text = default_settings_text(name="case", database="sqlite:///qantar.db", encrypted=False)
    expected = replace(DEFAULTS, project=replace(DEFAULTS.project, name="case"))
    assert from_mapping(tomllib.loads(text)) == expected
    # Uncommenting a line that shows a default changes nothing.
    shown = "\n".join(_shown(line) for line in text.splitlines())
    assert "\nthreshold = 0.2\n" in shown and '\nheadline_method = "lcmcr"\n' in shown
    assert from_mapping(tomllib.loads(shown)) == expected


def test_another_case_gets_its_title_and_its_years(project: Project, tmp_path: Path) -> None:
    """A project of other events names them in its report and reads its dates by them."""
    from sqlalchemy import select

    from qantar.ingest import import_file
    from qantar.publish import collect_report_data
    from qantar.store.schema import records

    path = project.root / "qantar.toml"
    text = path.read_text(encoding="utf-8")
    for key, value in (
        ("title", "December 1986"),
        ("period_start", "1986-12-16"),
        ("period_end", "1986-12-19"),
    ):
        text = re.sub(rf"^{key} = .*$", f'{key} = "{value}"', text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")
    other = Project.open(project.root)
    listing = tmp_path / "list.csv"
    # Born in 1920 for a case of 1986; a case of 2022 reads "20" as 2020.
    listing.write_text(
        "ФИО,Дата рождения,Дата гибели\nАхметов Ерлан,01.05.20,17.12.86\n", encoding="utf-8"
    )
    import_file(other, listing, source="hotline")
    with other.engine.connect() as conn:
        born, died = conn.execute(select(records.c.birth_date, records.c.event_date)).one()
    assert (born, died) == ("1920-05-01", "1986-12-17")
    assert collect_report_data(other).title == f"Deaths in December 1986: {other.name}"
    other.close()
    from qantar.ingest._parse import parse_date

    assert parse_date("01.05.20").iso() == "2020-05-01"  # the default case
    assert parse_date("05.01.29").iso() == "2029-01-05"
    assert parse_date("05.01.30").iso() == "1930-01-05"


def test_one_gazetteer_from_the_case(project: Project, tmp_path: Path) -> None:
    """[case] gazetteer names the places every area uses: resolve, region, label."""
    from qantar.ingest import gazetteer

    places = project.gazetteer
    assert places is gazetteer("kz") and places is project.gazetteer
    assert places.resolve("г. Талдыкорган") == "taldykorgan"
    assert places.region_of("taldykorgan") == "reg-almaty"  # its region in January 2022
    assert places.label("taldykorgan") == "Taldykorgan"
    own = project.root / "places.csv"
    own.write_text(
        "id,kind,name_kk,name_ru,name_en,region_id,period_region_id\n"
        "reg-north,region,Солтүстік,Северная область,North Region,,\n"
        "zhanatown,city,Жаңақала,Жанагород,Zhanatown,reg-north,\n",
        encoding="utf-8",
    )
    path = project.root / "qantar.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('gazetteer = "kz"', 'gazetteer = "places.csv"'),
        encoding="utf-8",
    )
    other = Project.open(project.root)
    assert other.gazetteer.resolve("г. Жанагород") == "zhanatown"
    assert other.gazetteer.region_of("zhanatown") == "reg-north"
    assert other.gazetteer.label("zhanatown", "kk") == "Жаңақала"
    assert other.gazetteer.resolve("Талдыкорган") is None
    # Import resolves places with the project's gazetteer.
    from sqlalchemy import select

    from qantar.ingest import import_file
    from qantar.store.schema import records

    listing = tmp_path / "list.csv"
    listing.write_text("ФИО,Место\nАхметов Ерлан,г. Жанагород\n", encoding="utf-8")
    import_file(other, listing, source="hotline")
    with other.engine.connect() as conn:
        assert conn.execute(select(records.c.place_id)).scalar_one() == "zhanatown"
    other.close()
    own.unlink()
    with pytest.raises(QantarError, match=r"qantar.toml: \[case\] gazetteer is neither"):
        Project.open(project.root)


def test_the_seed_of_the_settings_is_what_the_cli_and_a_notebook_sample_with(
    project: Project,
) -> None:
    """The CLI's --seed defaults to None, so [estimate] seed decides, as in a notebook."""
    from qantar.estimate._project import estimate_project
    from qantar.model.histories import Histories

    h = Histories.from_rows(("A", "B"), [[1, 0]] * 30 + [[0, 1]] * 40 + [[1, 1]] * 20)
    path = _write(project, "estimate", "seed = 11")
    assert path.is_file()
    reopened = Project.open(project.root)
    result, _ = estimate_project(reopened, method="chapman", histories=h, save=False)
    assert result.settings["seed"] == 11
    reopened.close()


def test_updated_leaves_the_settings_it_came_from() -> None:
    settings = from_mapping({"link": {"spark": {"master": "local[2]"}}})
    changed = settings.updated("link.spark", master="spark://elsewhere:7077")
    assert changed.link.spark.master == "spark://elsewhere:7077"
    assert settings.link.spark.master == "local[2]"
    assert settings.raw["link"]["spark"]["master"] == "local[2]"
