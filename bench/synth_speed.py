"""How long scenarios take to generate and write, as ratios to a 1,000-person anchor.

PYTHONPATH=src python bench/synth_speed.py            # 1k, 10k, 100k
PYTHONPATH=src python bench/synth_speed.py 1000 20000 # chosen sizes
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from qantar.synth import ScenarioConfig, generate, simulate_histories, write_scenario


def measure(n: int, formats: tuple[str, ...], out: Path) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    sc = generate(ScenarioConfig(n=n), seed=7)
    t1 = time.perf_counter()
    write_scenario(sc, out / f"{n}-{'-'.join(formats)}", formats=formats)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, sum(len(sl.rows) for sl in sc.lists.values())


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10_000, 100_000]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        anchor_gen, anchor_write, _ = measure(1000, ("csv",), out)
        print(f"anchor n=1000: generate {anchor_gen:.2f}s, write csv {anchor_write:.2f}s")
        print(f"{'n':>8} {'format':>9} {'records':>8} {'generate':>9} {'write':>7} "
              f"{'gen/anchor':>10} {'write/anchor':>12}")  # fmt: skip
        for n in sizes:
            # XLSX (openpyxl) takes ~40 s at 100,000 persons: measured up to 10,000 only.
            for formats in (("csv",), ("csv", "xlsx")) if n <= 10_000 else (("csv",),):
                gen, write, records = measure(n, formats, out)
                print(
                    f"{n:>8} {'+'.join(formats):>9} {records:>8} {gen:>8.2f}s {write:>6.2f}s "
                    f"{gen / anchor_gen:>10.1f} {write / anchor_write:>12.1f}"
                )
    t0 = time.perf_counter()
    simulate_histories(1_000_000, 5, heterogeneity=1.0, dependence=1.0, seed=1)
    print(f"simulate_histories n=1,000,000, 5 lists: {time.perf_counter() - t0:.2f}s")


if __name__ == "__main__":
    main()
