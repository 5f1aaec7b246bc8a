from __future__ import annotations

import json
from pathlib import Path

import pytest

from qantar import Project
from qantar.accountability import make, save_entities, screen


def _write(path: Path, entities: list[dict]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities), "utf-8")
    return path


@pytest.fixture
def register(project: Project) -> dict[str, str]:
    tokayev = make("Person", name="Токаев Касым-Жомарт", birthDate="1953-05-17", nationality="kz")
    official = make("Person", name="Серикбаев Арман Нурланович", birthDate="1970-03-02")
    save_entities(project, [tokayev, official])
    assert tokayev.id and official.id
    return {"tokayev": tokayev.id, "official": official.id}


@pytest.fixture
def sanctions_file(tmp_path: Path) -> Path:
    return _write(
        tmp_path / "sanctions.ftm.json",
        [
            {
                "id": "os-1",
                "schema": "Person",
                "datasets": ["test_gb_sanctions"],
                "properties": {
                    "name": ["Kassym-Jomart Tokayev"],
                    "birthDate": ["1953-05-17"],
                    "nationality": ["kz"],
                },
            },
            {
                "id": "os-2",
                "schema": "Person",
                "datasets": ["test_gb_sanctions"],
                "properties": {
                    "name": ["Kassym-Jomart Tokayev"],
                    "birthDate": ["1990-02-03"],
                    "nationality": ["kz"],
                },
            },
            {
                "id": "os-3",
                "schema": "Person",
                "datasets": ["test_gb_sanctions"],
                "properties": {"name": ["Nurlan Abenov"], "birthDate": ["1953-05-17"]},
            },
            {
                "id": "afm-9",
                "schema": "Person",
                "datasets": ["kz_afmrk_sanctions"],
                "properties": {
                    "firstName": ["Arman"],
                    "lastName": ["Serikbayev"],
                    "fatherName": ["Nurlanovich"],
                    "birthDate": ["1970-03-02"],
                },
            },
            {
                "id": "org-1",
                "schema": "Company",
                "datasets": ["test_gb_sanctions"],
                "properties": {"name": ["Tokayev Trading"]},
            },
        ],
    )


def test_cross_script_match_and_namesake_below_threshold(
    project: Project, register: dict[str, str], sanctions_file: Path
) -> None:
    results = {(m.query_id, m.match_id): m for m in screen(project, sanctions_file)}
    hit = results[(register["tokayev"], "os-1")]
    assert hit.match and hit.score >= 0.8
    assert hit.datasets == ["test_gb_sanctions"] and hit.confirms_listing
    assert any("same birth date" in r for r in hit.reasons)
    assert any("across scripts" in r for r in hit.reasons)
    namesake = results.get((register["tokayev"], "os-2"))
    assert namesake is not None and not namesake.match and namesake.score < 0.8
    assert any("different birth date" in r for r in namesake.reasons)
    assert (register["tokayev"], "os-3") not in results  # other name: not even reported
    assert all(m.match_id != "org-1" for m in results.values())  # a company is not a person


def test_flagged_list_never_reads_as_confirmation(
    project: Project, register: dict[str, str], sanctions_file: Path
) -> None:
    (m,) = [x for x in screen(project, sanctions_file) if x.match_id == "afm-9"]
    assert m.query_id == register["official"] and m.match
    assert not m.confirms_listing
    data = m.to_dict()
    assert data["dataset"] == "kz_afmrk_sanctions"
    assert data["dataset_flags"][0]["flag"] == "state_list_targets_dissent"
    assert "NOT a confirmation" in data["dataset_flags"][0]["caution"]
    assert "NOT a confirmation" in data["interpretation"]


def test_output_fields_and_threshold(
    project: Project, register: dict[str, str], sanctions_file: Path
) -> None:
    strict = screen(project, sanctions_file, threshold=0.99)
    for m in strict:
        d = m.to_dict()
        assert {"query_id", "match_id", "score", "match", "reasons", "dataset"} <= set(d)
        assert d["match"] == (d["score"] >= 0.99)


def test_list_without_datasets_is_named_after_the_file(
    project: Project, register: dict[str, str], tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "pep-list.jsonl",
        [{"id": "x", "schema": "Person", "properties": {"name": ["Tokayev Kassym-Jomart"]}}],
    )
    (m,) = screen(project, path)
    assert m.datasets == ["pep-list"] and m.match


def test_name_comparison_is_replaceable(
    project: Project, register: dict[str, str], sanctions_file: Path
) -> None:
    def never(a: str, b: str) -> tuple[float, list[str]]:
        return 0.0, ["never"]

    assert screen(project, sanctions_file, compare_names=never) == []
