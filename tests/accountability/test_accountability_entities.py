from __future__ import annotations

import json
from pathlib import Path

import pytest
from followthemoney import model

from qantar import Project
from qantar.accountability import (
    export_entities,
    import_entities,
    load_entities,
    make,
    save_entities,
    validate_entity,
)
from qantar.errors import InputError, QantarError


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_round_trip_gives_identical_entities(scenario, tmp_path: Path) -> None:
    out1 = tmp_path / "one.jsonl"
    result = export_entities(scenario.project, out1)
    assert result.written == 20 and not result.problems
    other = Project.init(tmp_path / "other")
    try:
        imported = import_entities(other, out1)
        assert imported.read == imported.stored == 20 and not imported.cleaned
        out2 = tmp_path / "two.jsonl"
        export_entities(other, out2)
        assert out1.read_bytes() == out2.read_bytes()
        before = {e["id"]: e for e in _lines(out1)}
        after = {e.id: e.to_dict() for e in load_entities(other)}
        for key, data in before.items():
            assert after[key]["properties"] == data["properties"]
            assert after[key]["schema"] == data["schema"]
    finally:
        other.close()


def test_export_validates_with_followthemoney_model(scenario, tmp_path: Path) -> None:
    out = tmp_path / "reg.jsonl"
    export_entities(scenario.project, out)
    for data in _lines(out):
        schema = model.get(data["schema"])
        assert schema is not None
        schema.validate(data)  # raises InvalidData when invalid
        for name in schema.required:
            assert data["properties"].get(name), (data["id"], name)
        proxy = model.get_proxy(data, cleaned=False)
        assert proxy.to_dict()["properties"] == data["properties"]


def test_opensanctions_fields_survive(project: Project, tmp_path: Path) -> None:
    line = {
        "id": "NK-abc",
        "schema": "Person",
        "caption": "Kassym-Jomart Tokayev",
        "properties": {"name": ["Kassym-Jomart Tokayev"], "birthDate": ["1953-05-17"]},
        "datasets": ["us_ofac_sdn", "eu_fsf"],
        "referents": ["ofac-1"],
        "first_seen": "2022-01-10T00:00:00",
        "last_seen": "2026-01-01T00:00:00",
        "last_change": "2023-01-01T00:00:00",
        "target": True,
    }
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(line) + "\n", encoding="utf-8")
    import_entities(project, src)
    out = tmp_path / "out.jsonl"
    export_entities(project, out)
    (back,) = _lines(out)
    # datasets and referents are sets in FtM: they come back sorted, otherwise unchanged.
    assert back == {**line, "datasets": sorted(line["datasets"])}


def test_import_reports_values_ftm_cleaned(project: Project, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps(
            {
                "id": "p1",
                "schema": "Person",
                "properties": {"name": ["A B"], "birthDate": ["not a date"]},
            }
        )
        + "\n",
        encoding="utf-8",
    )
    result = import_entities(project, src)
    assert result.cleaned == ["line 1: birthDate"]


def test_bad_input_is_located(project: Project, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "x", "schema": "Person", "properties": {}}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match="row 2"):
        import_entities(project, src)
    src.write_text('{"id": "x", "schema": "Unicorn"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="row 1"):
        import_entities(project, src)


def test_export_refuses_dangling_references(project: Project, tmp_path: Path) -> None:
    occ = make("Occupancy", holder="missing-person", post="missing-post")
    save_entities(project, [occ])
    with pytest.raises(QantarError, match="do not validate"):
        export_entities(project, tmp_path / "x.jsonl")
    assert not (tmp_path / "x.jsonl").exists()
    result = export_entities(project, tmp_path / "x.jsonl", strict=False)
    assert occ.id in result.problems


def test_validate_entity_names_problems() -> None:
    assert validate_entity({"id": "a", "schema": "Occupancy", "properties": {}}) == [
        "required property 'holder' missing",
        "required property 'post' missing",
    ]
    assert validate_entity({"id": "a", "schema": "Nope"})[0].startswith("unknown schema")


def test_add_entity_checks_schema_properties_and_confidence_before_storing(
    project: Project,
) -> None:
    from qantar.accountability import add_entity, load_entities
    from qantar.errors import InputError

    for schema, props, confidence, says in (
        ("Persn", {"name": ["Тестов Тест"]}, None, "not an FtM schema"),
        ("Person", {"nmae": ["Тестов Тест"]}, None, "has no property 'nmae'"),
        ("Person", {"name": ["Тестов Тест"]}, 1.5, "between 0 and 1"),
        ("Occupancy", {"holder": ["someone"]}, None, "post"),
    ):
        with pytest.raises(InputError, match=says) as refused:
            add_entity(project, schema, props, confidence=confidence)
        assert "Тестов" not in str(refused.value)
    assert load_entities(project) == []
    person = add_entity(project, "Person", {"name": ["Тестов Тест"]}, confidence=0.7)
    [stored] = load_entities(project)
    assert stored.id == person.id and stored.get("name") == ["Тестов Тест"]
    assert stored.context.get("qantar_confidence") == 0.7
