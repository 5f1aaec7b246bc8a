"""The team's web app: server-rendered pages over the library (``_library``), guarded by
the one permissions table (``_access.ROUTES`` and ``qantar.accounts.PERMISSIONS``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import os
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import FileSystemLoader
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from qantar.accounts import (
    PERMISSIONS,
    REFUSED,
    AuthError,
    Permission,
    Role,
    Session,
    allowed,
)
from qantar.errors import QantarError
from qantar.i18n import LANGUAGES, N_, template_environment
from qantar.project import Project
from qantar.web import (
    _estimate_pages,
    _evidence_pages,
    _quarantine_pages,
    _report_pages,
    _review_pages,
)
from qantar.web import _library as lib
from qantar.web._access import ROUTES, UPLOAD_LIMITS
from qantar.web._fields import SHOWN, field_label, how_label, read_label
from qantar.web._language import (
    LANGUAGE_COOKIE,
    LANGUAGE_COOKIE_AGE,
    safe_next,
)
from qantar.web._security import SecurityHeaders
from qantar.web._settings import WebSettings
from qantar.web._site import FORM_COOKIE, Refusal, Site

HERE = Path(__file__).parent
SESSION_COOKIE = "qantar_session"
UPLOAD_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods", ".json", ".jsonl")
UPLOAD_KEPT = dt.timedelta(hours=1)
# One loader for every app, so that each language's environment is built once
# (qantar.i18n.template_environment is cached per loader and language).
LOADER = FileSystemLoader(str(HERE / "templates"))
SELF_DISABLE = N_("You cannot disable your own account. Ask another admin.")
LAST_ADMIN = N_(
    "This is the last admin who can sign in: add and enrol another admin before disabling it."
)
KINDS = ("official", "ngo", "media", "family", "hospital", "morgue", "other")


@dataclass
class Upload:
    """A file uploaded for preview, kept in a private temporary folder until confirmed."""

    session: str
    path: Path
    source: str
    kind: str | None
    at: dt.datetime = field(default_factory=lib.now)


def create_app(project: Project, settings: WebSettings | None = None) -> FastAPI:
    """The app serving ``project``; ``settings`` default to ``[web]`` in qantar.toml."""
    settings = settings or project.settings.web
    templates = {
        lang: Jinja2Templates(env=template_environment(LOADER, lang, strict=False))
        for lang in LANGUAGES
    }
    for each in templates.values():
        each.env.globals["Permission"] = Permission
    uploads: dict[str, Upload] = {}

    site = Site(project, settings, templates)
    if project.encrypted:
        # Starlette spools a large form part (an upload) to the default temporary folder,
        # and the pages' own scratch (uploads, bundles, reports) goes there too: for an
        # encrypted project that is a memory-backed folder, never the disk in plaintext.
        tempfile.tempdir = str(lib.memory_folder())
    address, over_tls, set_cookie = site.address, site.over_tls, site.set_cookie
    actor, record, render = site.actor, site.record, site.render

    async def guard(request: Request) -> None:
        name = getattr(request.scope.get("route"), "name", None)
        token = request.cookies.get(SESSION_COOKIE, "")
        session = (
            await run_in_threadpool(lib.session_for, project, token, idle=settings.idle)
            if token
            else None
        )
        request.state.session = session
        form_token = request.cookies.get(FORM_COOKIE, "")
        request.state.new_form_token = session is None and not form_token
        if session is not None:
            request.state.csrf = session.csrf_token
        else:
            request.state.csrf = form_token or secrets.token_urlsafe(32)
        if name not in ROUTES:
            raise Refusal(403, N_("This page is not open to anyone."))
        permission = ROUTES[name]
        if permission is not None and session is None:
            if request.method == "GET":
                raise Refusal(303, location=str(request.url_for("login_form")))
            record(request, "refused.session", name, outcome=REFUSED)
            raise Refusal(401, N_("Your session has ended. Sign in again."))
        if request.method == "POST":
            await _check_csrf(request, session, form_token, name)
        if permission is None:
            return
        assert session is not None
        if not allowed(session.user.role, permission):
            record(request, "refused.role", name, outcome=REFUSED)
            raise Refusal(403, N_("Your role may not use this page."))

    async def _check_csrf(
        request: Request, session: Session | None, form_token: str, name: str
    ) -> None:
        limit = int(getattr(settings, UPLOAD_LIMITS.get(name, "max_upload_mb"))) * 1024 * 1024
        length = request.headers.get("content-length", "")
        if not length.isdigit():
            # A browser's form always says its length; without one the limit cannot hold.
            record(request, "refused.size", name, outcome=REFUSED)
            raise Refusal(411, N_("This server accepts forms of a stated length only."))
        if int(length) > limit:
            record(request, "refused.size", name, outcome=REFUSED)
            raise Refusal(413, N_("The file is larger than this server accepts."))
        form = await request.form()
        given = form.get("csrf")
        expected = session.csrf_token if session else form_token
        if not isinstance(given, str) or not expected or not hmac.compare_digest(given, expected):
            record(request, "refused.csrf", name, outcome=REFUSED)
            raise Refusal(
                403, N_("This form has expired or did not come from this site. Reload the page.")
            )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        for kept in uploads.values():
            shutil.rmtree(kept.path.parent, ignore_errors=True)
        uploads.clear()

    app = FastAPI(
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(guard)],
    )
    app.state.project = project
    app.state.site = site
    app.state.settings = settings
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(Refusal)
    async def refused(request: Request, exc: Refusal) -> Response:
        if exc.location:
            return RedirectResponse(exc.location, status_code=exc.status)
        if not hasattr(request.state, "csrf"):
            request.state.csrf = ""
        return render(request, "error.html", exc.status, message=exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not hasattr(request.state, "csrf"):
            request.state.csrf = ""
        messages = {404: N_("There is no such page."), 405: N_("This page does not take that.")}
        return render(
            request, "error.html", exc.status_code, message=messages.get(exc.status_code, "")
        )

    @app.post("/language", name="set_language")
    async def set_language(request: Request) -> Response:
        form = await request.form()
        chosen = str(form.get("lang", ""))
        home = str(request.url_for("home"))
        response = RedirectResponse(safe_next(str(form.get("next", "")), home), status_code=303)
        if chosen in LANGUAGES:
            remember_language(request, response, chosen)
            session: Session | None = request.state.session
            if session is not None and session.user.language != chosen:
                # Signed in, the account's language leads: the switcher changes it.
                lib.set_account_language(project, session.user.name, chosen)
                record(request, "account.language", session.user.name)
        return response

    def remember_language(request: Request, response: Response, chosen: str) -> None:
        response.set_cookie(
            LANGUAGE_COOKIE, chosen, max_age=LANGUAGE_COOKIE_AGE, httponly=True,
            samesite="strict", secure=over_tls(request), path="/",
        )  # fmt: skip

    # --- signing in ---------------------------------------------------------------------

    @app.get("/login", name="login_form")
    def login_form(request: Request) -> Response:
        return render(request, "login.html")

    @app.post("/login", name="login")
    async def login(request: Request) -> Response:
        form = await request.form()
        where = address(request)
        try:
            # argon2 takes tens of milliseconds on purpose: not on the event loop.
            user = await run_in_threadpool(
                lib.authenticate,
                project,
                str(form.get("name", "")),
                str(form.get("password", "")),
                str(form.get("code", "")) or None,
                address=where,
            )
        except AuthError:
            failures = lib.recent_failures(project, where, within=dt.timedelta(minutes=15))
            await asyncio.sleep(min(settings.failure_delay * failures, 10.0))
            record(request, "login", None, outcome="failed")
            return render(request, "login.html", 401, error=N_("Sign-in refused: wrong name, "
                          "password or code, or the account is locked for a while."))  # fmt: skip
        token = lib.start_session(project, user, address=where)
        lib.audit(project, user.name, "login", None, address=where)
        response = RedirectResponse(str(request.url_for("home")), status_code=303)
        set_cookie(request, response, SESSION_COOKIE, token)
        response.delete_cookie(FORM_COOKIE, path="/")
        return response

    @app.get("/enrol/{token}", name="enrol_form")
    def enrol_form(request: Request, token: str) -> Response:
        try:
            user = lib.enrolment_user(project, token)
        except AuthError as exc:
            return render(request, "error.html", 404, message=exc)
        secret = lib.new_totp_secret() if user.needs_totp else None
        uri = lib.totp_uri(secret, user.name) if secret else None
        return render(request, "enrol.html", user=user, secret=secret, uri=uri, token=token)

    @app.post("/enrol/{token}", name="enrol")
    async def enrol(request: Request, token: str) -> Response:
        form = await request.form()
        try:
            user = lib.enrolment_user(project, token)
        except AuthError as exc:
            return render(request, "error.html", 404, message=exc)
        secret = str(form.get("secret", "")) or None
        password = str(form.get("password", ""))
        error: str | QantarError
        if password != str(form.get("password2", "")):
            error = N_("The two passwords differ.")
        else:
            try:
                codes = lib.complete_enrolment(
                    project, token, password, totp_secret=secret,
                    totp_code=str(form.get("code", "")) or None,
                )  # fmt: skip
            except QantarError as exc:
                error = exc
            else:
                lib.audit(project, user.name, "enrol", user.name, address=address(request))
                return render(request, "enrolled.html", user=user, codes=codes)
        uri = lib.totp_uri(secret, user.name) if secret else None
        return render(request, "enrol.html", 400, user=user, secret=secret, uri=uri,
                      token=token, error=error)  # fmt: skip

    @app.post("/logout", name="logout")
    def logout(request: Request) -> Response:
        lib.end_session(project, request.cookies.get(SESSION_COOKIE, ""))
        record(request, "logout")
        response = RedirectResponse(str(request.url_for("login_form")), status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.post("/logout-everywhere", name="logout_everywhere")
    def logout_everywhere(request: Request) -> Response:
        session: Session = request.state.session
        ended = lib.end_all_sessions(project, session.user)
        record(request, "logout.everywhere", str(ended))
        response = RedirectResponse(str(request.url_for("login_form")), status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # --- everyone signed in -------------------------------------------------------------

    @app.get("/", name="home")
    def home(request: Request) -> Response:
        return render(request, "home.html")

    @app.get("/account", name="account")
    def account(request: Request) -> Response:
        return render(request, "account.html")

    @app.post("/account/language", name="account_language")
    async def account_language(request: Request) -> Response:
        form = await request.form()
        chosen = str(form.get("lang", ""))
        if chosen and chosen not in LANGUAGES:
            raise Refusal(400, N_("Choose one of the languages offered."))
        session: Session = request.state.session
        lib.set_account_language(project, session.user.name, chosen or None)
        record(request, "account.language", session.user.name)
        response = RedirectResponse(str(request.url_for("account")), status_code=303)
        if chosen:
            remember_language(request, response, chosen)
        return response

    @app.get("/dashboard", name="dashboard")
    def dashboard(request: Request) -> Response:
        return render(request, "dashboard.html", board=lib.dashboard(project))

    # --- persons and consent ------------------------------------------------------------

    @app.get("/persons", name="persons")
    def persons(request: Request) -> Response:
        return render(request, "persons.html", found=None)

    @app.post("/persons", name="persons_search")
    async def persons_search(request: Request) -> Response:
        # A POST, so that the search term never appears in a URL, a log or the history.
        form = await request.form()
        text = str(form.get("q", ""))
        try:
            found = lib.find(project, text)
        except QantarError as exc:
            return render(request, "persons.html", 400, found=None, error=exc, q=text)
        record(request, "persons.search", str(len(found)))
        return render(request, "persons.html", found=found, q=text)

    def person_or_404(request: Request, person_id: str) -> lib.PersonCard:
        try:
            return lib.card(project, person_id)
        except QantarError:
            raise Refusal(404, N_("There is no such person in this project.")) from None

    @app.get("/persons/{person_id}", name="person")
    def person(request: Request, person_id: str) -> Response:
        card = person_or_404(request, person_id)
        record(request, "person.view", person_id)
        history = lib.consent_history(project, person_id)
        return render(request, "person.html", card=card, history=history)

    @app.get("/persons/{person_id}/consent", name="consent_form")
    def consent_form(request: Request, person_id: str) -> Response:
        card = person_or_404(request, person_id)
        record(request, "person.view", person_id)
        return render(
            request,
            "consent.html",
            card=card,
            history=lib.consent_history(project, person_id),
            shown=lib.memorial_preview(project, person_id),
            statuses=lib.STATUSES,
        )

    @app.post("/persons/{person_id}/consent", name="consent")
    async def consent(request: Request, person_id: str) -> Response:
        person_or_404(request, person_id)
        form = await request.form()
        note = str(form.get("note", "")).strip() or None
        session: Session = request.state.session
        try:
            lib.decide_consent(
                project, person_id, str(form.get("status", "")), by=session.user.name, note=note
            )
        except QantarError as exc:
            record(request, "consent.decide", person_id, outcome="failed")
            raise Refusal(400, exc) from None
        record(request, "consent.decide", person_id)
        return RedirectResponse(
            str(request.url_for("consent_form", person_id=person_id)), status_code=303
        )

    @app.get("/memorial", name="memorial")
    def memorial(request: Request) -> Response:
        return render(request, "memorial.html", persons=lib.public(project))

    # --- import -------------------------------------------------------------------------

    def import_page(request: Request, status: int = 200, **context: Any) -> Response:
        held = lib.batches_with_quarantine(project)
        return render(request, "import.html", status, kinds=KINDS, held=held, **context)

    @app.get("/import", name="import_form")
    def import_form(request: Request) -> Response:
        return import_page(request)

    @app.post("/import/preview", name="import_preview")
    async def import_preview(request: Request) -> Response:
        form = await request.form()
        upload = form.get("file")
        source = str(form.get("source", "")).strip()
        kind = str(form.get("kind", "")).strip() or None
        filename = Path(getattr(upload, "filename", "") or "").name
        if not source or upload is None or isinstance(upload, str) or not filename:
            raise Refusal(400, N_("Choose a file and name its source."))
        if Path(filename).suffix.lower() not in UPLOAD_SUFFIXES:
            record(request, "refused.filetype", None, outcome=REFUSED)
            raise Refusal(415, N_("This kind of file cannot be imported: use CSV, TSV, XLSX, "
                                 "XLS, ODS, JSON or JSON Lines."))  # fmt: skip
        _forget_old(uploads)
        folder = Path(tempfile.mkdtemp(prefix="qantar-upload-", dir=_private_tmp()))
        path = folder / filename
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out)
        session: Session = request.state.session
        try:
            result = lib.preview_import(project, path, source=source, kind=kind)
        except QantarError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            record(request, "import.preview", None, outcome="failed")
            return import_page(request, 400, error=_without_folder(exc, folder))
        key = secrets.token_urlsafe(16)
        uploads[key] = Upload(session.token_hash, path, source, kind)
        lang = site.language(request)
        shown = list(dict.fromkeys(c.field for c in result.columns if c.field in SHOWN))
        return render(request, "import_preview.html", result=result, upload=key, shown=shown,
                      cells=SHOWN, field_label=lambda f: field_label(f, lang),
                      how_label=lambda h: how_label(h, lang),
                      read_label=lambda v: read_label(v, lang),
                      place_label=lambda i: project.gazetteer.label(i, lang) or i)  # fmt: skip

    @app.post("/import/confirm", name="import_confirm")
    async def import_confirm(request: Request) -> Response:
        form = await request.form()
        session: Session = request.state.session
        kept = uploads.pop(str(form.get("upload", "")), None)
        if kept is None or kept.session != session.token_hash:
            raise Refusal(400, N_("This preview has expired. Upload the file again."))
        try:
            if form.get("action") != "import":
                return RedirectResponse(str(request.url_for("import_form")), status_code=303)
            try:
                result = lib.run_import(
                    project, kept.path, source=kept.source, kind=kept.kind, by=session.user.name
                )
            except QantarError as exc:
                record(request, "import", None, outcome="failed")
                return import_page(request, 400, error=_without_folder(exc, kept.path.parent))
        finally:
            shutil.rmtree(kept.path.parent, ignore_errors=True)
        record(request, "import", str(result.batch_id))
        problems = lib.quarantined(project, result.batch_id) if result.batch_id else []
        return render(request, "import_done.html", result=result, problems=problems)

    # --- admin --------------------------------------------------------------------------

    @app.get("/admin/users", name="users")
    def users(request: Request) -> Response:
        return render(request, "users.html", users=lib.list_users(project), roles=list(Role),
                      permissions=PERMISSIONS)  # fmt: skip

    def user_action(request: Request, result: lib.Enrolment | None, **context: Any) -> Response:
        link = result.link(settings.base_url) if result else None
        return render(request, "users.html", users=lib.list_users(project), roles=list(Role),
                      permissions=PERMISSIONS, link=link, **context)  # fmt: skip

    @app.post("/admin/users", name="users_add")
    async def users_add(request: Request) -> Response:
        form = await request.form()
        name = str(form.get("name", ""))
        try:
            enrolment = lib.add_user(project, name, str(form.get("role", "")), by=actor(request))
        except QantarError as exc:
            return user_action(request, None, error=exc)
        record(request, "user.add", enrolment.user)
        return user_action(request, enrolment, for_user=enrolment.user)

    @app.post("/admin/users/{name}/disable", name="users_disable")
    def users_disable(request: Request, name: str) -> Response:
        try:
            lib.disable_user(project, name, by=actor(request))
        except lib.AccountRuleError as exc:
            record(request, "user.disable", name, outcome=REFUSED)
            message = SELF_DISABLE if name.strip() == actor(request) else LAST_ADMIN
            raise Refusal(409, message) from exc
        except QantarError as exc:
            raise Refusal(404, exc) from None
        record(request, "user.disable", name)
        return RedirectResponse(str(request.url_for("users")), status_code=303)

    @app.post("/admin/users/{name}/reset", name="users_reset")
    def users_reset(request: Request, name: str) -> Response:
        try:
            enrolment = lib.reset_user(project, name)
        except QantarError as exc:
            raise Refusal(404, exc) from None
        record(request, "user.reset", name)
        return user_action(request, enrolment, for_user=name)

    @app.get("/admin/audit", name="audit")
    def audit(request: Request) -> Response:
        return render(request, "audit.html", events=lib.audit_log(project, limit=500))

    @app.get("/admin/audit.csv", name="audit_csv")
    def audit_csv(request: Request) -> Response:
        record(request, "audit.export")
        return Response(
            lib.audit_csv(project),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="audit.csv"'},
        )

    # Page groups of their own modules (each ``mount(app, site)``) are added here.
    _review_pages.mount(app, site)
    _evidence_pages.mount(app, site)
    _estimate_pages.mount(app, site)
    _report_pages.mount(app, site)
    _quarantine_pages.mount(app, site)

    return app


def _without_folder(exc: QantarError, folder: Path) -> QantarError | str:
    """A library error about an uploaded file, naming the file as its sender named it, not
    the server's private folder it waits in: worded in the reader's language when it does
    not show the folder (a catalog's message names the file alone), else shown without it."""
    if str(folder) not in exc.in_words(str, on_page=True):
        return exc
    return str(exc).replace(str(folder) + os.sep, "")


def _private_tmp() -> str | None:
    # The per-user runtime folder (memory-backed on most systems) when there is one: an
    # uploaded list names people and must not linger on a disk.
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return runtime if runtime and os.path.isdir(runtime) else None


def _forget_old(uploads: dict[str, Upload]) -> None:
    cutoff = lib.now() - UPLOAD_KEPT
    for key, kept in list(uploads.items()):
        if kept.at < cutoff:
            shutil.rmtree(kept.path.parent, ignore_errors=True)
            del uploads[key]
