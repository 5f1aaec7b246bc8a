"""What `qantar estimate` costs before it samples: imports, compiling, loading the cache.

    PYTHONPATH=src python bench/mse_startup.py [--skip-compile]

Each step runs in a fresh Python process and reports its CPU seconds (user + system of the
child; wall time on a shared machine says more about the neighbours):

1. `qantar estimate --method loglinear` on Kosovo, and which heavy modules it imported
   (numba, arviz, matplotlib should not be);
2. the same with a tiny LCMCR run (20 sweeps), the compiled sampler loaded from its cache;
3. with an empty cache (NUMBA_CACHE_DIR pointing at a new folder): the one-time compile;
4. a read-only install: the package copied without its caches and made read-only, run
   twice with an empty user cache (XDG_CACHE_HOME): the first run compiles into the user
   cache, the second loads it.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).parents[1] / "src"
KOSOVO = SRC / "qantar/data/mse/kosovo.csv"
TINY = ["--burnin", "10", "--draws", "10", "--thinning", "1", "--chains", "2", "--fixed"]
PROBE = """
import sys
from qantar.cli import main
sys.argv = ["qantar", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
heavy = [m for m in ("numba", "arviz", "matplotlib", "scipy", "pyarrow") if m in sys.modules]
print("imported:", ", ".join(heavy) or "none", file=sys.stderr)
"""


def child_cpu(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", PROBE, *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    imported = [line for line in done.stderr.splitlines() if line.startswith("imported:")]
    return used, imported[-1] if imported else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-compile", action="store_true", help="only steps 1 and 2")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    base = ["estimate", "--histories", str(KOSOVO)]
    used, imported = child_cpu([*base, "--method", "loglinear"], env)
    print(f"1. loglinear:                  CPU {used:5.1f} s; {imported}")
    used, imported = child_cpu([*base, *TINY], env)
    print(f"2. tiny LCMCR, cache loaded:   CPU {used:5.1f} s; {imported}")
    if args.skip_compile:
        return
    with tempfile.TemporaryDirectory() as fresh:
        used, _ = child_cpu([*base, *TINY], {**env, "NUMBA_CACHE_DIR": fresh})
        print(f"3. tiny LCMCR, empty cache:    CPU {used:5.1f} s (the one-time compile)")
    if os.geteuid() == 0:
        print(
            "4. read-only install: skipped, running as root, which writes through read-only "
            "permissions (numba would cache in the package folder), so it cannot be "
            "simulated here"
        )
        return
    with tempfile.TemporaryDirectory() as root:
        install = Path(root) / "site"
        shutil.copytree(
            SRC / "qantar", install / "qantar", ignore=shutil.ignore_patterns("__pycache__")
        )
        for path in [install, *install.rglob("*")]:
            mode = path.stat().st_mode
            path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        user_cache = Path(root) / "cache"
        ro_env = {**env, "PYTHONPATH": str(install), "XDG_CACHE_HOME": str(user_cache),
                  "PYTHONDONTWRITEBYTECODE": "1"}  # fmt: skip
        ro_env.pop("NUMBA_CACHE_DIR", None)
        for attempt in (1, 2):
            used, _ = child_cpu([*base, *TINY], ro_env)
            cached = len(list(user_cache.rglob("*.nbi")))
            print(
                f"4. read-only install, run {attempt}: CPU {used:5.1f} s; "
                f"{cached} index files in the user cache"
            )
        for path in [install, *install.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
