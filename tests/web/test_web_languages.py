"""The web app in Kazakh, Russian and English: the reader's choice (the switcher's cookie),
else the browser's Accept-Language, else the first of [case] languages; and no English word
on a Kazakh or Russian page but names and terms kept on purpose."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from web_fixtures import PERSONS, csrf_of

from qantar import Project
from qantar.accounts import Role
from qantar.web import create_app
from qantar.web._language import LANGUAGE_COOKIE, choose, label, safe_next


def _lang(html: str) -> str:
    found = re.search(r'<html lang="(\w+)">', html)
    assert found
    return found.group(1)


def _switch(client: TestClient, lang: str, next_: str = "/") -> str:
    csrf = csrf_of(client.get("/login").text)
    response = client.post(
        "/language", data={"csrf": csrf, "lang": lang, "next": next_}, follow_redirects=False
    )
    assert response.status_code == 303
    return str(response.headers["location"])


def test_the_choice_comes_first_then_the_browser_then_the_case() -> None:
    offered = ("ru", "kk", "en")
    assert choose("en", "ru", offered) == "en"
    assert choose("de", "de-DE,ru;q=0.5,kk;q=0.9", offered) == "kk"
    assert choose(None, "ru-RU,ru;q=0.9,en;q=0.8", offered) == "ru"
    assert choose(None, "en;q=0, kk;q=x", offered) == "ru"  # q=0 is a refusal
    assert choose(None, None, offered) == "ru"
    assert choose(None, "", ("fr", "en")) == "en"


def test_the_switcher_returns_only_to_this_site() -> None:
    assert safe_next("/persons", "/") == "/persons"
    for elsewhere in ("//evil.example/", "https://evil.example/", "/\\evil.example", "", None):
        assert safe_next(elsewhere, "/home") == "/home"


def test_codes_are_worded_in_each_language() -> None:
    assert label(Role.LIAISON, "ru") == "куратор семей"
    assert label("initials-only", "kk") == "тек бас әріптерімен"
    assert label("withhold", "en") == "withhold"
    assert label("a project's own kind", "ru") == "a project's own kind"


def test_a_page_speaks_the_browser_language_else_the_case_first(web_project: Project) -> None:
    app = create_app(web_project)
    with TestClient(app) as plain:
        assert _lang(plain.get("/login").text) == web_project.settings.case.languages[0]
    with TestClient(app, headers={"accept-language": "ru-RU,ru;q=0.9,en;q=0.8"}) as russian:
        page = russian.get("/login").text
        assert _lang(page) == "ru" and "<h1>Войти</h1>" in page


def test_the_switcher_sets_the_language_over_the_browser(
    web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    client = signed_in[Role.VIEWER]  # its browser asks for English
    assert _switch(client, "ru", "/dashboard") == "/dashboard"
    assert client.cookies.get(LANGUAGE_COOKIE) == "ru"
    refused = client.get("/dashboard")  # a viewer may not: the refusal is in Russian too
    assert refused.status_code == 403 and _lang(refused.text) == "ru"
    assert "Вашей роли эта страница недоступна." in refused.text
    assert _switch(client, "kk", "//evil.example/") == "http://testserver/"
    assert _lang(client.get("/").text) == "kk"
    assert _switch(client, "xx") == "/"  # an unknown language changes nothing
    assert client.cookies.get(LANGUAGE_COOKIE) == "kk"


def _latin_words(html: str, kept: set[str]) -> set[str]:
    # A name's Latin line (after the " / ") is kept on purpose, as on the memorial.
    body = re.sub(r"<style.*?</style>|<code>[^<]*</code>| / [^<]*|<[^>]+>", " ", html, flags=re.S)
    for name in sorted(kept, key=len, reverse=True):
        body = body.replace(name, " ")
    return set(re.findall(r"[A-Za-z]{2,}", body))


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_english_on_a_signed_in_page(lang: str, signed_in: dict[Role, TestClient]) -> None:
    seen = {
        Role.DOCUMENTER: ("/", "/dashboard", "/persons", "/persons/P1", "/import", "/account"),
        Role.LIAISON: ("/persons/P1/consent", "/memorial"),
        Role.ADMIN: ("/admin/users", "/admin/audit"),
    }
    pages = {}
    for role, paths in seen.items():
        client = signed_in[role]
        _switch(client, lang)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (role, path)
            pages[path] = response.text
    client = signed_in[Role.DOCUMENTER]
    csrf = csrf_of(pages["/persons"])
    pages["search"] = client.post("/persons", data={"csrf": csrf, "q": "Zhaksylykov"}).text
    assert "/persons/P1" in pages["search"]
    # Kept on purpose: names (of persons, of sources, of accounts), the tool's name, the
    # switcher's "English", format names, UTC and the test client's address.
    names = {p.name for p in PERSONS if p.name} | {p.source for p in PERSONS}
    names |= {f"{role.value}-1" for role in Role} | {"qantar", "English", "UTC", "testclient"}
    names |= {"CSV", "TSV", "XLSX", "XLS", "ODS", "JSON"}
    for path, html in pages.items():
        assert _lang(html) == lang, path
        words = _latin_words(html, names)
        assert not words, (path, sorted(words))


def _import_page_with_error(client: TestClient, content: bytes) -> str:
    csrf = csrf_of(client.get("/import").text)
    response = client.post(
        "/import/preview",
        data={"csrf": csrf, "source": "Горячая линия", "kind": "ngo"},
        files={"file": ("тізім.csv", content, "text/csv")},
    )
    assert response.status_code == 400
    return response.text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_library_error_on_a_page_speaks_the_reader_language(
    lang: str, signed_in: dict[Role, TestClient]
) -> None:
    """The errors a web user meets (import, accounts, search) come from the library with an
    N_-marked message and its parameters: the page says them in the reader's language."""
    documenter, admin = signed_in[Role.DOCUMENTER], signed_in[Role.ADMIN]
    for client in (documenter, admin):
        _switch(client, lang)
    pages = {
        "no data rows": _import_page_with_error(documenter, "Фамилия;Имя\n".encode()),
        "binary": _import_page_with_error(documenter, b"id;x\n1;\x00\x00\x00\x00"),
        "no name": _import_page_with_error(documenter, "Возраст;Город\n34;Алматы\n".encode()),
    }
    csrf = csrf_of(admin.get("/admin/users").text)
    pages["account name"] = admin.post(
        "/admin/users", data={"csrf": csrf, "name": "has spaces", "role": "viewer"}
    ).text
    csrf = csrf_of(documenter.get("/persons").text)
    pages["search"] = documenter.post("/persons", data={"csrf": csrf, "q": "123"}).text
    expected = {
        "kk": ("тақырып жолы бар", "екілік файл", "адамның есімі жоқ", "тіркелгі атауы"),
        "ru": ("строка заголовков", "двоичный файл", "имени человека", "имя учётной записи"),
    }[lang]
    for phrase, html in zip(expected, pages.values(), strict=False):
        assert phrase in html, re.findall(r"role=.alert.[^<]*", html)
    # The file is named, never its private upload folder; Latin left: option names and the
    # mapping file's syntax, kept on purpose (and nothing else).
    assert "тізім.csv" in pages["no data rows"] and "qantar-upload" not in pages["binary"]
    kept = {f"{role.value}-1" for role in Role} | {"qantar", "English", "UTC", "testclient"}
    kept |= {"CSV", "TSV", "XLSX", "XLS", "ODS", "JSON", "NUL", "--mapping", "--no-names",
             "docs/import.md", "--find", "тізім.csv"}  # fmt: skip
    kept.add("[columns] &#34;Header&#34; = &#34;name&#34;")  # a mapping file's line, as typed
    for what, html in pages.items():
        assert _lang(html) == lang, what
        assert not _latin_words(html, kept), (what, sorted(_latin_words(html, kept)))
