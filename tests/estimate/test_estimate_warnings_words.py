"""An estimate's warnings and errors in the reader's language: each warning is a Note whose
English text is what it always was, saved with its words beside it (``warnings_words``) so
that a saved run is worded in Kazakh or Russian later; a run saved before words were saved
still shows; an error's line is English to ``str`` and Kazakh or Russian through the CLI."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest
from _cli import run_cli_process

from qantar.errors import InputError
from qantar.estimate import (
    chapman,
    estimate,
    read_histories_csv,
    with_notes,
    write_run,
)
from qantar.estimate._diagnostics import FEWER_THAN_THREE_LISTS, data_warnings
from qantar.i18n import speaker
from qantar.model.histories import Histories
from qantar.notes import Note, say

# Kept on purpose in every language: list and stratum names of these tests, method and
# statistic names (docs/glossary.md), option names and setting keys.
KEPT = {
    "Official", "Press", "Volunteers", "north", "south", "east", "LCMCR", "AIC", "BIC",
    "Mt", "Mh", "Mth", "Chao", "Darroch", "Poisson", "Chapman", "dga", "chapman", "loglinear",
    "lcmcr",
    "ESS", "bulk", "tail", "hat", "max", "samples", "draws", "method", "pool", "smallest",
    "merge", "strata", "count", "csv", "qantar", "estimate", "CSV",
}  # fmt: skip


def _english_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text)) - KEPT


def _three_lists_by_region(seed: int = 3) -> Histories:
    """Three lists over three regions, one region too small to estimate alone (pooled)."""
    rng = np.random.default_rng(seed)
    rows, strata = [], []
    for region, persons in (("north", 400), ("south", 300), ("east", 12)):
        caught = rng.random((persons, 3)) < [0.5, 0.4, 0.3]
        keep = caught.any(axis=1)
        rows.append(caught[keep].astype(np.uint8))
        strata += [region] * int(keep.sum())
    return Histories.from_rows(("Official", "Press", "Volunteers"), np.vstack(rows), strata)


def _saved(tmp_path: Path, result_dict: dict[str, object]) -> dict[str, object]:
    return with_notes(json.loads(json.dumps(result_dict, ensure_ascii=False)))


def test_a_saved_runs_warnings_come_back_as_notes_and_are_worded_in_kk_and_ru(
    tmp_path: Path,
) -> None:
    result = estimate(_three_lists_by_region(), method="loglinear", seed=1)
    assert result.warnings and all(isinstance(w, Note) for w in result.warnings)
    write_run(result, tmp_path / "run")
    saved = json.loads((tmp_path / "run" / "result.json").read_text(encoding="utf-8"))
    # The English texts are the JSON contract, as before; the words sit beside them.
    assert saved["warnings"] == [str(w) for w in result.warnings]
    assert len(saved["warnings_words"]) == len(saved["warnings"])
    back = with_notes(saved)
    assert back["warnings"] == saved["warnings"]
    assert all(isinstance(w, Note) for w in back["warnings"])
    english = [say(w, speaker("en").gettext) for w in back["warnings"]]
    assert english == saved["warnings"]
    for lang in ("kk", "ru"):
        worded = [say(w, speaker(lang).gettext) for w in back["warnings"]]
        for text in worded:
            assert not _english_words(text), (lang, text)
            assert re.search("[а-яәіңғүұқөһ]", text), (lang, text)
    # The pooled stratum is named in the reader's words inside the sentence.
    pooled = [w for w in back["warnings"] if "pooled" in w]
    assert pooled and "басқалары (біріктірілген)" in say(pooled[0], speaker("kk").gettext)


def test_a_run_saved_before_words_were_saved_still_shows(tmp_path: Path) -> None:
    result = estimate(_three_lists_by_region(), method="loglinear", seed=1)
    old = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    old.pop("warnings_words")
    for part in old["strata"].values():
        part.pop("warnings_words")
    back = _saved(tmp_path, old)
    assert back["warnings"] == result.to_dict()["warnings"]
    ru = [say(w, speaker("ru").gettext) for w in back["warnings"]]
    # A sentence without parameters is still found in the catalog; one with parameters
    # comes back in English, as it was written.
    fixed = str(result.warnings[-1])
    assert "(half-widths added in quadrature)" in fixed
    assert ru[-1] != fixed and "полуширины" in ru[-1]
    with_params = [i for i, w in enumerate(result.warnings) if w.params]
    assert with_params and all(ru[i] == str(result.warnings[i]) for i in with_params)


def test_strata_methods_and_sensitivity_keep_their_words(tmp_path: Path) -> None:
    result = estimate(_three_lists_by_region(), method="loglinear", seed=1)
    result.others = [chapman(_three_lists_by_region().collapsed(), pair=("Official", "Press"))]
    result.sensitivity = {
        "rows": [{"analysis": "leave one list out", "label": "without Press",
                  "error": Note("count cannot be negative")}],
        "warnings": [Note("only %(n)s persons are on both lists: the estimate is very "
                          "unstable", n=3)],
        "method_warnings": [],
    }  # fmt: skip
    back = _saved(tmp_path, result.to_dict())
    part = next(iter(back["strata"].values()))
    assert all(isinstance(w, Note) for w in part["warnings"])
    assert all(isinstance(w, Note) for w in back["methods"][0]["warnings"])
    (warning,) = back["sensitivity"]["warnings"]
    assert say(warning, speaker("ru").gettext).startswith("людей, которые есть в обоих")
    error = back["sensitivity"]["rows"][0]["error"]
    assert say(error, speaker("kk").gettext) == "саны теріс бола алмайды"


def test_chapman_leaves_out_the_two_list_warning_by_its_message() -> None:
    rng = np.random.default_rng(5)
    caught = rng.random((500, 2)) < [0.5, 0.4]
    histories = Histories.from_rows(("Official", "Press"), caught[caught.any(axis=1)], None)
    assert FEWER_THAN_THREE_LISTS in [w.message for w in data_warnings(histories)]
    result = chapman(histories)
    assert not any(getattr(w, "message", "") == FEWER_THAN_THREE_LISTS for w in result.warnings)
    assert not any("fewer than three lists" in w for w in result.warnings)


def _bad_histories(tmp_path: Path) -> Path:
    path = tmp_path / "histories.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Official", "Press", "count"])
        writer.writerow(["1", "1", "4"])
        writer.writerow(["1", "0", "-2"])
    return path


def test_an_estimate_error_is_english_to_str_and_the_readers_language_in_words(
    tmp_path: Path,
) -> None:
    path = _bad_histories(tmp_path)
    with pytest.raises(InputError) as caught:
        read_histories_csv(path)
    assert str(caught.value) == f"{path}, row 3, field 'count': count cannot be negative"
    assert caught.value.in_words(speaker("ru").gettext).endswith(
        "количество не может быть отрицательным"
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("kk", "саны теріс бола алмайды"), ("ru", "количество не может быть отрицательным")],
)
def test_the_clis_error_line_is_in_the_readers_language(
    tmp_path: Path, lang: str, expected: str
) -> None:
    path = _bad_histories(tmp_path)
    done = run_cli_process(
        None, "estimate", "--histories", str(path), "--method", "loglinear",
        env={"QANTAR_LANG": lang}, cwd=tmp_path,
    )  # fmt: skip
    assert done.exit_code == 2
    (line,) = [x for x in done.stderr.splitlines() if x.strip()]
    assert line.rstrip().endswith(expected), line
    assert not _english_words(line.replace(str(path), "")), line


def test_the_estimated_total_plot_has_no_density_axis_without_draws() -> None:
    import matplotlib.pyplot as plt

    from qantar.estimate._plots import posterior_figure

    result = estimate(_three_lists_by_region().collapsed(), method="loglinear", seed=1)
    assert result.draws is None
    fig = posterior_figure(result)
    (ax,) = fig.axes
    # One row per method, its point and 95% interval; no "posterior density" scale.
    assert ax.get_ylabel() == ""
    assert [t.get_text() for t in ax.get_yticklabels()] == ["loglinear"]
    assert "interval" in ax.get_title()
    plt.close(fig)
    with_draws = estimate(_three_lists_by_region().collapsed(), method="dga", seed=1)
    assert with_draws.draws is not None
    fig = posterior_figure(with_draws)
    assert fig.axes[0].get_ylabel() == "posterior density"
    plt.close(fig)


@pytest.mark.parametrize(("lang", "prefix"), [("kk", "ескерту: "), ("ru", "предупреждение: ")])
def test_the_cli_prints_the_warnings_in_its_language(
    tmp_path: Path, lang: str, prefix: str
) -> None:
    path = tmp_path / "two.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Official", "Press", "count"])
        writer.writerows([["1", "1", "12"], ["1", "0", "40"], ["0", "1", "30"]])
    done = run_cli_process(
        None, "estimate", "--histories", str(path), "--method", "loglinear",
        env={"QANTAR_LANG": lang}, cwd=tmp_path,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    warnings = [line for line in done.stdout.splitlines() if line.startswith(prefix)]
    assert warnings, done.stdout
    for line in warnings:
        assert not _english_words(line), line
