"""Screenshots for the docs: the memorial and the report in Kazakh, Russian and English, and
the web app's sign-in, person search, review queue and adjudication in each, from the
demo's synthetic scenario (invented names only, ``qantar.synth``). Re-run after changing a
page:

    PYTHONPATH=src python tools/screenshots.py [--seed 7] [--out docs/img]

It needs Debian's chromium (/usr/bin/chromium) and Playwright (``qantar[dev]``); nothing is
fetched from the network. Not a test: it writes ``docs/img/<page>-<lang>.png``.
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console

from qantar import publish
from qantar.accounts import Role, add_user, complete_enrolment, new_totp_secret
from qantar.demo import run_demo
from qantar.i18n import LANGUAGE_NAMES, LANGUAGES
from qantar.project import Project
from qantar.web import WebSettings, create_app

CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT = 1200, 900
WEB_HEIGHT = 560  # the web pages are short forms
ACCOUNT, PASSWORD = "documenter-1", "a long enough passphrase"


@contextmanager
def serving(project: Project) -> Iterator[str]:
    """The web app on a free local port, in this process."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(project, WebSettings(failure_delay=0.0))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise RuntimeError("the web app did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def submit(page: Any, button: Any) -> None:
    """Click a form's button and wait for the page it leads to (a screenshot taken while the
    browser navigates fails)."""
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state("load")


def shrink(path: Path) -> None:
    """Fewer colours and zlib's best: a page of text loses nothing a reader sees."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="qantar-shots-") as tmp:
        base = Path(tmp)
        run_demo(out=base, seed=args.seed, console=Console(quiet=True))
        project = Project.open(base / "case")
        site = project.runs_dir / "memorial"
        publish.publish_memorial(project, site)
        data = publish.collect_report_data(project)
        reports = {}
        for lang in LANGUAGES:
            reports[lang] = project.runs_dir / f"report-{lang}" / "report.html"
            publish.render_report(data, reports[lang], lang=lang)
        # A documenter: signs in with one of the recovery codes enrolment hands out.
        enrolment = add_user(project, ACCOUNT, Role.DOCUMENTER, by="screenshots")
        secret = new_totp_secret()
        import pyotp

        codes = complete_enrolment(
            project, enrolment.token, PASSWORD, totp_secret=secret,
            totp_code=pyotp.TOTP(secret).now(),
        )  # fmt: skip
        # The review queue (the documenter reviews too) and a conflict for the admin to rule on.
        admin = add_user(project, "admin-1", Role.ADMIN, by="screenshots")
        admin_secret = new_totp_secret()
        admin_codes = complete_enrolment(
            project, admin.token, PASSWORD, totp_secret=admin_secret,
            totp_code=pyotp.TOTP(admin_secret).now(),
        )  # fmt: skip
        disputed = project.review.next_pairs(limit=1)[0]
        for reviewer, decision in (("reviewer-1", "match"), ("reviewer-2", "non-match")):
            project.review.decide_keys(
                disputed.record_key_l, disputed.record_key_r, decision, reviewer=reviewer
            )
        # A synthetic person's surname, searched in its Latin spelling: found across scripts.
        person = next(p for p in publish.public_persons(project) if p.name_latin)
        query = person.name_latin.split()[0]

        shots: list[Path] = []
        with serving(project) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                # No network: any request off this machine goes to a closed port.
                args=["--no-sandbox", "--proxy-server=127.0.0.1:9"],
            )  # fmt: skip
            try:
                page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
                for lang in LANGUAGES:
                    page.goto(site.joinpath(f"index.{lang}.html").as_uri())
                    shots.append(out / f"memorial-{lang}.png")
                    page.screenshot(path=str(shots[-1]))
                    page.goto(reports[lang].as_uri())
                    shots.append(out / f"report-{lang}.png")
                    page.screenshot(path=str(shots[-1]))
                page.close()
                page = browser.new_page(viewport={"width": WIDTH, "height": WEB_HEIGHT})
                for lang in LANGUAGES:
                    page.goto(f"{url}/login")
                    submit(page, page.get_by_role("button", name=LANGUAGE_NAMES[lang]))
                    shots.append(out / f"web-login-{lang}.png")
                    page.screenshot(path=str(shots[-1]))
                page.locator("#name").fill(ACCOUNT)
                page.locator("#password").fill(PASSWORD)
                page.locator("#code").fill(codes[0])
                submit(page, page.locator("main button[type=submit]"))
                for lang in LANGUAGES:
                    page.goto(f"{url}/persons")
                    submit(page, page.get_by_role("button", name=LANGUAGE_NAMES[lang]))
                    page.locator("#q").fill(query)
                    submit(page, page.locator("form[role=search] button"))
                    shots.append(out / f"web-persons-{lang}.png")
                    page.screenshot(path=str(shots[-1]))
                page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
                for lang in LANGUAGES:
                    page.goto(f"{url}/review")
                    submit(page, page.get_by_role("button", name=LANGUAGE_NAMES[lang]))
                    shots.append(out / f"web-review-{lang}.png")
                    page.screenshot(path=str(shots[-1]))
                page.close()
                page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
                page.goto(f"{url}/login")
                page.locator("#name").fill("admin-1")
                page.locator("#password").fill(PASSWORD)
                page.locator("#code").fill(admin_codes[0])
                submit(page, page.locator("main button[type=submit]"))
                for lang in LANGUAGES:
                    page.goto(f"{url}/review/adjudication")
                    submit(page, page.get_by_role("button", name=LANGUAGE_NAMES[lang]))
                    shots.append(out / f"web-adjudication-{lang}.png")
                    page.screenshot(path=str(shots[-1]))
            finally:
                browser.close()
        project.close()
    for shot in shots:
        shrink(shot)
        print(f"{shot} ({shot.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
