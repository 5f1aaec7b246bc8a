"""The quarantine of an import batch: the rows set aside with their reasons, a form to fix a
row held back whole, and the batch's quarantine as CSV. Documenters' pages (the import
permission); every fix and every download is an audit event."""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from qantar.accounts import Session
from qantar.errors import QantarError
from qantar.i18n import N_, speaker
from qantar.notes import say
from qantar.web import _library as lib
from qantar.web._fields import FIELD_LABELS
from qantar.web._site import Refusal, Site

SHOWN = 500  # entries on the page; the CSV download holds every one


def _worded(exc: QantarError, gettext: Callable[[str], str]) -> str:
    """A refused fix in the reader's language, the reasons inside it too (the page names
    the entry and its row already, so the error's place is left out)."""
    if not exc.message:
        return str(exc)
    text = gettext(exc.message)
    return text % {k: say(v, gettext) for k, v in exc.params.items()} if exc.params else text


def mount(app: FastAPI, site: Site) -> None:
    project, render, record = site.project, site.render, site.record

    def batch_or_404(batch_id: int) -> dict[str, object]:
        batch = lib.batch_info(project, batch_id)
        if batch is None:
            raise Refusal(404, N_("There is no such import batch."))
        return batch

    def entry_or_404(batch_id: int, entry_id: int) -> dict[str, object]:
        entry = lib.quarantine_entry(project, batch_id, entry_id)
        if entry is None:
            raise Refusal(404, N_("There is no such quarantined row."))
        return entry

    @app.get("/import/batches/{batch_id}/quarantine", name="quarantine")
    def quarantine(request: Request, batch_id: int) -> Response:
        batch = batch_or_404(batch_id)
        # A page, not the whole of a million-row list's problems: the CSV has them all.
        entries = list(islice(project.sources.quarantine(batch=batch_id), SHOWN + 1))
        more = len(entries) > SHOWN
        return render(request, "quarantine.html", batch=batch, entries=entries[:SHOWN],
                      shown=SHOWN if more else None)  # fmt: skip

    @app.get("/import/batches/{batch_id}/quarantine.csv", name="quarantine_csv")
    def quarantine_csv(request: Request, batch_id: int) -> Response:
        batch_or_404(batch_id)
        record(request, "quarantine.export", str(batch_id))
        return Response(
            lib.quarantine_csv(project, batch_id, speaker(site.language(request)).gettext),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="quarantine-{batch_id}.csv"'},
        )

    def fix_page(
        request: Request,
        batch: dict[str, object],
        entry: dict[str, object],
        values: dict[str, str],
        status: int = 200,
        error: str | None = None,
    ) -> Response:
        return render(request, "quarantine_fix.html", status, batch=batch, entry=entry,
                      values=values, fields=FIELD_LABELS, error=error)  # fmt: skip

    @app.get("/import/batches/{batch_id}/quarantine/{entry_id}", name="quarantine_fix_form")
    def quarantine_fix_form(request: Request, batch_id: int, entry_id: int) -> Response:
        batch = batch_or_404(batch_id)
        entry = entry_or_404(batch_id, entry_id)
        values = {} if entry["fixed"] else lib.quarantined_row(project, entry_id)
        return fix_page(request, batch, entry, values)

    @app.post("/import/batches/{batch_id}/quarantine/{entry_id}", name="quarantine_fix")
    async def quarantine_fix(request: Request, batch_id: int, entry_id: int) -> Response:
        batch = batch_or_404(batch_id)
        entry = entry_or_404(batch_id, entry_id)
        form = await request.form()
        # The form starts from what the row holds: a field left as it was is no correction,
        # and a field emptied is one (its cell is read as empty).
        values = {name: str(form.get(name, "")).strip() for name in FIELD_LABELS}
        held = lib.quarantined_row(project, entry_id) if not entry["fixed"] else {}
        corrected = {name: text for name, text in values.items() if text != held.get(name, "")}
        session: Session = request.state.session
        try:
            lib.fix_row(project, entry_id, corrected, by=session.user.name)
        except QantarError as exc:
            record(request, "quarantine.fix", str(entry_id), outcome="failed")
            error = _worded(exc, speaker(site.language(request)).gettext)
            return fix_page(request, batch, entry, values, 400, error)
        record(request, "quarantine.fix", str(entry_id))
        return RedirectResponse(
            str(request.url_for("quarantine", batch_id=batch_id)), status_code=303
        )
