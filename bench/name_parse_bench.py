"""How fast a record's name is parsed (``qantar.names.parse_record``), distinct names only.

Since names are parsed once, at import (``qantar.store.readers.parsed_name_values``), this
is the import's cost per distinct name; linkage no longer parses. Repeated names are
cached, so a list of few distinct names pays it once per name.

    PYTHONPATH=src python bench/name_parse_bench.py [--names 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import time

from qantar.data import read_csv
from qantar.store.readers import parsed_name_values


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--names", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    surnames = [r["surname_m"] for r in read_csv("kz/surnames.csv")]
    given = [r["name_cyrillic"] for r in read_csv("kz/given_names.csv")]
    rng = random.Random(args.seed)
    rows = [
        (f"{rng.choice(surnames)} {rng.choice(given)} {rng.choice(given)}ович", None, None, None)
        for _ in range(args.names)
    ]
    start = time.perf_counter()
    for row in rows:
        parsed_name_values(*row)
    seconds = time.perf_counter() - start
    print(f"{len(set(rows))} distinct names parsed in {seconds:.2f} s: {len(rows) / seconds:.0f}/s")


if __name__ == "__main__":
    main()
