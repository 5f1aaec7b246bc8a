from __future__ import annotations

import json
from pathlib import Path

from _cli import run_cli, run_cli_process


def _run(project_root: Path, *args: str) -> str:
    result = run_cli(project_root, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_entities_export_import_round_trip_via_cli(scenario, tmp_path: Path) -> None:
    root = scenario.project.root
    out = tmp_path / "reg.jsonl"
    _run(root, "entities", "export", "--out", str(out))
    other = tmp_path / "other"
    _run(tmp_path, "init", str(other))
    report = json.loads(_run(other, "entities", "import", str(out), "--format", "json"))
    assert report["stored"] == 20
    again = tmp_path / "again.jsonl"
    _run(other, "entities", "export", "--out", str(again))
    assert out.read_bytes() == again.read_bytes()


def test_who_json(scenario) -> None:
    data = json.loads(
        _run(scenario.project.root, "accountability", "who", "--unit", "Rapid Response Unit 7",
             "--date", "2022-01-06", "--place", "Almaty", "--format", "json")
    )  # fmt: skip
    assert scenario.ids["official"] in {r["person_id"] for r in data["responsible"]}
    assert all(r["sources"] for r in data["responsible"])


def test_screen_json(scenario, tmp_path: Path) -> None:
    listing = tmp_path / "list.json"
    listing.write_text(
        json.dumps({"id": "afm-1", "schema": "Person", "datasets": ["kz_afmrk_sanctions"],
                    "properties": {"name": ["Arman Serikbayev"], "birthDate": ["1970-03-02"]}})
        + "\n", encoding="utf-8",
    )  # fmt: skip
    rows = json.loads(
        _run(scenario.project.root, "screen", "--against", str(listing), "--format", "json")
    )
    (row,) = [r for r in rows if r["match_id"] == "afm-1"]
    assert row["query_id"] == scenario.ids["official"] and row["match"] is True
    assert row["dataset"] == "kz_afmrk_sanctions" and row["confirms_listing"] is False
    table = _run(scenario.project.root, "screen", "--against", str(listing))
    assert "NOT a confirmation" in table


def test_dossier_cli_and_user_error(scenario, tmp_path: Path) -> None:
    out = tmp_path / "d.pdf"
    data = json.loads(
        _run(scenario.project.root, "dossier", scenario.ids["official"], "--regime", "uk-ghr",
             "--out", str(out), "--format", "json")
    )  # fmt: skip
    assert out.is_file() and Path(data["html"]).is_file()
    # One victim record is not linked (withheld); the linked one has the default status,
    # initials only, so no victim's full name is printed.
    assert data["withheld_victims"] == 1
    bad = run_cli_process(
        scenario.project, "dossier", scenario.ids["official"], "--regime", "ca-magnitsky",
        "--out", str(out),
    )  # fmt: skip
    assert bad.exit_code == 2 and "regime" in bad.stderr and "Traceback" not in bad.stderr


def test_entities_add(project, tmp_path: Path) -> None:
    root = project.root
    unit = _run(root, "entities", "add", "Organization", "--prop", "name=Military unit 3656",
                "--format", "json")  # fmt: skip
    unit_id = json.loads(unit)["id"]
    person = _run(root, "entities", "add", "Person", "--prop", "name=Тестов Тест",
                  "--prop", "birthDate=1970-01-02").strip()  # fmt: skip
    post = _run(root, "entities", "add", "Position", "--prop", "name=Commander",
                "--prop", f"organization={unit_id}").strip()  # fmt: skip
    occ = json.loads(
        _run(root, "entities", "add", "Occupancy", "--prop", f"holder={person}", "--prop",
             f"post={post}", "--prop", "startDate=2021-05", "--confidence", "0.7",
             "--format", "json")
    )  # fmt: skip
    assert occ["qantar_confidence"] == 0.7
    who = json.loads(
        _run(root, "accountability", "who", "--unit", "military unit 3656", "--date",
             "2022-01-06", "--format", "json")
    )  # fmt: skip
    assert [r["person_id"] for r in who["responsible"]] == [person]
    bad = run_cli(root, "entities", "add", "Occupancy", "--prop", f"holder={person}")  # fmt: skip
    assert bad.exit_code != 0 and "required property 'post'" in bad.stderr


def test_screen_table_prints_the_caution_for_a_near_miss(scenario, tmp_path: Path) -> None:
    """#15.15: the table carries the caution the JSON carries, below the threshold too."""
    listing = tmp_path / "list.json"
    listing.write_text(
        json.dumps({"id": "afm-1", "schema": "Person", "datasets": ["kz_afmrk_sanctions"],
                    "properties": {"name": ["Arman Serikbayev"], "birthDate": ["1985-07-11"]}})
        + "\n", encoding="utf-8",
    )  # fmt: skip
    args = ("screen", "--against", str(listing))
    rows = json.loads(_run(scenario.project.root, *args, "--format", "json"))
    assert any(r["dataset_flags"] and not r["match"] for r in rows)
    table = " ".join(_run(scenario.project.root, *args).split())
    assert "CAUTION (kz_afmrk_sanctions)" in table
    assert "Kazakhstan's own financial-monitoring list is NOT a confirmation" in table
