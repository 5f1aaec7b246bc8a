"""The report pages: build the public report and the memorial site from the browser and
download each as a ZIP, as consent and the rules allow (the library redacts).

Who may: the analyst builds the report, which holds counts and estimates and no name
(``qantar.publish`` builds it from every area's numbers); only the admin builds the
memorial site, which names persons as their families allowed: publishing names is a
decision for the person who answers for the project, and the admin's account has a second
factor where the analyst's need not."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from qantar.errors import QantarError
from qantar.web import _library as lib
from qantar.web._site import Site


def mount(app: FastAPI, site: Site) -> None:
    project = site.project

    @app.get("/reports", name="reports")
    def reports(request: Request) -> Response:
        return site.render(request, "reports.html")

    @app.post("/reports/build", name="report_build")
    async def report_build(request: Request) -> Response:
        lang = site.language(request)
        folder = Path(tempfile.mkdtemp(prefix="qantar-report-"))
        try:
            await run_in_threadpool(
                lib.build_report, project, folder / "site" / "report.html", lang=lang
            )
        except QantarError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            site.record(request, "report.build", None, outcome="failed")
            return site.render(request, "reports.html", 400, error=exc)
        site.record(request, "report.build", lang)
        return _zip_download(folder, f"report-{lang}.zip")

    @app.get("/memorial-site", name="memorial_export_form")
    def memorial_export_form(request: Request) -> Response:
        return site.render(request, "memorial_export.html")

    @app.post("/memorial-site", name="memorial_export")
    async def memorial_export(request: Request) -> Response:
        folder = Path(tempfile.mkdtemp(prefix="qantar-memorial-"))
        try:
            result = await run_in_threadpool(lib.build_memorial, project, folder / "site")
        except QantarError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            site.record(request, "memorial.export", None, outcome="failed")
            return site.render(request, "memorial_export.html", 400, error=exc)
        site.record(request, "memorial.export", str(result.shown))
        return _zip_download(folder, "memorial-site.zip")


def _zip_download(folder: Path, name: str) -> Response:
    """``folder/site`` as a ZIP download; the folder goes once the file is sent."""
    archive = folder / name
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted((folder / "site").rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(folder / "site").as_posix())
    return FileResponse(
        archive, media_type="application/zip", filename=name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )  # fmt: skip
