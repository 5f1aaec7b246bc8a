"""Screening throughput on a synthetic list, as a ratio to reading the same list.

    PYTHONPATH=src python bench/accountability_screen.py [--entities 20000] [--seed 7]

Anchor: parsing the list with FtM alone (read_entities). The ratio says what name
comparison costs on top of reading an export; absolute times depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from qantar import Project
from qantar.accountability import make, read_entities, save_entities, screen
from qantar.data import read_csv
from qantar.names import transliterate

# Synthetic people only: the bench projects' keys need a passphrase all the same.
BENCH_PASSPHRASE = "qantar bench"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    surnames = [r["surname_m"] for r in read_csv("kz/surnames.csv") if r["surname_m"]]
    given = [r["name_cyrillic"] for r in read_csv("kz/given_names.csv") if r["gender"] == "M"]

    def person(i: int, latin: bool) -> tuple[str, str]:
        name = f"{rng.choice(surnames)} {rng.choice(given)}"
        year = rng.randint(1950, 1990)
        return (
            transliterate(name, "icao") if latin else name
        ), f"{year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        listing = root / "list.jsonl"
        with listing.open("w", encoding="utf-8") as fh:
            for i in range(args.entities):
                name, born = person(i, latin=True)
                fh.write(
                    json.dumps(
                        {
                            "id": f"l{i}",
                            "schema": "Person",
                            "datasets": ["bench"],
                            "properties": {"name": [name], "birthDate": [born]},
                        }
                    )
                    + "\n"
                )
        project = Project.init(root / "case", passphrase=BENCH_PASSPHRASE)
        queries = []
        planted = set()
        with listing.open("a", encoding="utf-8") as fh:
            for q in range(args.queries):
                name, born = person(0, latin=False)
                entity = make("Person", name=name, birthDate=born)
                queries.append(entity)
                if q % 5 == 0:  # every fifth official is on the list, in Latin, given first
                    latin_name = " ".join(reversed(transliterate(name, "icao").split()))
                    planted.add((entity.id, f"planted{q}"))
                    fh.write(
                        json.dumps(
                            {
                                "id": f"planted{q}",
                                "schema": "Person",
                                "properties": {"name": [latin_name], "birthDate": [born]},
                            }
                        )
                        + "\n"
                    )
        save_entities(project, queries)

        t0 = time.perf_counter()
        n = sum(1 for _ in read_entities(listing))
        anchor = time.perf_counter() - t0
        t0 = time.perf_counter()
        results = screen(project, listing)
        elapsed = time.perf_counter() - t0
        project.close()
    print(f"list entities          {n}")
    print(f"register queries       {args.queries}")
    print(f"anchor (FtM read)      {anchor:.2f} s")
    print(f"screen                 {elapsed:.2f} s")
    print(f"ratio screen/anchor    {elapsed / anchor:.2f}")
    found = {(m.query_id, m.match_id) for m in results if m.match}
    print(f"reported candidates    {len(results)} ({len(found)} above 0.8)")
    print(f"planted found          {len(found & planted)} of {len(planted)}")
    print(f"false matches          {len(found - planted)}")


if __name__ == "__main__":
    main()
