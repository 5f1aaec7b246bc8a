"""A whole scenario: true population, who each list caught, the records they wrote."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from qantar.model import Histories
from qantar.model.dicts import jsonable
from qantar.synth._capture import capture_matrix, logit
from qantar.synth._lists import DEFAULT_LISTS, LIST_SPECS, Corruption, ListSpec, Renderer
from qantar.synth._people import Person, PopulationSettings, make_population

DEFAULT_GROUPS: tuple[tuple[str, ...], ...] = (("ngo", "hotline"), ("official", "morgue"))


@dataclass(frozen=True)
class ScenarioConfig:
    """Everything that shapes a scenario besides the seed; saved in scenario.json.

    - ``n``: persons killed (the number an estimate should find); ``detainees``: persons
      detained, who appear on the NGO, press and hotline lists only.
    - ``heterogeneity`` / ``dependence``: see ``qantar.synth._capture``; ``dependence_groups``
      names the lists that share a latent (families who reach the NGO reach its hotline;
      the official list is compiled from morgue registers).
    - ``capture``: per-list probability for a person of average visibility, overriding the
      defaults of each list.
    - ``duplicates``: scales each list's rate of repeated records of one person.
    - ``official_cp1251``: probability that the official list comes in cp1251.
    """

    n: int = 1000
    lists: tuple[str, ...] = DEFAULT_LISTS
    detainees: int = 0
    heterogeneity: float = 1.0
    dependence: float = 1.0
    dependence_groups: tuple[tuple[str, ...], ...] = DEFAULT_GROUPS
    capture: Mapping[str, float] | None = None
    duplicates: float = 1.0
    official_cp1251: float = 0.5
    corruption: Corruption = field(default_factory=Corruption)
    population: PopulationSettings = field(default_factory=PopulationSettings)

    def __post_init__(self) -> None:
        unknown = [name for name in self.lists if name not in LIST_SPECS]
        if unknown:
            raise ValueError(f"unknown lists {unknown}; choose from {list(LIST_SPECS)}")
        if len(set(self.lists)) != len(self.lists) or not self.lists:
            raise ValueError("lists must be distinct and at least one")
        if self.n < 0 or self.detainees < 0:
            raise ValueError("n and detainees must be >= 0")

    def specs(self) -> list[ListSpec]:
        return [LIST_SPECS[name] for name in self.lists]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["lists"] = list(self.lists)
        data["dependence_groups"] = [list(g) for g in self.dependence_groups]
        data["capture"] = dict(self.capture) if self.capture else None
        data["list_specs"] = {
            s.name: {
                "kind": s.kind,
                "capture_killed": (self.capture or {}).get(s.name, s.capture_killed),
                "capture_detained": s.capture_detained,
                "noise": s.noise,
                "duplicates": s.duplicates * self.duplicates,
                "shifts": dict(s.shifts),
                "places": sorted(s.places) if s.places is not None else None,
            }
            for s in self.specs()
        }
        return jsonable(data)


@dataclass(frozen=True)
class SourceList:
    """One list as its compiler wrote it, and (hidden) whom each row is about."""

    spec: ListSpec
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    person_ids: list[str]
    encoding: str = "utf-8"

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def record_ids(self) -> list[str]:
        k = self.headers.index(self.spec.id_header)
        return [row[k] for row in self.rows]


@dataclass(frozen=True)
class Scenario:
    config: ScenarioConfig
    seed: int
    persons: list[Person]
    lists: dict[str, SourceList]
    captured: npt.NDArray[np.uint8]  # persons x lists, unobserved persons included

    @property
    def list_names(self) -> tuple[str, ...]:
        return tuple(self.lists)

    def truth(self) -> list[tuple[str, str, str]]:
        """(source, record id, person id) for every record of every list."""
        return [
            (name, rid, pid)
            for name, sl in self.lists.items()
            for rid, pid in zip(sl.record_ids, sl.person_ids, strict=True)
        ]

    def histories(self, event: str = "killed", *, by: str | None = None) -> Histories:
        """Capture histories of the true persons of one event (the killed by default).

        ``by`` stratifies them: ``"area"`` (Almaty and its towns / elsewhere), ``"place"``
        (gazetteer id), ``"role"`` (civilian / security), ``"sex"``.
        """
        chosen = [i for i, p in enumerate(self.persons) if p.event == event]
        rows = self.captured[chosen]
        if by is None:
            return Histories.from_rows(self.list_names, rows)
        labels = [_stratum(self.persons[i], by) for i in chosen]
        return Histories.from_rows(self.list_names, rows, labels)

    @property
    def n_killed(self) -> int:
        return sum(p.event == "killed" for p in self.persons)


def _stratum(person: Person, by: str) -> str:
    if by == "area":
        return "almaty" if person.place_id in ("almaty", "talgar", "esik") else "other"
    if by == "place":
        return person.place_id
    if by == "role":
        return "civilian" if person.role == "civilian" else "security"
    if by == "sex":
        return person.sex
    raise ValueError(f"unknown stratification {by!r}; use area, place, role or sex")


def _seed_for(seed: int, *path: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, *path]))


def _py_random(seed: int, *path: int) -> random.Random:
    state = np.random.SeedSequence([seed, *path]).generate_state(2, np.uint64)
    return random.Random(int(state[0]) << 64 | int(state[1]))


def _offsets_and_eligible(
    persons: Sequence[Person], specs: Sequence[ListSpec], base: Sequence[float]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    n, k = len(persons), len(specs)
    offsets = np.zeros((n, k))
    eligible = np.ones((n, k), dtype=bool)
    for j, spec in enumerate(specs):
        det_shift = (
            float(logit(spec.capture_detained) - logit(base[j]))
            if spec.capture_detained > 0
            else 0.0
        )
        for i, p in enumerate(persons):
            features = {
                "security": p.role != "civilian",
                "outside_almaty": p.place_id not in ("almaty", "talgar", "esik"),
                "minor": p.age < 18,
                "female": p.sex == "F",
            }
            shift = sum(v for key, v in spec.shifts.items() if features.get(key))
            if p.event == "detained":
                if spec.capture_detained <= 0:
                    eligible[i, j] = False
                shift += det_shift
            if spec.places is not None and p.place_id not in spec.places:
                eligible[i, j] = False
            offsets[i, j] = shift
    return offsets, eligible


def generate(
    config: ScenarioConfig | None = None,
    seed: int = 7,
    *,
    on_step: Callable[[str], None] | None = None,
) -> Scenario:
    """A scenario drawn from ``config`` with ``seed``: same seed, same scenario.

    ``on_step`` is called after each stage (population, capture, each list) with its name,
    for progress bars; see :func:`steps` for how many there are.
    """
    config = config or ScenarioConfig()
    step = on_step or (lambda _: None)
    specs = config.specs()
    persons = make_population(_seed_for(seed, 1), config.n, config.detainees, config.population)
    base = [(config.capture or {}).get(s.name, s.capture_killed) for s in specs]
    step("population")
    offsets, eligible = _offsets_and_eligible(persons, specs, base)
    index = {s.name: j for j, s in enumerate(specs)}
    groups = [
        tuple(index[name] for name in group if name in index) for group in config.dependence_groups
    ]
    captured = capture_matrix(
        _seed_for(seed, 2),
        len(persons),
        base,
        heterogeneity=config.heterogeneity,
        dependence=config.dependence,
        groups=[g for g in groups if len(g) >= 2],
        offsets=offsets,
    )
    captured &= eligible.astype(np.uint8)
    step("capture")
    encoding_draw = _seed_for(seed, 3).random()
    lists: dict[str, SourceList] = {}
    for j, spec in enumerate(specs):
        rnd = _py_random(seed, 4, j)
        encoding = (
            "cp1251" if spec.name == "official" and encoding_draw < config.official_cp1251
            else "utf-8"
        )  # fmt: skip
        lists[spec.name] = _render_list(
            spec, [p for i, p in enumerate(persons) if captured[i, j]], config, rnd, encoding
        )
        step(spec.name)
    return Scenario(config=config, seed=seed, persons=persons, lists=lists, captured=captured)


def steps(config: ScenarioConfig) -> int:
    """How many times :func:`generate` calls ``on_step``."""
    return 2 + len(config.lists)


def _render_list(
    spec: ListSpec,
    persons: Sequence[Person],
    config: ScenarioConfig,
    rnd: random.Random,
    encoding: str,
) -> SourceList:
    render = Renderer(spec, config.corruption, rnd)
    dup_rate = min(0.9, spec.duplicates * config.duplicates)
    drafts: list[tuple[Person, dict[str, str]]] = []
    for person in persons:
        drafts.append((person, render(person)))
        extra = 0
        while extra < 3 and rnd.random() < dup_rate:
            drafts.append((person, render(person)))
            extra += 1
    if spec.name == "official":
        # Official lists come sorted by surname.
        drafts.sort(key=lambda d: (d[1]["ФИО"].casefold(), d[0].person_id))
    elif spec.name == "morgue":
        drafts.sort(key=lambda d: (d[0].date, rnd.random()))
    else:
        rnd.shuffle(drafts)
    headers = spec.headers
    known = set(headers)
    rows: list[tuple[str, ...]] = []
    for k, (_, values) in enumerate(drafts, start=1):
        if not known.issuperset(values):
            stray = (
                set(values) - known
            )  # a renderer writing a column its list does not have: a bug, not data
            raise RuntimeError(f"{spec.name} renderer wrote unknown columns {sorted(stray)}")
        values = {**values, spec.id_header: _record_id(spec.name, k)}
        rows.append(tuple(values.get(h, "") for h in headers))
    return SourceList(
        spec=spec,
        headers=headers,
        rows=rows,
        person_ids=[p.person_id for p, _ in drafts],
        encoding=encoding,
    )


def _record_id(list_name: str, k: int) -> str:
    if list_name == "press":
        return f"rec-{k:05d}"
    if list_name == "hotline":
        return f"HL-{k:05d}"
    if list_name == "morgue":
        return f"{k:04d}/22"
    return str(k)
