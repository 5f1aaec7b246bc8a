from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qantar import Project
from qantar.accountability import mark_victim_publishable, victim_display


def _record(project: Project, name: str) -> int:
    import datetime as dt

    from sqlalchemy import insert

    from qantar.store.schema import import_batches, raw_rows, records, sources

    now = dt.datetime.now(dt.UTC)
    with project.engine.begin() as conn:
        src = conn.execute(
            insert(sources).values(name=f"s{now.timestamp()}", kind="ngo", created_at=now)
        ).inserted_primary_key[0]  # type: ignore[index]
        batch = conn.execute(
            insert(import_batches).values(
                source_id=src,
                file_name="f",
                sha256="0" * 64,
                size=1,
                file_format="csv",
                headers=[],
                mapping={},
                rows_read=1,
                rows_stored=1,
                rows_quarantined=0,
                forced=False,
                imported_at=now,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        raw = conn.execute(
            insert(raw_rows).values(batch_id=batch, row_number=1, cells=[name])
        ).inserted_primary_key[0]  # type: ignore[index]
        rec = conn.execute(
            insert(records).values(
                raw_row_id=raw, batch_id=batch, source_id=src, row_number=1, name_raw=name, sex="U"
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    return int(rec)


names = st.text(
    alphabet=st.sampled_from("АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШӘҒҚҢӨҰҮҺІабвгдежзиклмнопрстуәғқңөұүһі"),
    min_size=3, max_size=12,
).map(lambda s: f"Тест{s}")  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=names, decisions=st.lists(st.booleans(), max_size=4))
def test_a_name_shows_only_after_a_recorded_publishable_decision(
    project: Project, name: str, decisions: list[bool]
) -> None:
    record_id = _record(project, name)
    for publishable in decisions:
        mark_victim_publishable(project, record_id=record_id, publishable=publishable,
                                basis="test decision")  # fmt: skip
    with project.engine.connect() as conn:
        shown = victim_display(conn, record_id=record_id, person_id=None, ordinal=1)
    last_says_publish = bool(decisions) and decisions[-1]
    assert (name in shown.label) == last_says_publish
    assert shown.withheld == (not last_says_publish)
