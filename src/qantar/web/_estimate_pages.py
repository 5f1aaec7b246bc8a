"""The estimate pages: run an estimate as a background job (the page polls it, with a
small script and a plain refresh without one), read a run per event type and stratum with
its interval, plots, methods compared and warnings.

Analysts use these pages and see counts, list names and plots; no page here reads a
person's name (the estimate's inputs are capture histories)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from qantar.accounts import REFUSED
from qantar.estimate import POOLED, analysis_words, row_label, strata_named
from qantar.i18n import N_, speaker
from qantar.model.enums import EventType
from qantar.notes import say
from qantar.web import _library as lib
from qantar.web._jobs import Busy, Report, jobs_of
from qantar.web._site import Refusal, Site

KIND = "estimate"
METHODS = ("loglinear", "lcmcr", "dga", "chapman", "all")
STRATA = ("", "region", "sex", "date", "age_group", "place")
SEED_MAX = 2**32 - 1
POLL_SECONDS = 3  # how often the page without its script reloads while a job runs


def mount(app: FastAPI, site: Site) -> None:
    project = site.project
    jobs = jobs_of(Path(project.root))

    def form_context() -> dict[str, Any]:
        return {
            "methods": METHODS,
            "event_types": [e.value for e in EventType],
            "strata": STRATA,
            "default_seed": project.settings.estimate.seed,
            "default_event": project.settings.estimate.event_type,
        }

    @app.get("/estimates", name="estimates")
    def estimates(request: Request) -> Response:
        return site.render(
            request,
            "estimates.html",
            runs=lib.estimate_runs(project),
            job=jobs.latest(KIND),
            **form_context(),
        )

    @app.post("/estimates/run", name="estimate_run")
    async def estimate_run(request: Request) -> Response:
        form = await request.form()
        options = _options({k: str(v) for k, v in form.items() if isinstance(v, str)})

        def work(report: Report) -> str:
            report(N_("Estimating from the linked persons"))
            return lib.run_estimate(project, **options)

        try:
            job = jobs.start(KIND, site.actor(request), work)
        except Busy:
            site.record(request, "estimate.run", None, outcome=REFUSED)
            raise Refusal(
                409, N_("An estimate is already running for this project: wait for it to end.")
            ) from None
        site.record(request, "estimate.run", job.id)
        return RedirectResponse(str(request.url_for("estimate_job", job=job.id)), 303)

    def job_or_404(job_id: str) -> Any:
        job = jobs.get(job_id)
        if job is None:
            raise Refusal(404, N_("There is no such estimate job (the server may have restarted)."))
        return job

    @app.get("/estimates/jobs/{job}", name="estimate_job")
    def estimate_job(request: Request, job: str) -> Response:
        found = job_or_404(job)
        # A failed job's error in the page's language (Site.render words it).
        return site.render(
            request,
            "estimate_job.html",
            job=found,
            poll=POLL_SECONDS,
            error=found.failure or found.error,
        )

    @app.get("/estimates/jobs/{job}/status", name="estimate_job_status")
    def estimate_job_status(request: Request, job: str) -> Response:
        found = job_or_404(job)
        talk = speaker(site.language(request))
        body = {**found.to_dict(), "stage": talk.gettext(found.stage)}
        if found.failure is not None:
            body["error"] = found.failure.in_words(talk.gettext, on_page=True)
        if found.result:
            body["url"] = str(request.url_for("estimate_result", run=found.result))
        return JSONResponse(body, headers={"cache-control": "no-store"})

    @app.get("/estimates/runs/{run}", name="estimate_result")
    def estimate_result(request: Request, run: str) -> Response:
        found = lib.estimate_run(project, run)
        if found is None:
            raise Refusal(404, N_("There is no such estimate run."))
        site.record(request, "estimate.view", run)
        lang = site.language(request)

        def place_id(code: str) -> str:
            if code == POOLED:
                return speaker(lang).gettext(POOLED)
            return lib.place_label(project, code, lang) or code

        return site.render(
            request,
            "estimate_result.html",
            run=found,
            words=result_words(found, speaker(lang).gettext, place_id),
            place_id=place_id,
            pooled=POOLED,
        )

    @app.get("/estimates/runs/{run}/plots/{plot}", name="estimate_plot")
    def estimate_plot(request: Request, run: str, plot: str) -> Response:
        path = lib.estimate_plot(project, run, plot)
        if path is None:
            raise Refusal(404, N_("There is no such plot."))
        media = "image/svg+xml" if path.suffix == ".svg" else "image/png"
        drawn = lib.estimate_plot_in(project, path, site.language(request))
        if drawn is None:  # a plot this version cannot draw again: the run's own file
            return FileResponse(path, media_type=media)
        return Response(drawn, media_type=media)


# A run's plots by file name, each as a reader's caption.
PLOTS = {
    "posterior": N_("Estimated total"),
    "strata": N_("Estimates by stratum"),
    "sensitivity": N_("Sensitivity of the estimate"),
}
TRACE_PLOT = N_("Trace and autocorrelation of the chains (%(method)s)")


def result_words(
    run: dict[str, Any], gettext: Callable[[str], str], place: Callable[[str], str]
) -> dict[str, Any]:
    """What the result page says in words, in ``gettext``'s language: the warnings (a
    stratum that is a place by its name), the sensitivity table's analyses, choices and
    failures, and each plot's caption."""
    result = run["result"]
    by_place = result.get("settings", {}).get("strata_field") in ("region", "place")

    def stratum(code: str) -> str:
        return place(code) if by_place or code == POOLED else code

    def warning(text: str) -> str:
        return str(say(strata_named(text, stratum), gettext))

    rows = []
    for row in (result.get("sensitivity") or {}).get("rows", []):
        rows.append(
            {
                **row,
                "analysis": say(analysis_words(str(row.get("analysis", ""))), gettext),
                "label": say(row_label(row), gettext),
                "error": say(row["error"], gettext) if row.get("error") else None,
            }
        )
    plots = []
    for file in run.get("plots", []):
        stem = file.rsplit(".", 1)[0]
        if stem in PLOTS:
            caption = gettext(PLOTS[stem])
        elif stem.startswith("trace-"):
            caption = gettext(TRACE_PLOT) % {"method": stem.removeprefix("trace-")}
        else:
            caption = stem
        plots.append({"file": file, "stem": stem, "caption": caption})
    return {
        "warnings": list(dict.fromkeys(warning(w) for w in result.get("warnings", []))),
        "sensitivity": rows,
        "plots": plots,
    }


def _options(form: dict[str, str]) -> dict[str, Any]:
    """The estimate's options from the form, checked here so that a bad value is a clear
    refusal at once rather than a failed job."""
    method = form.get("method", "loglinear")
    if method not in METHODS:
        raise Refusal(400, N_("Choose a method from the list."))
    event_type = form.get("event_type") or None
    if event_type is not None and event_type not in {e.value for e in EventType}:
        raise Refusal(400, N_("Choose an event type from the list."))
    strata = form.get("strata", "")
    if strata not in STRATA:
        raise Refusal(400, N_("Choose a stratum from the list."))
    seed_text = form.get("seed", "").strip()
    if seed_text and not (seed_text.isdigit() and int(seed_text) <= SEED_MAX):
        raise Refusal(400, N_("The seed is a whole number from 0 to 4294967295."))
    return {
        "method": method,
        "event_type": event_type,
        "strata": strata or None,
        "seed": int(seed_text) if seed_text else None,
        "sensitivity": form.get("sensitivity") == "on",
    }
