"""``python -m qantar.settings --markdown > docs/settings.md``."""

from __future__ import annotations

import argparse
import sys

from qantar.settings._markdown import markdown


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m qantar.settings")
    parser.add_argument("--markdown", action="store_true", help="print docs/settings.md")
    args = parser.parse_args(argv)
    if args.markdown:
        sys.stdout.write(markdown())


if __name__ == "__main__":
    main()
