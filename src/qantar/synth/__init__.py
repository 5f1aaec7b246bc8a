"""Synthetic scenarios with ground truth, shaped like January 2022 in Kazakhstan.

Two entry points share one capture model (``_capture.py``):

- :func:`simulate_histories` — capture histories alone, for estimator studies;
- :func:`generate` / :func:`write_scenario` — a hidden population with names, dates and
  places (``_people.py``), source lists in the styles of real ones (``_lists.py``), and the
  truth that links them.

Reference data (``qantar.data``, see ``kz/README.md``): ``kz/given_names.csv``,
``kz/surnames.csv``, ``kz/places.csv`` and ``kz/official_figures.csv`` (deaths by city per
the Prosecutor General, 5 January 2023; security-force deaths).

    >>> from qantar.synth import ScenarioConfig, generate, write_scenario
    >>> scenario = generate(ScenarioConfig(n=300), seed=7)
    >>> paths = write_scenario(scenario, "out", formats=("csv", "xlsx"))  # doctest: +SKIP
"""

from qantar.synth._histories import SimulatedHistories, simulate_histories
from qantar.synth._lists import DEFAULT_LISTS, LIST_SPECS, Corruption, ListSpec
from qantar.synth._people import Person, PopulationSettings
from qantar.synth._scenario import Scenario, ScenarioConfig, SourceList, generate, steps
from qantar.synth._write import FORMATS, write_scenario

__all__ = [
    "DEFAULT_LISTS",
    "FORMATS",
    "LIST_SPECS",
    "Corruption",
    "ListSpec",
    "Person",
    "PopulationSettings",
    "Scenario",
    "ScenarioConfig",
    "SimulatedHistories",
    "SourceList",
    "generate",
    "simulate_histories",
    "steps",
    "write_scenario",
]
