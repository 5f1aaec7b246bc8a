"""The human-readable summary of a bundle (HTML; PDF through WeasyPrint on request), in the
reader's language (templates/summary.html.j2 through the gettext catalogs)."""

from __future__ import annotations

from typing import Any

from jinja2 import PackageLoader

from qantar.i18n import template_environment

_LOADER = PackageLoader("qantar.evidence", "templates")


def render_html(manifest: dict[str, Any], lang: str = "en") -> str:
    env = template_environment(_LOADER, lang, strict=False)
    return env.get_template("summary.html.j2").render(m=manifest)


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    result = HTML(string=html).write_pdf()
    assert isinstance(result, bytes)
    return result
