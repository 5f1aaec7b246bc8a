"""The review queue in the browser: one pair at a time, leased to its reviewer, decided by
button or key; the admin's adjudication of pairs reviewers decided differently, agreement
(Cohen's kappa), and re-clustering with the persons it changed.

A reviewer sees the two records of the pair they hold and nothing else: no person page,
no other pair, the model's score only when they ask for it."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from qantar.errors import QantarError
from qantar.i18n import N_
from qantar.web import _library as lib
from qantar.web._site import Refusal, Site

DECISIONS = ("match", "non-match", "unsure")
SKIP = "skip"
# Conflicts shown at once on the adjudication page (the oldest first).
ADJUDICATION_PAGE = 20


def _pair_from(form: object) -> tuple[str, str]:
    key_a = str(form.get("key_a", "")).strip()  # type: ignore[attr-defined]
    key_b = str(form.get("key_b", "")).strip()  # type: ignore[attr-defined]
    if not key_a or not key_b:
        raise Refusal(400, N_("This form does not name a pair of records."))
    return key_a, key_b


def mount(app: FastAPI, site: Site) -> None:
    project = site.project

    @app.get("/review", name="review")
    def review(request: Request, score: int = 0) -> Response:
        reviewer = site.actor(request)
        lease = lib.review_lease(project, reviewer)
        rows = lib.review_rows(project, lease.item, site.language(request)) if lease else []
        return site.render(
            request,
            "review.html",
            lease=lease,
            rows=rows,
            show_score=bool(score),
            progress=lib.review_progress(project),
        )

    @app.post("/review", name="review_decide")
    async def review_decide(request: Request) -> Response:
        form = await request.form()
        key_a, key_b = _pair_from(form)
        choice = str(form.get("decision", ""))
        reviewer = site.actor(request)
        if lib.review_pair(project, key_a, key_b) is None:
            raise Refusal(400, N_("These records are not a pair of the latest linkage."))
        target = f"{key_a} / {key_b}"
        if choice == SKIP:
            lib.review_skip(project, reviewer, key_a, key_b)
            site.record(request, "review.skip", target)
        elif choice in DECISIONS:
            note = str(form.get("note", "")).strip() or None
            lib.review_decide(project, reviewer, key_a, key_b, choice, note)
            site.record(request, "review.decide", target)
        else:
            raise Refusal(400, N_("Choose match, non-match, unsure or skip."))
        return RedirectResponse(str(request.url_for("review")), status_code=303)

    def adjudication_page(request: Request, status: int = 200, **context: object) -> Response:
        conflicts = lib.review_conflicts(project)
        lang = site.language(request)
        shown = []
        for history in conflicts[:ADJUDICATION_PAGE]:
            item = lib.review_pair(project, history.record_key_a, history.record_key_b)
            rows = lib.review_rows(project, item, lang) if item is not None else []
            shown.append((history, rows))
        return site.render(
            request,
            "adjudication.html",
            status,
            conflicts=shown,
            waiting=len(conflicts),
            agreement=lib.review_agreement(project),
            progress=lib.review_progress(project),
            **context,
        )

    @app.get("/review/adjudication", name="adjudication")
    def adjudication(request: Request) -> Response:
        return adjudication_page(request)

    @app.post("/review/adjudication", name="adjudicate")
    async def adjudicate(request: Request) -> Response:
        form = await request.form()
        key_a, key_b = _pair_from(form)
        choice = str(form.get("decision", ""))
        if choice not in DECISIONS:
            raise Refusal(400, N_("Choose match, non-match or unsure."))
        note = str(form.get("note", "")).strip() or None
        try:
            lib.review_adjudicate(project, site.actor(request), key_a, key_b, choice, note)
        except QantarError as exc:
            site.record(request, "review.adjudicate", f"{key_a} / {key_b}", outcome="failed")
            raise Refusal(400, exc) from None
        site.record(request, "review.adjudicate", f"{key_a} / {key_b}")
        return RedirectResponse(str(request.url_for("adjudication")), status_code=303)

    @app.post("/review/recluster", name="recluster")
    async def recluster(request: Request) -> Response:
        form = await request.form()
        if form.get("action") != "recluster":
            raise Refusal(400, N_("Press the re-cluster button to re-cluster."))
        try:
            changes = lib.review_recluster(project)
        except QantarError as exc:
            site.record(request, "review.recluster", None, outcome="failed")
            return adjudication_page(request, 400, error=exc)
        site.record(request, "review.recluster", str(changes.result.persons))
        return adjudication_page(request, changes=changes)
