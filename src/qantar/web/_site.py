"""What every page of the web app shares: the project, its settings and templates, and the
few helpers a route needs (who is asking, from where, in which language; audit; render).

Routes live in modules by concern (``_app`` for accounts, persons, consent and import;
others beside it), each given the one ``Site``."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from qantar.accounts import Session, allowed
from qantar.errors import QantarError
from qantar.i18n import LANGUAGE_NAMES, LANGUAGES, speaker
from qantar.project import Project
from qantar.web import _library as lib
from qantar.web._language import LANGUAGE_COOKIE, action, choose, label
from qantar.web._settings import WebSettings

FORM_COOKIE = "qantar_form"  # the CSRF token of forms shown before signing in
ANONYMOUS = "(anonymous)"


class Refusal(Exception):
    """A request refused: a page with ``status`` and a message, or a redirect."""

    def __init__(
        self, status: int, message: str | QantarError = "", *, location: str | None = None
    ) -> None:
        super().__init__(str(message))
        self.status = status
        self.message = message
        self.location = location


class Site:
    """The project a web app serves and the helpers its routes share."""

    def __init__(
        self,
        project: Project,
        settings: WebSettings,
        templates: dict[str, Jinja2Templates],
    ) -> None:
        self.project = project
        self.settings = settings
        self.templates = templates

    def address(self, request: Request) -> str | None:
        peer = request.client.host if request.client else None
        forwarded = request.headers.get("x-forwarded-for")
        if forwarded and peer in self.settings.trusted_proxies:
            # The proxy appends the address it saw; earlier entries are the client's say.
            return forwarded.split(",")[-1].strip()[:64]
        return peer

    def over_tls(self, request: Request) -> bool:
        if self.settings.secure_cookies == "always":
            return True
        if self.settings.secure_cookies == "never":
            return False
        peer = request.client.host if request.client else None
        if peer in self.settings.trusted_proxies:
            return request.headers.get("x-forwarded-proto", "").lower() == "https"
        return request.url.scheme == "https"

    def set_cookie(self, request: Request, response: Response, name: str, value: str) -> None:
        response.set_cookie(
            name, value, httponly=True, samesite="strict", secure=self.over_tls(request), path="/"
        )

    def actor(self, request: Request) -> str:
        session: Session | None = getattr(request.state, "session", None)
        return session.user.name if session else ANONYMOUS

    def record(self, request: Request, action: str, target: str | None = None, **kw: Any) -> None:
        lib.audit(
            self.project, self.actor(request), action, target, address=self.address(request), **kw
        )

    def language(self, request: Request) -> str:
        session: Session | None = getattr(request.state, "session", None)
        return choose(
            request.cookies.get(LANGUAGE_COOKIE),
            request.headers.get("accept-language"),
            self.project.settings.case.languages,
            account=session.user.language if session else None,
        )

    def render(
        self, request: Request, template: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        session: Session | None = getattr(request.state, "session", None)
        role = session.user.role if session else None
        lang = self.language(request)
        talk = speaker(lang)
        # A page's message is an N_-marked sentence of the web app or a library error (its
        # N_-marked message and parameters), both translated here.
        for key in ("message", "error"):
            value = context.get(key)
            if isinstance(value, QantarError):
                context[key] = value.in_words(talk.gettext, on_page=True)
            elif isinstance(value, str):
                context[key] = talk.gettext(value)
        response = self.templates[lang].TemplateResponse(
            request,
            template,
            {
                "session": session,
                "can": (lambda p: role is not None and allowed(role, p)),
                "csrf": request.state.csrf,
                "label": (lambda code: label(code, lang)),
                "action": (lambda code: action(code, lang)),
                "place": (lambda text: lib.place_in(self.project, text, lang)),
                "languages": [(o, LANGUAGE_NAMES[o]) for o in LANGUAGES],
                # Where the switcher returns: this page, when a GET can show it again.
                "here": request.url.path if request.method == "GET" else "/",
                **context,
            },
            status_code=status,
        )
        if getattr(request.state, "new_form_token", False):
            self.set_cookie(request, response, FORM_COOKIE, request.state.csrf)
        return response
