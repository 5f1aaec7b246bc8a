"""The estimate pages: an estimate runs as a background job the page polls, one at a time
per project; a failed job says why; the result shows its interval, strata, warnings and
plots served by name from the run's own folder; and no page an analyst can reach shows a
name of the project."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from web_fixtures import ENGLISH, SETTINGS, Account, csrf_of, sign_in

from qantar import Project
from qantar.accounts import Role, audit_log
from qantar.link._features import refresh
from qantar.web import create_app
from qantar.web._access import ROUTES
from qantar.web._jobs import jobs_of

# Real surnames and given names, so that a leak would be seen.
SURNAMES = ["Жаксылыков", "Оспанов", "Ермеков", "Тулегенов", "Сапаров", "Нурланов"]
GIVEN = ["Кайрат", "Мирас", "Асхат", "Данияр"]
LISTS = ("Official", "Press", "Volunteers")


def _given(k: int) -> list[object]:
    from publish_fixtures import Given

    on = [name for i, name in enumerate(LISTS) if (k * (i + 2)) % 5 < 3] or ["Official", "Press"]
    return [
        Given(
            f"P{k:04d}",
            source,
            surname=f"{SURNAMES[k % len(SURNAMES)]}",
            given=GIVEN[k % len(GIVEN)],
            place_id="almaty" if k % 2 else "astana",
        )
        for source in on
    ]


@pytest.fixture
def case(project: Project) -> Project:
    from publish_fixtures import store

    store(project, [g for k in range(1, 61) for g in _given(k)])  # type: ignore[misc]
    refresh(project.engine)
    return project


@pytest.fixture
def analyst(case: Project) -> Iterator[TestClient]:
    from web_fixtures import enrol

    account: Account = enrol(case, "analyst-1", Role.ANALYST)
    with TestClient(create_app(case, SETTINGS), headers=ENGLISH) as client:
        sign_in(client, account)
        yield client


def _run(client: TestClient, project: Project, **fields: str) -> str:
    csrf = csrf_of(client.get("/estimates").text)
    started = client.post(
        "/estimates/run", data={"csrf": csrf, "method": "loglinear", **fields},
        follow_redirects=False,
    )  # fmt: skip
    assert started.status_code == 303, started.text
    job_id = started.headers["location"].rsplit("/", 1)[-1]
    jobs_of(project.root).wait(job_id, timeout=120)
    return job_id


def test_an_analyst_runs_an_estimate_in_the_background_and_reads_it(
    case: Project, analyst: TestClient
) -> None:
    job_id = _run(analyst, case, strata="region", seed="7")
    status = analyst.get(f"/estimates/jobs/{job_id}/status").json()
    assert status["state"] == "done", status
    page = analyst.get(f"/estimates/jobs/{job_id}").text
    assert "The estimate is done" in page
    result = analyst.get(status["url"])
    assert result.status_code == 200
    html = result.text
    assert "95% interval" in html and 'id="strata"' in html
    assert "Almaty" in html and "Astana" in html  # the strata, by the gazetteer's label
    plots = re.findall(r'<img src="([^"]+)"', html)
    assert plots, "the result shows its plots"
    for src in plots:
        image = analyst.get(src)
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        assert image.content.startswith(b"\x89PNG")
    run = status["result"]
    svg = analyst.get(f"/estimates/runs/{run}/plots/posterior.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    # Only the run's own files, by name: nothing else of the server's disk.
    for bad in ("result.json", "..%2F..%2Fqantar.toml", "%2Fetc%2Fpasswd", "x.png"):
        assert analyst.get(f"/estimates/runs/{run}/plots/{bad}").status_code == 404
    assert analyst.get("/estimates/runs/..%2F..%2Fruns/plots/posterior.png").status_code == 404
    listing = analyst.get("/estimates").text
    assert run in listing
    actions = [e.action for e in audit_log(case)]
    assert "estimate.run" in actions and "estimate.view" in actions


def test_a_failed_job_says_why_and_the_next_may_start(
    project: Project, accounts: dict[Role, Account]
) -> None:
    # A project whose persons were never linked: the library refuses, the job fails.
    with TestClient(create_app(project, SETTINGS), headers=ENGLISH) as client:
        sign_in(client, accounts[Role.ANALYST])
        job_id = _run(client, project)
        status = client.get(f"/estimates/jobs/{job_id}/status").json()
        assert status["state"] == "failed"
        page = client.get(f"/estimates/jobs/{job_id}").text
        assert "The estimate failed" in page and "link first" in page
        again = _run(client, project)
        assert again != job_id


def test_one_estimate_at_a_time_per_project(case: Project, analyst: TestClient) -> None:
    gate = threading.Event()
    jobs = jobs_of(case.root)
    held = jobs.start("estimate", "someone", lambda report: str(gate.wait(30)))
    try:
        csrf = csrf_of(analyst.get("/estimates").text)
        page = analyst.get("/estimates").text
        assert "An estimate is running." in page
        running = analyst.get(f"/estimates/jobs/{held.id}").text
        # Followed by the app's own script, and without scripts by a plain refresh.
        assert '<noscript><meta http-equiv="refresh"' in running
        assert "/static/qantar-job.js" in running
        assert analyst.get("/static/qantar-job.js").status_code == 200
        assert analyst.get(f"/estimates/jobs/{held.id}/status").json()["state"] == "running"
        refused = analyst.post("/estimates/run", data={"csrf": csrf, "method": "loglinear"})
        assert refused.status_code == 409
        assert "already running" in refused.text
    finally:
        gate.set()
        jobs.wait(held.id, timeout=10)


def test_bad_options_are_refused_before_any_job(case: Project, analyst: TestClient) -> None:
    csrf = csrf_of(analyst.get("/estimates").text)
    for field, value in (
        ("method", "magic"),
        ("event_type", "arrested'"),
        ("strata", "name"),
        ("seed", "-1"),
        ("seed", "99999999999"),
    ):
        response = analyst.post(
            "/estimates/run", data={"csrf": csrf, "method": "loglinear", field: value}
        )
        assert response.status_code == 400, (field, value)
    assert jobs_of(case.root).latest("estimate") is None
    missing_csrf = analyst.post("/estimates/run", data={"method": "loglinear"})
    assert missing_csrf.status_code == 403
    assert jobs_of(case.root).latest("estimate") is None


def test_no_page_an_analyst_can_reach_shows_a_name(case: Project, analyst: TestClient) -> None:
    # Families allowed full names for some: a page that shows the memorial would show them.
    for person in ("P0001", "P0002", "P0003", "P0004"):
        case.publish.consent(person, "publish", by="liaison", note=None)
    job_id = _run(analyst, case, strata="region")
    run = analyst.get(f"/estimates/jobs/{job_id}/status").json()["result"]
    assert run
    params = {"job": job_id, "run": run, "plot": "posterior.png"}
    from qantar.accounts import PERMISSIONS

    pages = {}
    for route in analyst.app.routes:  # type: ignore[attr-defined]
        name = getattr(route, "name", None)
        methods = getattr(route, "methods", set())
        permission = ROUTES.get(name)
        if "GET" not in methods or permission is None:
            continue
        if permission not in PERMISSIONS[Role.ANALYST]:
            continue
        try:
            path = route.path.format(**params)
        except KeyError:
            continue
        response = analyst.get(path)
        assert response.status_code == 200, (name, response.status_code)
        pages[name] = response.content.decode("utf-8", errors="replace")
    csrf = csrf_of(pages["reports"])
    report = analyst.post("/reports/build", data={"csrf": csrf})
    assert report.status_code == 200
    pages["report.zip"] = _zip_text(report.content)
    assert {"estimates", "estimate_result", "estimate_job", "dashboard", "reports"} <= set(pages)
    names = set(SURNAMES) | set(GIVEN)
    for name, text in pages.items():
        leaked = [n for n in names if n.lower() in text.lower()]
        assert not leaked, (name, leaked)


def _zip_text(content: bytes) -> str:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(
            archive.read(n).decode("utf-8", errors="replace") for n in archive.namelist()
        )


def test_another_process_holding_the_projects_estimate_lock_is_respected(
    case: Project, analyst: TestClient
) -> None:
    import fcntl
    import os

    # What a second server process on the same folder holds while its estimate runs.
    handle = os.open(case.root / ".web-estimate.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        csrf = csrf_of(analyst.get("/estimates").text)
        refused = analyst.post("/estimates/run", data={"csrf": csrf, "method": "loglinear"})
        assert refused.status_code == 409
    finally:
        os.close(handle)
    assert _run(analyst, case)  # released: the next starts


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_result_page_has_no_english_word_in_kk_and_ru(
    case: Project, analyst: TestClient, lang: str
) -> None:
    from test_web_languages import _latin_words, _switch

    job_id = _run(analyst, case, strata="region", seed="7")
    run = analyst.get(f"/estimates/jobs/{job_id}/status").json()["result"]
    _switch(analyst, lang)
    html = analyst.get(f"/estimates/runs/{run}").text
    assert f'<html lang="{lang}">' in html
    assert 'id="warnings"' in html  # the run has warnings, and they are read here
    # Kept on purpose: the lists' names, method names (docs/glossary.md: they stay in Latin
    # letters), statistics' names, "seed" beside its translation (the glossary), the tool's
    # name, the SVG format, the switcher's "English", the account's name, and "lt" of the
    # entity in "p &lt; 0.001".
    kept = {*LISTS, "loglinear", "LCMCR", "dga", "AIC", "BIC", "Mt", "Mh", "Mth", "Chao",
            "Darroch", "Poisson", "seed", "qantar", "SVG", "English", "UTC", "testclient",
            "analyst", "lt"}  # fmt: skip
    assert not _latin_words(html, kept), sorted(_latin_words(html, kept))
    said = {"kk": "Бағаланған жалпы сан", "ru": "Оценка общего числа"}[lang]
    assert said in html  # the posterior plot's caption


def test_the_sensitivity_table_and_its_failures_are_worded() -> None:
    from qantar.i18n import speaker
    from qantar.notes import Note
    from qantar.web._estimate_pages import result_words

    run = {
        "plots": ["posterior.png", "trace-lcmcr.png", "sensitivity.png"],
        "result": {
            "settings": {"strata_field": "region"},
            "warnings": [
                Note("stratum %(name)s: %(warning)s", name="almaty",
                     warning=Note("the model fit did not converge; do not rely on this number")),
            ],
            "sensitivity": {"rows": [
                {"analysis": "lcmcr classes", "label": "K = 5", "estimate": 1.0},
                {"analysis": "leave one list out", "label": "without Press", "dropped": "Press",
                 "estimate": 1.0},
                {"analysis": "leave one list out", "label": "without Official",
                 "error": Note("count cannot be negative")},
            ]},
        },
    }  # fmt: skip
    words = result_words(run, speaker("ru").gettext, lambda code: code.title())
    assert words["warnings"] == [
        "страта Almaty: подгонка модели не сошлась; не опирайтесь на это число"
    ]
    analyses = [r["analysis"] for r in words["sensitivity"]]
    assert analyses == ["LCMCR, число латентных классов", "без одного из списков",
                        "без одного из списков"]  # fmt: skip
    assert words["sensitivity"][1]["label"] == "без списка Press"
    assert words["sensitivity"][2]["error"] == "количество не может быть отрицательным"
    captions = [p["caption"] for p in words["plots"]]
    assert captions == ["Оценка общего числа", "Траектория и автокорреляция цепей (lcmcr)",
                        "Чувствительность оценки"]  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "said"),
    [("kk", "ешкім «tortured» ретінде құжатталмаған"),
     ("ru", "никто не задокументирован как «tortured»")],
)  # fmt: skip
def test_a_failed_job_says_why_in_the_readers_language(
    case: Project, analyst: TestClient, lang: str, said: str
) -> None:
    from test_web_languages import _switch

    job_id = _run(analyst, case, event_type="tortured")  # nobody is documented as tortured
    _switch(analyst, lang)
    page = analyst.get(f"/estimates/jobs/{job_id}").text
    error = re.search(r'id="job-error">(.*?)</p>', page, flags=re.S)
    assert error and said in error.group(1), page
    assert "nothing to estimate" not in error.group(1)
    status = analyst.get(f"/estimates/jobs/{job_id}/status").json()
    assert status["state"] == "failed" and said in status["error"]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_plots_are_drawn_in_the_readers_words(
    case: Project, analyst: TestClient, lang: str
) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.text import Text
    from test_web_languages import _latin_words, _switch

    from qantar.estimate import PlotWords
    from qantar.estimate._plots import _saved_estimate, posterior_figure, strata_figure
    from qantar.i18n import speaker

    job_id = _run(analyst, case, strata="region", seed="7")
    run = analyst.get(f"/estimates/jobs/{job_id}/status").json()["result"]
    folder = next(f for f in case.estimate.runs() if f.name == run)
    talk = speaker(lang)
    words = PlotWords(talk.gettext, lambda code: case.gazetteer.label(code, lang) or code)
    result = _saved_estimate(folder)
    for figure in (posterior_figure(result, words), strata_figure(result, words)):
        texts = " ".join(t.get_text() for t in figure.findobj(Text) if t.get_text())
        plt.close(figure)
        # kept: the method's code (docs/glossary.md) and the numbers on the axes
        assert not _latin_words(f"<p>{texts}</p>", {"loglinear"}), texts
        assert "reg-" not in texts  # a region by its place's name
    _switch(analyst, lang)
    drawn = analyst.get(f"/estimates/runs/{run}/plots/strata.svg")
    assert drawn.status_code == 200 and drawn.headers["content-type"].startswith("image/svg")
    assert drawn.content != (folder / "strata.svg").read_bytes()  # not the English file
    png = analyst.get(f"/estimates/runs/{run}/plots/posterior.png")
    assert png.content.startswith(b"\x89PNG")
