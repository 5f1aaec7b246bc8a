"""Screenshots for the docs: the memorial and the report in Kazakh, Russian and English, and
the web app's sign-in, person search, import preview, a person's page, review queue and
adjudication in each, an evidence item's page and an estimate's result in each, and the
evidence list and a running estimate in English, from the demo's
synthetic scenario (invented names only, ``qantar.synth``; the evidence is a picture drawn
here). Re-run after changing a page:

    PYTHONPATH=src python tools/screenshots.py [--seed 7] [--out docs/img]

It needs Debian's chromium (/usr/bin/chromium) and Playwright (``qantar[dev]``); nothing is
fetched from the network. Not a test: it writes ``docs/img/<page>-<lang>.png``.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from rich.console import Console

from qantar import publish
from qantar.accounts import Role, add_user, complete_enrolment, new_totp_secret
from qantar.demo import run_demo
from qantar.i18n import LANGUAGE_NAMES, LANGUAGES
from qantar.project import Project
from qantar.web import WebSettings, served_locally

CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT = 1200, 900
WEB_HEIGHT = 560  # the web pages are short forms
ACCOUNT, PASSWORD = "documenter-1", "a long enough passphrase"
ANALYST = "analyst-1"
PREVIEW_SOURCE = "Volunteers 2022"


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
        analyst = add_user(project, ANALYST, Role.ANALYST, by="screenshots")
        complete_enrolment(project, analyst.token, PASSWORD)
        # One of the demo's own list files, previewed (never imported) under a new source.
        # The person's page of the person the most lists name: every record, every source.
        listed = Counter(r["person_id"] for r in project.sources.records() if r["person_id"])
        shown_person = listed.most_common(1)[0][0]
        not_lists = {"truth.csv", "histories.csv", "population.csv"}
        listing = min(p for p in (base / "lists").glob("*.csv") if p.name not in not_lists)

        shots: list[Path] = []
        quick = WebSettings(failure_delay=0.0)
        with served_locally(project, quick) as url, sync_playwright() as playwright:
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
                    page.goto(f"{url}/import")
                    submit(page, page.get_by_role("button", name=LANGUAGE_NAMES[lang]))
                    page.locator("#file").set_input_files(str(listing))
                    page.locator("#source").fill(PREVIEW_SOURCE)
                    page.locator("#kind").select_option("ngo")
                    submit(page, page.locator("main form button[type=submit]"))
                    shots.append(out / f"web-import-{lang}.png")
                    page.screenshot(path=str(shots[-1]))
                    # Cancel: the uploaded copy is deleted and nothing is stored.
                    submit(page, page.locator("main button[value=cancel]"))
                for lang in LANGUAGES:
                    page.goto(f"{url}/persons/{shown_person}")
                    submit(page, page.get_by_role("button", name=LANGUAGE_NAMES[lang]))
                    shots.append(out / f"web-person-{lang}.png")
                    page.screenshot(path=str(shots[-1]))
                for lang in LANGUAGES:
                    page.goto(f"{url}/review")
                    submit(page, page.get_by_role("button", name=LANGUAGE_NAMES[lang]))
                    shots.append(out / f"web-review-{lang}.png")
                    page.screenshot(path=str(shots[-1]))
                shots += evidence_pages(page, url, base, out)
                page.close()
                page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
                shots += estimate_pages(page, url, out)
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


def drawn_picture(path: Path, seed: int) -> Path:
    """A picture drawn from noise and boxes (no one's photo), saved as a JPEG."""
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    image = Image.fromarray((rng.random((9, 12, 3)) * 255).astype("uint8")).resize((480, 360))
    draw = ImageDraw.Draw(image)
    for _ in range(10):
        x, y = int(rng.integers(0, 400)), int(rng.integers(0, 300))
        draw.rectangle((x, y, x + 70, y + 50), fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
    image.save(path, "JPEG", quality=90)
    return path


def evidence_pages(page: Any, url: str, base: Path, out: Path) -> list[Path]:
    """The signed-in documenter adds a drawn picture and a smaller copy (its near
    duplicate), verifies the archive and opens the item: the list and the item's page."""
    from PIL import Image

    first = drawn_picture(base / "checkpoint-1.jpg", seed=11)
    with Image.open(first) as image:
        image.resize((240, 180)).save(base / "checkpoint-1-small.jpg", "JPEG", quality=80)
    for picture in (first, base / "checkpoint-1-small.jpg"):
        page.goto(f"{url}/evidence/add")
        page.locator("#file").set_input_files(str(picture))
        page.locator("#collected_by").fill("Field team 2")
        page.locator("#collected_at").fill("2022-01-06")
        submit(page, page.locator("main button[type=submit]"))
    item = page.url
    page.goto(f"{url}/evidence")
    submit(page, page.get_by_role("button", name="Verify the archive"))
    page.goto(f"{url}/evidence")
    shots = [out / "web-evidence-list-en.png"]
    page.screenshot(path=str(shots[-1]))
    for lang in LANGUAGES:  # English last: the pages after this one read it
        page.goto(item)
        submit(page, page.get_by_role("button", name=LANGUAGE_NAMES[lang]))
        shots.append(out / f"web-evidence-item-{lang}.png")
        page.screenshot(path=str(shots[-1]), full_page=True)
    return shots


def estimate_pages(page: Any, url: str, out: Path) -> list[Path]:
    """An analyst runs a log-linear estimate by region: the running job and the result."""
    page.goto(f"{url}/login")
    english = page.get_by_role("button", name=LANGUAGE_NAMES["en"])
    if english.is_enabled():  # disabled: the page speaks English already
        submit(page, english)
    page.locator("#name").fill(ANALYST)
    page.locator("#password").fill(PASSWORD)
    submit(page, page.locator("main button[type=submit]"))
    page.goto(f"{url}/estimates")
    page.locator("#method").select_option("loglinear")
    page.locator("#strata").select_option("region")
    submit(page, page.locator("main form button[type=submit]"))
    shots = [out / "web-estimate-job-en.png"]
    page.screenshot(path=str(shots[-1]))
    page.get_by_role("link", name="See the result").wait_for(timeout=300_000)
    submit(page, page.get_by_role("link", name="See the result"))
    page.locator("figure img").first.wait_for()
    result = page.url
    for lang in LANGUAGES:
        page.goto(result)
        submit(page, page.get_by_role("button", name=LANGUAGE_NAMES[lang]))
        page.locator("figure img").first.wait_for()
        shots.append(out / f"web-estimate-result-{lang}.png")
        page.screenshot(path=str(shots[-1]), full_page=True)
    return shots


if __name__ == "__main__":
    main()
