"""#16.5: `init --database` with a password keeps it out of qantar.toml (real PostgreSQL)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from _cli import run_cli_process
from pg_server import pg_server, pg_url  # noqa: F401  (fixtures)
from sqlalchemy.engine import make_url

from qantar import Project

SRC = Path(__file__).resolve().parents[2] / "src"


def _with_password(url: str) -> str:
    # The test cluster trusts its socket, so any password connects: what matters is where
    # the password goes.
    return url.replace("postgres@", "postgres:s3cret@", 1)


def test_rule_5_init_keeps_a_password_out_of_the_settings(
    tmp_path: Path,
    pg_url: str,  # noqa: F811
) -> None:
    project = Project.init(tmp_path / "case", database=_with_password(pg_url))
    project.close()
    settings = (tmp_path / "case" / "qantar.toml").read_text(encoding="utf-8")
    assert "s3cret" not in settings
    written = tomllib.loads(settings)["project"]["database"]
    assert make_url(written) == make_url(pg_url)  # the same URL without the password
    reopened = Project.open(tmp_path / "case")
    reopened.upgrade()
    reopened.close()


def test_rule_5_cli_init_warns_about_a_password(tmp_path: Path, pg_url: str) -> None:  # noqa: F811
    done = run_cli_process(
        None, "init", str(tmp_path / "case"), "--database", _with_password(pg_url)
    )
    assert done.exit_code == 0, done.stderr
    assert "PGPASSWORD" in done.stderr
    assert "s3cret" not in done.stderr + done.stdout
    assert "s3cret" not in (tmp_path / "case" / "qantar.toml").read_text(encoding="utf-8")
