"""What encryption at rest costs: import, linkage and `evidence verify` on an encrypted
project against a plaintext one, measured in the same run (the plaintext project is the
anchor; the ratio is what to compare). Each step runs twice per kind, alternating, and the
faster of the two counts, so a burst of load on the machine does not decide the ratio.

    PYTHONPATH=src python bench/encryption_bench.py [--rows 100000] [--persons 2000]
        [--evidence-mb 256]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from import_bench import generate

from qantar import Project, evidence, link
from qantar.ingest import import_file
from qantar.synth import ScenarioConfig, write_scenario
from qantar.synth import generate as generate_scenario

# Synthetic people only: the bench projects' keys need a passphrase all the same.
BENCH_PASSPHRASE = "qantar bench"


def _timed(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def _project(base: Path, label: str, encrypted: bool) -> Project:
    return Project.init(base / label, encrypted=encrypted, passphrase=BENCH_PASSPHRASE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=2_000)
    parser.add_argument("--evidence-mb", type=int, default=256)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qantar-enc-bench-") as tmp:
        base = Path(tmp)
        big = base / "list.csv"
        generate(big, args.rows, args.seed)
        scenario = generate_scenario(ScenarioConfig(n=args.persons), seed=args.seed)
        lists = write_scenario(scenario, base / "lists", formats=("csv",))
        blobs = base / "evidence"
        blobs.mkdir()
        for i in range(8):
            (blobs / f"video-{i}.bin").write_bytes(os.urandom(args.evidence_mb * 2**20 // 8))

        best: dict[tuple[str, str], float] = {}

        def keep(step: str, kind: str, seconds: float) -> None:
            best[step, kind] = min(seconds, best.get((step, kind), float("inf")))

        for round_ in range(2):
            for kind in ("plain", "encrypted") if round_ == 0 else ("encrypted", "plain"):
                encrypted = kind == "encrypted"
                project = _project(base, f"import-{kind}-{round_}", encrypted)
                keep("import", kind, _timed(lambda p=project: import_file(p, big, source="big")))
                project.close()
                project = _project(base, f"link-{kind}-{round_}", encrypted)
                for name, source_list in scenario.lists.items():
                    import_file(project, lists[name], source=name, kind=source_list.spec.kind)
                keep(
                    "link",
                    kind,
                    _timed(lambda p=project: link.run(p, seed=1, progress=lambda _m: None)),
                )
                evidence.add(project, sorted(blobs.iterdir()), collected_by="bench")
                keep(
                    "evidence verify",
                    kind,
                    _timed(lambda p=project: evidence.verify(p, record=False)),
                )
                project.close()
        print(f"{args.rows:,} rows imported; {args.persons:,}-person scenario linked; "
              f"{args.evidence_mb} MiB of evidence verified")  # fmt: skip
        print(f"{'step':<18}{'plaintext s':>13}{'encrypted s':>13}{'ratio':>8}")
        for step in ("import", "link", "evidence verify"):
            plain, sealed = best[step, "plain"], best[step, "encrypted"]
            print(f"{step:<18}{plain:>13.2f}{sealed:>13.2f}{sealed / plain:>8.2f}")


if __name__ == "__main__":
    main()
