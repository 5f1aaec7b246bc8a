from __future__ import annotations

from qantar.accountability import CommandGraph, make


def test_dated_link_to_foreign_contingent_and_cycles_are_cut() -> None:
    unit = make("Organization", name="Guard company 12")
    csto = make("Organization", name="CSTO contingent HQ")
    ministry = make("PublicBody", name="Ministry of Defence")
    unit.add("parent", ministry.id)
    link = make("UnknownLink", subject=unit, object=csto, role="subordinate to",
                startDate="2022-01-06", endDate="2022-01-13")  # fmt: skip
    loop = make("UnknownLink", subject=csto, object=unit, role="subordinate to",
                startDate="2022-01")  # fmt: skip
    post = make("Position", name="Commander of the contingent", organization=csto)
    general = make("Person", name="Генерал Тестов")
    occ = make("Occupancy", holder=general, post=post, startDate="2022-01-06")
    graph = CommandGraph([unit, csto, ministry, link, loop, post, general, occ])
    during = graph.chain(str(unit.id), "2022-01-08")
    assert [c.parent for c in during][:1] == ["CSTO contingent HQ"]
    assert len(during) == 2  # csto → unit back-link recorded once, then the walk stops
    before = graph.chain(str(unit.id), "2021-12-30")
    assert [c.parent for c in before] == ["Ministry of Defence"]
    holders = graph.holders(str(csto.id), "2022-01-08", None, 1)
    assert [h.person for h in holders] == ["Генерал Тестов"]
    assert "end of the occupancy not recorded" in holders[0].caveats
