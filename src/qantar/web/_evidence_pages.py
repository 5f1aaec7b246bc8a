"""The evidence pages: upload (streamed to disk), the list, an item's page (metadata, near
duplicates, custody log, verification), attaching to a person or an incident, and the
court bundle for the admin.

Documenters add and open evidence; only the admin exports the court bundle. Every write
and every export is a custody event (the library's) and an audit event (the app's)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from qantar.accounts import REFUSED
from qantar.errors import QantarError
from qantar.i18n import N_, speaker
from qantar.web import _library as lib
from qantar.web._site import Refusal, Site

CHUNK = 1024 * 1024
FIELDS = ("collected_by", "collected_at", "source_url", "place", "from_whom", "note")


def mount(app: FastAPI, site: Site) -> None:
    project = site.project

    def item_or_404(request: Request, sha: str) -> dict[str, object]:
        try:
            return lib.evidence_item(project, sha, by=site.actor(request))
        except QantarError:
            raise Refusal(404, N_("There is no such evidence item.")) from None

    def incident_of(text: str) -> int | None:
        if not text.strip():
            return None
        if not text.strip().isdigit():
            raise Refusal(400, N_("Choose an incident from the list."))
        return int(text)

    @app.get("/evidence", name="evidence_list")
    def evidence_list(request: Request) -> Response:
        return site.render(request, "evidence_list.html", items=lib.evidence_rows(project))

    @app.get("/evidence/add", name="evidence_add_form")
    def evidence_add_form(request: Request) -> Response:
        return site.render(
            request, "evidence_add.html", incidents=lib.incidents(project), values={}
        )

    @app.post("/evidence/add", name="evidence_add")
    async def evidence_add(request: Request) -> Response:
        # The guard read the form already: Starlette spooled the file to a temporary file
        # on disk (past 1 MB), so a large file never sits whole in memory.
        form = await request.form()
        upload = form.get("file")
        filename = Path(getattr(upload, "filename", "") or "").name
        values = {k: str(form.get(k, "")).strip() for k in (*FIELDS, "incident", "person")}
        if upload is None or isinstance(upload, str) or not filename:
            raise Refusal(400, N_("Choose a file to add."))
        incident = incident_of(values["incident"])
        limit = site.settings.max_evidence_mb * 1024 * 1024
        folder = Path(tempfile.mkdtemp(prefix="qantar-evidence-"))
        try:
            path = folder / filename
            written = 0
            with path.open("wb") as out:
                while chunk := await upload.read(CHUNK):
                    written += len(chunk)
                    if written > limit:  # the stated length may have lied
                        site.record(request, "refused.size", "evidence_add", outcome=REFUSED)
                        raise Refusal(413, N_("The file is larger than this server accepts."))
                    out.write(chunk)
            fields = {k: values[k] or None for k in FIELDS}
            try:
                added = await run_in_threadpool(
                    lib.evidence_add, project, path, by=site.actor(request), fields=fields,
                    incident=incident, person=values["person"] or None,
                )  # fmt: skip
            except QantarError as exc:
                site.record(request, "evidence.add", None, outcome="failed")
                # The page words the error in the reader's language and names the file
                # without the temporary folder it waits in.
                return site.render(
                    request, "evidence_add.html", 400, incidents=lib.incidents(project),
                    values=values, error=exc,
                )  # fmt: skip
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        site.record(request, "evidence.add", added.sha256)
        return RedirectResponse(
            str(request.url_for("evidence_item", sha=added.sha256)), status_code=303
        )

    @app.get("/evidence/items/{sha}", name="evidence_item")
    def evidence_item(request: Request, sha: str) -> Response:
        item = item_or_404(request, sha)
        site.record(request, "evidence.view", str(item["sha256"]))
        return site.render(
            request, "evidence_item.html", item=item, incidents=lib.incidents(project)
        )

    @app.post("/evidence/items/{sha}/attach", name="evidence_attach")
    async def evidence_attach(request: Request, sha: str) -> Response:
        form = await request.form()
        incident = incident_of(str(form.get("incident", "")))
        person = str(form.get("person", "")).strip() or None
        if incident is None and person is None:
            raise Refusal(400, N_("Choose an incident or give a person's id."))
        if person is not None:
            try:
                lib.card(project, person)
            except QantarError:
                raise Refusal(404, N_("There is no such person in this project.")) from None
        try:
            done = lib.evidence_attach(
                project, sha, incident=incident, person=person, by=site.actor(request)
            )
        except QantarError:
            site.record(request, "evidence.attach", sha[:64], outcome="failed")
            raise Refusal(404, N_("There is no such evidence item or incident.")) from None
        site.record(request, "evidence.attach", done)
        return RedirectResponse(str(request.url_for("evidence_item", sha=done)), status_code=303)

    @app.post("/evidence/verify", name="evidence_verify")
    async def evidence_verify(request: Request) -> Response:
        report = await run_in_threadpool(lib.evidence_verify, project)
        site.record(request, "evidence.verify", None, outcome="ok" if report.ok else "failed")
        words = speaker(site.language(request)).gettext
        return site.render(
            request,
            "evidence_verified.html",
            report=report,
            failures=[p.in_words(words) for p in report.failures],
            warnings=[p.in_words(words) for p in report.warnings],
        )

    @app.get("/evidence/export", name="evidence_export_form")
    def evidence_export_form(request: Request) -> Response:
        return site.render(request, "evidence_export.html", incidents=lib.incidents(project))

    @app.post("/evidence/export", name="evidence_export")
    async def evidence_export(request: Request) -> Response:
        form = await request.form()
        incident = incident_of(str(form.get("incident", "")))
        folder = Path(tempfile.mkdtemp(prefix="qantar-bundle-"))
        out = folder / "bundle.zip"
        try:
            result = await run_in_threadpool(
                lib.evidence_export, project, out, incident=incident, by=site.actor(request)
            )
        except QantarError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            site.record(request, "evidence.export", None, outcome="failed")
            return site.render(
                request, "evidence_export.html", 400, incidents=lib.incidents(project),
                error=exc,
            )  # fmt: skip
        site.record(request, "evidence.export", result.sha256)
        name = f"court-bundle-{result.sha256[:12]}.zip"
        # The bundle leaves the server as a download; its folder goes once it is sent.
        return FileResponse(
            out, media_type="application/zip", filename=name,
            background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
        )  # fmt: skip
