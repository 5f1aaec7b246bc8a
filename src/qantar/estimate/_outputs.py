"""Writing a run: settings and result as JSON, posterior draws as Parquet, plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from qantar.estimate._result import Estimate


def _all_results(result: Estimate) -> list[Estimate]:
    return [result, *result.others]


def draws_table(result: Estimate) -> pa.Table:
    """Long table of posterior draws: method, stratum ('' for the total), chain, draw, total."""
    columns: dict[str, list[Any]] = {
        "method": [],
        "stratum": [],
        "chain": [],
        "draw": [],
        "total": [],
    }

    def add(method: str, stratum: str, draws: np.ndarray | None) -> None:
        if draws is None:
            return
        grid = np.atleast_2d(draws)
        chains, per_chain = grid.shape
        columns["method"] += [method] * grid.size
        columns["stratum"] += [stratum] * grid.size
        columns["chain"] += np.repeat(np.arange(chains), per_chain).tolist()
        columns["draw"] += np.tile(np.arange(per_chain), chains).tolist()
        columns["total"] += grid.reshape(-1).tolist()

    for res in _all_results(result):
        add(res.method, "", res.draws)
        for name, part in res.strata.items():
            add(res.method, name, part.draws)
    return pa.table(
        {
            "method": pa.array(columns["method"], pa.string()),
            "stratum": pa.array(columns["stratum"], pa.string()),
            "chain": pa.array(columns["chain"], pa.int32()),
            "draw": pa.array(columns["draw"], pa.int32()),
            "total": pa.array(columns["total"], pa.float64()),
        }
    )


def write_run(result: Estimate, folder: Path) -> dict[str, Path]:
    """Write result.json, draws.parquet and the plots (posterior, trace and
    autocorrelation per method with chains, strata, sensitivity) into ``folder``; return
    the paths."""
    from qantar.estimate._plots import (
        plot_posteriors,
        plot_sensitivity,
        plot_strata,
        plot_trace,
    )

    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    paths["result"] = folder / "result.json"
    paths["result"].write_text(
        json.dumps(result.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    table = draws_table(result)
    if table.num_rows:
        paths["draws"] = folder / "draws.parquet"
        pq.write_table(table, paths["draws"])
    paths.update(plot_posteriors(result, folder))
    paths.update(plot_trace(result, folder))
    if result.sensitivity is not None:
        paths.update(plot_sensitivity(result.sensitivity, folder))
    if result.strata:
        paths.update(plot_strata(result, folder))
    return paths


def read_chains(folder: Path) -> dict[str, list[list[float]]]:
    """The saved draws of the total (all strata together) per method with several chains:
    method -> one list of draws per chain, in sampling order (empty without draws)."""
    return {
        method: [list(map(float, chain)) for chain in chains]
        for method, chains in saved_draws(folder).items()
        if len(chains) >= 2
    }


def saved_draws(folder: Path) -> dict[str, np.ndarray]:
    """The saved draws of the total (all strata together) per method, shaped (chains,
    draws) in sampling order; empty for a run without draws."""
    path = folder / "draws.parquet"
    if not path.exists():
        return {}
    table = pq.read_table(path).to_pydict()
    chains: dict[str, dict[int, dict[int, float]]] = {}
    for method, stratum, chain, draw, total in zip(
        table["method"], table["stratum"], table["chain"], table["draw"], table["total"],
        strict=True,
    ):  # fmt: skip
        if stratum == "":
            chains.setdefault(method, {}).setdefault(chain, {})[draw] = total
    return {
        method: np.array([[by[d] for d in sorted(by)] for _c, by in sorted(per.items())])
        for method, per in chains.items()
    }
