from __future__ import annotations

import pytest

from qantar.accountability import who_was_responsible
from qantar.errors import QantarError


def test_who_commanded_unit_in_place_on_date(scenario) -> None:
    OFFICIAL, HEAD, FORMER_HEAD = (scenario.names[k] for k in ("official", "head", "former"))
    answer = who_was_responsible(
        scenario.project, "Rapid Response Unit 7", "2022-01-06", place="Almaty"
    )
    people = {(r.person, r.level) for r in answer.responsible}
    assert (OFFICIAL, 0) in people
    assert (HEAD, 1) in people  # the police department the unit was put under that week
    assert all(r.person != FORMER_HEAD for r in answer.responsible)
    commander = next(r for r in answer.responsible if r.person == OFFICIAL)
    assert commander.command
    assert "https://example.org/appointment-order" in commander.sources[0].url
    assert commander.sources[0].confidence == 0.9
    assert commander.confidence == 0.9  # the post itself carries no recorded confidence
    assert [c.parent for c in answer.chain] == [
        "Almaty Police Department",
        "Ministry of Internal Affairs",
    ]
    assert answer.chain[0].kind == "membership"
    assert answer.deployments and not answer.caveats


def test_cross_script_unit_name_and_place(scenario) -> None:
    answer = who_was_responsible(scenario.project, "собр-7", "2022-01-06", place="Алматы")
    assert answer.unit_id == scenario.ids["unit"]
    assert not answer.caveats


def test_outside_the_subordination_the_chain_is_short(scenario) -> None:
    OFFICIAL = scenario.names["official"]
    answer = who_was_responsible(scenario.project, scenario.ids["unit"], "2022-02-15")
    assert answer.chain == []
    assert [r.person for r in answer.responsible] == [OFFICIAL]
    later = who_was_responsible(scenario.project, scenario.ids["unit"], "2022-06-01")
    assert later.responsible == []


def test_place_without_record_is_said(scenario) -> None:
    HEAD = scenario.names["head"]
    answer = who_was_responsible(
        scenario.project, scenario.ids["unit"], "2022-01-06", place="Taraz"
    )
    assert any("no record" in c and "Taraz" in c for c in answer.caveats)
    # The Almaty police chief's post is limited to Almaty: not responsible in Taraz.
    assert all(r.person != HEAD for r in answer.responsible)


def test_unknown_unit(scenario) -> None:
    with pytest.raises(QantarError, match="no unit"):
        who_was_responsible(scenario.project, "Nonexistent brigade", "2022-01-06")
