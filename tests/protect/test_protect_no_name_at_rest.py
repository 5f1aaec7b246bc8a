"""The issue's check: an encrypted project after import, link, evidence, estimate and a
report holds no surname of its scenario in any byte under its folder, in any encoding."""

from __future__ import annotations

from pathlib import Path

from qantar import Project, estimate, evidence, link, publish
from qantar.ingest import import_file
from qantar.names._translit import SCHEMES, transliterate
from qantar.protect import encrypt_project
from qantar.synth import ScenarioConfig, generate, write_scenario

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "cp1251")


def _forms(scenario_persons: list) -> set[str]:
    forms: set[str] = set()
    for person in scenario_persons:
        for surname in (person.surname_ru, person.surname_kk):
            if surname and len(surname) >= 6:
                forms.add(surname)
                forms.update(transliterate(surname, scheme) for scheme in SCHEMES)
    return {f for f in forms if len(f) >= 6}


def _every_byte(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file())


def _found(blob: bytes, forms: set[str]) -> list[str]:
    hits = []
    for form in forms:
        for encoding in ENCODINGS:
            try:
                needle = form.encode(encoding)
            except UnicodeEncodeError:
                continue
            if needle in blob:
                hits.append(f"{encoding}")
    return hits


def _work(project: Project, tmp_path: Path) -> set[str]:
    scenario = generate(ScenarioConfig(n=120, detainees=20), seed=11)
    lists = tmp_path / "lists"
    paths = write_scenario(scenario, lists, formats=("csv",))
    for name, source_list in scenario.lists.items():
        import_file(project, paths[name], source=name, kind=source_list.spec.kind)
    link.run(project, seed=1, progress=lambda _m: None)
    statement = tmp_path / "statement.txt"
    first = scenario.persons[0]
    statement.write_text(f"{first.surname_ru} {first.given_ru} was shot.", encoding="utf-8")
    evidence.add(project, [statement], collected_by="documenter")
    evidence.verify(project)
    estimate.estimate_project(
        project, method="lcmcr", seed=1, iterations=2_000, burnin=500, samples=200
    )
    publish.render_report(
        publish.collect_report_data(project), project.runs_dir / "report" / "report.html"
    )
    return _forms(scenario.persons)


def test_encrypted_project_holds_no_name_at_rest(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "case", encrypted=True)
    forms = _work(project, tmp_path)
    assert forms
    assert _found(_every_byte(project.root), forms) == []


def test_the_scan_finds_names_in_a_plaintext_project_then_none_after_encrypt(
    tmp_path: Path,
) -> None:
    project = Project.init(tmp_path / "case")
    forms = _work(project, tmp_path)
    assert _found(_every_byte(project.root), forms), "the scan must be able to fail"
    result = encrypt_project(project)
    assert result.objects == 1
    reopened = Project.open(project.root)
    assert evidence.verify(reopened).ok
    assert _found(_every_byte(project.root), forms) == []
