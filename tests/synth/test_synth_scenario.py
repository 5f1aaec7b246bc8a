from __future__ import annotations

import csv
import io
import json
import re
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from qantar.synth import (
    DEFAULT_LISTS,
    Corruption,
    Scenario,
    ScenarioConfig,
    generate,
    write_scenario,
)

CONFIG = ScenarioConfig(n=400, detainees=60)
SEED = 11


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return generate(CONFIG, seed=SEED)


@pytest.fixture(scope="module")
def outdir(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scenario")
    write_scenario(scenario, out)
    return out


def read_list(outdir: Path, name: str) -> tuple[list[str], list[list[str]]]:
    """A written list read back as strings, the way its file says it is stored."""
    meta = json.loads((outdir / "scenario.json").read_text(encoding="utf-8"))
    info = meta["lists"][name]
    path = outdir / info["file"]
    if info["format"] == "csv":
        text = path.read_bytes().decode(info["encoding"])
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=info["delimiter"]))
    else:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        rows = [[_cell(v) for v in row] for row in sheet]
    return rows[0], rows[1:]


def _cell(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_files_written(outdir: Path) -> None:
    names = {p.name for p in outdir.iterdir()}
    assert {"truth.csv", "histories.csv", "scenario.json", "population.csv"} <= names
    assert {"official.csv", "ngo.xlsx", "press.csv", "hotline.xlsx", "morgue.csv"} <= names
    meta = json.loads((outdir / "scenario.json").read_text(encoding="utf-8"))
    assert meta["N"] == 400 and meta["detainees"] == 60 and meta["seed"] == SEED
    assert meta["settings"]["heterogeneity"] == CONFIG.heterogeneity


def test_same_seed_same_bytes(scenario: Scenario, outdir: Path, tmp_path: Path) -> None:
    time.sleep(2.1)  # XLSX timestamps have 2-second resolution: make a clock leak visible
    write_scenario(generate(CONFIG, seed=SEED), tmp_path)
    for path in outdir.iterdir():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_other_seed_other_scenario(outdir: Path, tmp_path: Path) -> None:
    write_scenario(generate(CONFIG, seed=SEED + 1), tmp_path)
    assert (tmp_path / "truth.csv").read_bytes() != (outdir / "truth.csv").read_bytes()


def test_every_record_once_in_truth(scenario: Scenario, outdir: Path) -> None:
    truth = read_csv(outdir / "truth.csv")
    keys = Counter((t["source"], t["record_id"]) for t in truth)
    assert max(keys.values()) == 1
    population = {p["person_id"]: p for p in read_csv(outdir / "population.csv")}
    assert all(t["person_id"] in population for t in truth)
    for name in scenario.list_names:
        headers, rows = read_list(outdir, name)
        k = headers.index(scenario.lists[name].spec.id_header)
        file_ids = [row[k] for row in rows]
        truth_ids = [t["record_id"] for t in truth if t["source"] == name]
        assert len(file_ids) == len(set(file_ids))
        assert sorted(file_ids) == sorted(truth_ids), name


def test_histories_add_up(scenario: Scenario, outdir: Path) -> None:
    truth = read_csv(outdir / "truth.csv")
    population = {p["person_id"]: p for p in read_csv(outdir / "population.csv")}
    histories = read_csv(outdir / "histories.csv")
    for event in ("killed", "detained"):
        rows = [h for h in histories if h["event"] == event]
        observed = {t["person_id"] for t in truth if population[t["person_id"]]["event"] == event}
        assert sum(int(h["count"]) for h in rows) == len(observed)
        for name in scenario.list_names:
            on_list = {
                t["person_id"]
                for t in truth
                if t["source"] == name and population[t["person_id"]]["event"] == event
            }
            assert sum(int(h["count"]) for h in rows if h[name] == "1") == len(on_list)
    assert sum(p["event"] == "killed" for p in population.values()) == 400


def test_within_list_duplicates(scenario: Scenario) -> None:
    repeated = {
        name: sum(c > 1 for c in Counter(sl.person_ids).values())
        for name, sl in scenario.lists.items()
    }
    assert repeated["hotline"] > 0 and repeated["ngo"] > 0 and repeated["press"] > 0


def test_list_styles(scenario: Scenario, outdir: Path) -> None:
    meta = json.loads((outdir / "scenario.json").read_text(encoding="utf-8"))
    assert meta["lists"]["official"]["delimiter"] == ";"
    _, official = read_list(outdir, "official")
    # SURNAME Given [Patronymic], Russified letters only.
    assert all(re.match(r"^[А-ЯЁ-]+ [А-ЯЁ]", row[1]) for row in official)
    assert not any(re.search("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]", row[1]) for row in official)
    assert any(re.search(r"(ович|евич|овна|евна)$", row[1]) for row in official)
    dmy = sum(bool(re.match(r"^\d{2}\.\d{2}\.\d{4}$", row[3])) for row in official)
    assert dmy > 0.9 * len(official)
    _, ngo = read_list(outdir, "ngo")
    assert sum(bool(re.search("[ӘәҒғҚқҢңӨөҰұҮүІі]", row[1])) for row in ngo) > len(ngo) / 4
    _, press = read_list(outdir, "press")
    assert all(not re.search("[А-Яа-яЁё]", row[1]) for row in press)
    assert any(re.match(r"^January \d{1,2}, 2022$", row[3]) for row in press)
    _, hotline = read_list(outdir, "hotline")
    assert any(re.search(r"\d+ (лет|год|года)$", row[2]) for row in hotline)
    assert any(row[1] == row[1].lower() for row in hotline)
    assert any(re.search(r"\d+ января 2022", row[5]) for row in hotline)
    _, morgue = read_list(outdir, "morgue")
    assert sum(bool(re.match(r"^[А-ЯЁ][а-яё-]+ [А-ЯЁ]\.([А-ЯЁ]\.)?$", r[1])) for r in morgue) > (
        0.8 * len(morgue)
    )
    assert all(place in {"Almaty", "Alma-Ata", "Almaata", "Almaty city"} or place
               for place in (row[4] for row in press))  # fmt: skip


def test_place_mix_follows_official_figures() -> None:
    sc = generate(ScenarioConfig(n=3000, lists=("official",)), seed=3)
    places = Counter(p.place_id for p in sc.persons)
    assert 0.57 < places["almaty"] / 3000 < 0.70  # 151 of 238
    assert places["kyzylorda"] > places["taraz"] > places["taldykorgan"]
    days = Counter(p.date.day for p in sc.persons if p.date.month == 1)
    assert days[5] + days[6] + days[7] > 0.75 * 3000
    security = sum(p.role != "civilian" for p in sc.persons)
    assert 0.05 < security / 3000 < 0.11  # 19 of 238


def test_clean_settings_give_clean_lists() -> None:
    clean = ScenarioConfig(n=300, corruption=Corruption(scale=0.0), duplicates=0.0)
    sc = generate(clean, seed=5)
    people = {p.person_id: p for p in sc.persons}
    for name, sl in sc.lists.items():
        assert len(sl.person_ids) == len(set(sl.person_ids)), name
    off = sc.lists["official"]
    for row, pid in zip(off.rows, off.person_ids, strict=True):
        assert row[1].split(" ")[:2] == [people[pid].surname_ru.upper(), people[pid].given_ru]


def _odds_ratio(m: np.ndarray, i: int, j: int) -> float:
    a = ((m[:, i] == 1) & (m[:, j] == 1)).sum() + 0.5
    b = ((m[:, i] == 1) & (m[:, j] == 0)).sum() + 0.5
    c = ((m[:, i] == 0) & (m[:, j] == 1)).sum() + 0.5
    d = ((m[:, i] == 0) & (m[:, j] == 0)).sum() + 0.5
    return float(a * d / (b * c))


def test_dependence_and_heterogeneity_can_be_turned() -> None:
    lists = ("official", "ngo", "press", "hotline")
    base = {"n": 4000, "lists": lists, "duplicates": 0.0}
    flat = generate(ScenarioConfig(**base, heterogeneity=0.0, dependence=0.0), seed=9)
    dep = generate(ScenarioConfig(**base, heterogeneity=0.0, dependence=2.0), seed=9)
    het = generate(ScenarioConfig(**base, heterogeneity=2.0, dependence=0.0), seed=9)
    ngo, press, hotline = 1, 2, 3
    assert _odds_ratio(dep.captured, ngo, hotline) > 2 * _odds_ratio(flat.captured, ngo, hotline)
    assert _odds_ratio(het.captured, ngo, press) > 2 * _odds_ratio(flat.captured, ngo, press)


def test_formats(tmp_path: Path) -> None:
    sc = generate(ScenarioConfig(n=60), seed=2)
    write_scenario(sc, tmp_path / "csv", formats=["csv"])
    write_scenario(sc, tmp_path / "xlsx", formats=["xlsx"])
    assert {p.suffix for p in (tmp_path / "csv").iterdir()} == {".csv", ".json"}
    assert {p.name for p in (tmp_path / "xlsx").glob("*.xlsx")} == {
        f"{n}.xlsx" for n in DEFAULT_LISTS
    }
    # Rewriting a folder in another format leaves no stale copy behind.
    write_scenario(sc, tmp_path / "xlsx", formats=["csv"])
    assert not list((tmp_path / "xlsx").glob("*.xlsx"))


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(0, 120),
    detainees=st.integers(0, 30),
    k=st.integers(1, len(DEFAULT_LISTS)),
    seed=st.integers(0, 2**31),
    het=st.floats(0, 3),
    dep=st.floats(-2, 2),
)
def test_truth_consistent_for_any_setting(
    n: int, detainees: int, k: int, seed: int, het: float, dep: float
) -> None:
    config = ScenarioConfig(
        n=n, detainees=detainees, lists=DEFAULT_LISTS[:k], heterogeneity=het, dependence=dep
    )
    sc = generate(config, seed=seed)
    truth = sc.truth()
    assert len(truth) == sum(len(sl.rows) for sl in sc.lists.values())
    assert len({(s, r) for s, r, _ in truth}) == len(truth)
    index = {p.person_id: i for i, p in enumerate(sc.persons)}
    for j, (_, sl) in enumerate(sc.lists.items()):
        on_list = {index[pid] for pid in sl.person_ids}
        assert on_list == set(np.flatnonzero(sc.captured[:, j]).tolist())
    assert sc.histories().observed == len(
        {pid for _, _, pid in truth if sc.persons[index[pid]].event == "killed"}
    )


