from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qantar.errors import InputError
from qantar.estimate import drop_lists, merge_lists, read_histories_csv
from qantar.model.histories import Histories

KOSOVO = Path(__file__).parents[2] / "src/qantar/data/mse/kosovo.csv"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "h.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_kosovo() -> None:
    h = read_histories_csv(KOSOVO)
    assert h.lists == ("EXH", "ABA", "OSCE", "HRW")
    assert h.observed == 4400
    assert len(h.counts) == 15


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "empty"),
        ("A,B,C,count\n", "no rows"),
        ("A,B,C,count\n1,2,0,5\n", "0 or 1"),
        ("A,B,C,count\n1,yes,0,5\n", "0 or 1"),
        ("A,B,C,count\n1,0,0,5\n1,0,0,2\n", "all persons are in one list (A)"),
        ("A,B,count\n1,0,5\n0,1,7\n", "share nobody"),
        # Found by hypothesis: a third, empty list used to let the log-linear fit run off
        # to 1e14 with an upper bound below its estimate.
        ("A,B,C,count\n0,1,0,26\n0,0,1,42\n", "share nobody"),
        ("A,B,C,count\n1,0,0,3\n0,1,0,26\n0,0,1,42\n", "no two lists share anybody"),
        ("A,B,C,count\n0,0,0,5\n1,1,0,2\n", "lists nobody"),
        ("A,B,C,count\n1,0,0,x\n", "whole number"),
        ("A,B,C,count\n1,0,0\n", "3 values"),
        ("A,count\n1,5\n", "at least two lists"),
    ],
)
def test_bad_input_is_refused_with_a_reason(tmp_path: Path, text: str, needle: str) -> None:
    with pytest.raises(InputError) as info:
        read_histories_csv(write(tmp_path, text))
    assert needle in str(info.value)
    assert "h.csv" in str(info.value)


def test_row_and_field_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_histories_csv(write(tmp_path, "A,B,C,count\n1,0,0,3\n1,0,2,4\n"))
    assert info.value.row == 3
    assert info.value.field == "C"


def test_strata_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "A,B,C,region,count\n1,0,0,north,3\n1,1,0,north,2\n0,1,1,south,4\n1,0,0,south,1\n",
    )
    h = read_histories_csv(path, stratum="region")
    assert h.strata is not None
    assert set(h.strata) == {"north", "south"}
    assert h.stratum("north").observed == 5
    assert h.stratum("south").observed == 5


def test_merge_and_drop_by_name() -> None:
    h = read_histories_csv(KOSOVO)
    merged = merge_lists(h, ["ABA", "HRW"])
    assert merged.lists == ("EXH", "ABA+HRW", "OSCE")
    assert merged.observed == h.observed
    dropped = drop_lists(h, ["HRW"])
    assert dropped.lists == ("EXH", "ABA", "OSCE")
    only_hrw = int(h.counts[(h.patterns == [0, 0, 0, 1]).all(axis=1)].sum())
    assert dropped.observed == h.observed - only_hrw
    with pytest.raises(InputError, match="no list named"):
        drop_lists(h, ["XYZ"])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 1), min_size=4, max_size=4), min_size=1, max_size=60),
    st.lists(st.sampled_from(["A", "B", "C", "D"]), min_size=2, max_size=3, unique=True),
)
def test_merging_never_loses_a_person(rows: list[list[int]], names: list[str]) -> None:
    h = Histories.from_rows(["A", "B", "C", "D"], np.asarray(rows))
    if h.observed == 0:
        return
    merged = merge_lists(h, names)
    assert merged.observed == h.observed
    assert len(merged.lists) == 4 - len(names) + 1
    # A person is on the merged list exactly when on any of its parts.
    idx = [h.lists.index(n) for n in names]
    on_any = int(h.counts[h.patterns[:, idx].max(axis=1) == 1].sum())
    col = merged.lists.index("+".join(names))
    assert int(merged.counts[merged.patterns[:, col] == 1].sum()) == on_any
