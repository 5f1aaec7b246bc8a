"""#15.10: `dossier` without WeasyPrint says in one line which extra to install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def test_dossier_without_weasyprint_names_the_extra(scenario, tmp_path: Path) -> None:
    # A module that fails to import as an uninstalled one does, found before the real one.
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "weasyprint.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'weasyprint'\", name='weasyprint')\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "qantar", "--project", str(scenario.project.root), "dossier",
         scenario.ids["official"], "--regime", "uk-ghr", "--out", str(tmp_path / "d.pdf")],
        env={**os.environ, "PYTHONPATH": f"{fake}{os.pathsep}{SRC}", "COLUMNS": "200"},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "error: this step needs the optional package 'weasyprint', which is not installed: "
        "pip install 'qantar[pdf]' (or `make install` in a clone)"
    ]