def test_every_column_is_filled_somewhere(scenario: Scenario) -> None:
    for name, sl in scenario.lists.items():
        for k, header in enumerate(sl.headers):
            filled = sum(bool(row[k]) for row in sl.rows)
            assert filled > 0.1 * len(sl.rows), (name, header, filled)


def test_same_bytes_across_processes(tmp_path: Path) -> None:
    """String hashing differs between processes; the files must not."""
    import hashlib
    import os
    import subprocess
    import sys

    src = Path(__file__).resolve().parents[2] / "src"
    digests = []
    for hash_seed in ("1", "2"):
        out = tmp_path / hash_seed
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(src)}
        subprocess.run(
            [sys.executable, "-m", "qantar", "synth", str(out), "--n", "150", "--seed", "5",
             "--detainees", "20"],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()})
    assert digests[0] == digests[1]


def test_official_names_parse_to_their_parts() -> None:
    """The official list's ``SURNAME Given Patronymic`` is read back by qantar.names."""
    from qantar.names import parse

    sc = generate(ScenarioConfig(n=300, corruption=Corruption(scale=0.0)), seed=2)
    people = {p.person_id: p for p in sc.persons}
    off = sc.lists["official"]
    for row, pid in zip(off.rows, off.person_ids, strict=True):
        parsed = parse(row[1])
        assert parsed.surname is not None
        assert parsed.surname.casefold() == people[pid].surname_ru.casefold()
        assert parsed.given == people[pid].given_ru


def test_stratified_histories(scenario: Scenario) -> None:
    whole = scenario.histories()
    by_area = scenario.histories(by="area")
    assert by_area.strata is not None and set(by_area.strata) <= {"almaty", "other"}
    assert by_area.observed == whole.observed
    # The morgue list only covers the Almaty area.
    morgue = scenario.list_names.index("morgue")
    other = by_area.stratum("other")
    assert other.patterns[:, morgue].sum() == 0
    with pytest.raises(ValueError):
        scenario.histories(by="colour")
