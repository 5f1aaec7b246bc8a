"""`qantar evidence ...` and `qantar incident ...`: thin wrappers over qantar.evidence."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
from rich.table import Table

from qantar.cli._common import (
    OutputFormat,
    console,
    err_console,
    only_formats,
    open_project,
    print_json,
)
from qantar.cli._language import LANG, _
from qantar.errors import InputError
from qantar.i18n import DEFAULT_LANGUAGE, N_
from qantar.notes import say

app = typer.Typer()  # this area's commands; qantar.cli adds them to the root


_COLLECTION_LABELS = (
    (N_("collected by"), "collected_by"),
    (N_("collected at"), "collected_at"),
    (N_("time source"), "collected_at_source"),
    (N_("handed over by"), "from_whom"),
    (N_("source URL"), "source_url"),
    (N_("place"), "place"),
    (N_("how"), "how"),
    (N_("original name"), "original_name"),
)


# What `evidence show` prints of an item, in its order: the field and its label.
_ITEM_LABELS = (
    ("sha256", "SHA-256"),  # a name in every language
    ("sha512", "SHA-512"),
    ("size", N_("size (bytes)")),
    ("media_type", N_("media type")),
    ("original_name", N_("original name")),
    ("added_at", N_("added at")),
    ("parent_sha256", N_("derived from")),
    ("object", N_("stored object")),
    ("incidents", N_("incidents")),
    ("persons", N_("persons")),
    ("derivatives", N_("derived items")),
)


def _check_format(fmt: str) -> bool:
    return only_formats(fmt, "text", "json") == "json"


def _print_report(report: Any, as_json: bool, what: str) -> None:
    if as_json:
        print_json(report.to_dict())
    else:
        for problem in report.failures:
            kind, subject, message = problem.in_words(_)
            console.print(
                _("FAIL %(kind)s: %(subject)s: %(message)s")
                % {"kind": kind, "subject": subject, "message": message},
                markup=False,
            )
        for problem in report.warnings:
            kind, subject, message = problem.in_words(_)
            console.print(
                _("warn %(kind)s: %(subject)s: %(message)s")
                % {"kind": kind, "subject": subject, "message": message},
                markup=False,
            )
        if len(report.keys) > 1:
            for span in report.keys:
                until = span["last_seq"] if span["last_seq"] is not None else _("now")
                line = (
                    _("key %(key)s: events %(first)s-%(until)s (retired as compromised)")
                    if span["compromised"]
                    else _("key %(key)s: events %(first)s-%(until)s")
                )
                console.print(
                    line % {"key": span["key_id"], "first": span["first_seq"], "until": until},
                    markup=False,
                )
        status = (
            _("OK") if report.ok else _("FAILED (%(n)s problem(s))") % {"n": len(report.failures)}
        )
        console.print(
            _(
                "%(what)s: %(status)s; %(files)s file(s), %(events)s custody event(s), "
                "%(stamps)s timestamp(s) checked; key %(key)s"
            )
            % {
                "what": what,
                "status": status,
                "files": report.objects_checked,
                "events": report.events_checked,
                "stamps": report.timestamps_checked,
                "key": report.key_id,
            },
            markup=False,
        )
        if report.ok and report.recorded is False:
            console.print(
                _("this check was not recorded in the custody log (no private key here)"),
                markup=False,
            )
    if not report.ok:
        # SystemExit, not typer.Exit: qantar.cli.main runs click in non-standalone mode,
        # which turns typer.Exit into a return value that would be lost.
        raise SystemExit(1)


evidence = typer.Typer(
    help=_("Evidence archive: add, verify, export, near duplicates, custody."),
    no_args_is_help=True,
    rich_markup_mode=None,
)
incident = typer.Typer(help=_("Incidents evidence attaches to."), no_args_is_help=True)
app.add_typer(evidence, name="evidence")
app.add_typer(incident, name="incident")


@evidence.command(
    "add",
    help=_("Copy files into the write-once store and record who, when, where and how."),
)
def add_cmd(
    files: Annotated[list[Path], typer.Argument(help=_("Files to add (never folders or links)."))],
    collected_by: Annotated[str | None, typer.Option(help=_("Who collected it."))] = None,
    collected_at: Annotated[
        str | None, typer.Option(help=_("When (ISO 8601 with zone, a date, or unknown)."))
    ] = None,
    time_source: Annotated[
        str | None, typer.Option(help=_("Where the collection time comes from."))
    ] = None,
    source_url: Annotated[str | None, typer.Option(help=_("Where it was found."))] = None,
    place: Annotated[str | None, typer.Option(help=_("Where it was collected."))] = None,
    from_whom: Annotated[str | None, typer.Option(help=_("Who handed it over."))] = None,
    how: Annotated[str | None, typer.Option(help=_("Tool and version used to collect."))] = None,
    incident_id: Annotated[int | None, typer.Option("--incident", help=_("Incident id."))] = None,
    person: Annotated[str | None, typer.Option(help=_("Person id from linkage."))] = None,
    note: Annotated[str | None, typer.Option(help=_("A note kept with the record."))] = None,
    fmt: OutputFormat = "text",
) -> None:
    from qantar.evidence import add

    as_json = _check_format(fmt)
    project = open_project()
    total = sum(os.lstat(f).st_size for f in files if f.is_file() and not f.is_symlink())
    with Progress(
        TextColumn("adding"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=err_console,
        disable=as_json,
        transient=True,
    ) as progress:
        task = progress.add_task("add", total=total or None)
        results = add(
            project,
            files,
            collected_by=collected_by,
            collected_at=collected_at,
            collected_at_source=time_source,
            source_url=source_url,
            place=place,
            from_whom=from_whom,
            how=how,
            incident=incident_id,
            person=person,
            note=note,
            on_progress=lambda n: progress.advance(task, n),
        )
    if as_json:
        print_json([r.__dict__ for r in results])
        return
    for r in results:
        state = _("added") if r.new else _("already held (custody event recorded)")
        size = _("%(n)s B") % {"n": r.size}
        console.print(f"{r.sha256[:12]}  {r.media_type}  {size}  {state}", markup=False)
        for flag in r.flags:
            console.print("  " + _("flag: %(flag)s") % {"flag": flag}, markup=False)


@evidence.command(
    "list",
    help=_("Every item: id, type, size, name, collector."),
)
def list_cmd(fmt: OutputFormat = "text") -> None:
    from qantar.evidence import list_items

    as_json = _check_format(fmt)
    items = list_items(open_project())
    if as_json:
        print_json(items)
        return
    table = Table(_("id"), _("type"), _("bytes"), _("name"), _("collected by"), _("derived from"))
    for it in items:
        table.add_row(
            it["sha256"][:12],
            it["media_type"],
            str(it["size"]),
            it["original_name"],
            it["collected_by"],
            (it["parent_sha256"] or "")[:12],
        )
    console.print(table)


@evidence.command(
    "show",
    help=_("Everything about one item (recorded as a 'viewed' custody event)."),
)
def show_cmd(item: str, fmt: OutputFormat = "text") -> None:
    from qantar.evidence import show_item

    as_json = _check_format(fmt)
    data = show_item(open_project(), item)
    if as_json:
        print_json(data)
        return
    for key, label in _ITEM_LABELS:
        # English keeps the field's code (scripts read these lines); kk and ru word it.
        shown = key if LANG == DEFAULT_LANGUAGE else _(label)
        console.print(f"{shown}: {data[key]}", markup=False)
    for c in data["collections"]:
        # One labelled line per field: "from" alone read as the person who handed it over.
        console.print(
            _("collection record (custody event %(seq)s):") % {"seq": c["custody_seq"]},
            markup=False,
        )
        for label, column in _COLLECTION_LABELS:
            console.print(f"  {_(label)}: {c[column]}", markup=False)
    for md in data["metadata"]:
        console.print(
            _("metadata (%(tool)s): %(summary)s")
            % {"tool": f"{md['tool']} {md['tool_version']}", "summary": md["summary"]},
            markup=False,
        )
        for flag in md["flags"]:
            console.print("  " + _("flag: %(flag)s") % {"flag": flag}, markup=False)
    for cl in data["claims"]:
        console.print(
            _("claim %(kind)s by %(author)s: %(body)s")
            % {"kind": cl["kind"], "author": cl["author"], "body": cl["body"]},
            markup=False,
        )
    for e in data["custody"]:
        console.print(
            f"{e['seq']:>5} {e['time']} "
            + _("%(action)s by %(actor)s: %(reason)s")
            % {"action": e["action"], "actor": e["actor"], "reason": e["reason"]},
            markup=False,
        )
        proof = (e.get("details") or {}).get("third_party_proof")
        if proof:
            state = _("verified") if proof["ok"] else _("FAILED")
            console.print(
                "      "
                + _("third-party proof (%(format)s): %(state)s")
                % {"format": proof["format"], "state": state},
                markup=False,
            )
            for problem in proof["problems"]:
                # Unwrapped: a problem names files by their full hash.
                console.print(f"        {problem}", markup=False, soft_wrap=True)


@evidence.command(
    "similar",
    help=_("Items that look like this one (suggestions; nothing is merged)."),
)
def similar_cmd(item: str, fmt: OutputFormat = "text") -> None:
    from qantar.evidence import similar

    as_json = _check_format(fmt)
    found = similar(open_project(), item)
    if as_json:
        print_json([s.__dict__ for s in found])
        return
    if not found:
        console.print(_("no near duplicates"))
        return
    table = Table(_("id"), _("name"), _("type"), _("pHash dist"), _("PDQ dist"), _("direct"))
    for s in found:
        table.add_row(
            s.sha256[:12],
            s.original_name,
            s.media_type,
            "-" if s.phash_distance is None else str(s.phash_distance),
            "-"
            if s.pdq_distance is None
            else str(s.pdq_distance) + (" " + _("(low quality)") if s.low_quality else ""),
            _("yes") if s.direct else _("via group"),
        )
    console.print(table)


@evidence.command(
    "verify",
    help=_("Re-hash every object; check the custody chain, signatures, head and timestamps."),
)
def verify_cmd(fmt: OutputFormat = "text") -> None:
    from qantar.evidence import verify

    as_json = _check_format(fmt)
    project = open_project()
    with Progress(
        TextColumn("verifying"),
        BarColumn(),
        console=err_console,
        disable=as_json,
        transient=True,
    ) as progress:
        task = progress.add_task("verify", total=None)
        report = verify(project, on_object=lambda _sha: progress.advance(task))
    _print_report(report, as_json, _("archive"))


@evidence.command(
    "export",
    help=_("Write a court bundle: files, manifest, signed custody log, summary, instructions."),
)
def export_cmd(
    out: Annotated[Path, typer.Option("--out", help=_("The bundle to write (.zip)."))],
    incident_id: Annotated[
        int | None, typer.Option("--incident", help=_("Only this incident."))
    ] = None,
    public: Annotated[bool, typer.Option(help=_("Location-free copies; honour consent."))] = False,
    pdf: Annotated[bool, typer.Option(help=_("Add summary.pdf (WeasyPrint)."))] = False,
    renditions: Annotated[
        bool, typer.Option(help=_("Add open-format copies (PNG frames of videos ...)."))
    ] = True,
    fmt: OutputFormat = "text",
    lang: Annotated[
        str, typer.Option("--lang", help=_("Language of summary.html: kk, ru or en."))
    ] = "en",
) -> None:
    from qantar.evidence import export

    as_json = _check_format(fmt)
    result = export(
        open_project(),
        out,
        incident=incident_id,
        public=public,
        pdf=pdf,
        with_renditions=renditions,
        lang=lang,
    )
    if as_json:
        print_json({**result.__dict__, "path": str(result.path)})
        return
    console.print(
        _("wrote %(file)s: %(n)s item(s)") % {"file": result.path, "n": len(result.items)},
        markup=False,
    )
    console.print(
        _("bundle SHA-256 %(sha)s (note it down with the handover)") % {"sha": result.sha256},
        markup=False,
    )
    for w in result.withheld:
        console.print(
            _("left out %(item)s: %(reason)s")
            % {"item": w["item"][:12], "reason": say(w["reason"], _)},
            markup=False,
        )


@evidence.command(
    "verify-bundle",
    help=_("Check an exported bundle on its own (no project needed)."),
)
def verify_bundle_cmd(
    bundle: Path,
    expect_key: Annotated[
        str | None, typer.Option(help=_("The published key fingerprint to insist on."))
    ] = None,
    fmt: OutputFormat = "text",
) -> None:
    from qantar.evidence import verify_bundle

    as_json = _check_format(fmt)
    _print_report(verify_bundle(bundle, expect_key=expect_key), as_json, str(bundle))


@evidence.command(
    "attach",
    help=_("Link an item to an incident and/or a person id."),
)
def attach_cmd(
    item: str,
    incident_id: Annotated[int | None, typer.Option("--incident")] = None,
    person: Annotated[str | None, typer.Option()] = None,
) -> None:
    from qantar.evidence import attach

    sha = attach(open_project(), item, incident=incident_id, person=person)
    console.print(_("attached %(item)s") % {"item": sha[:12]}, markup=False)


@evidence.command(
    "annotate",
    help=_("A claim about an item, kept beside it (never in the object)."),
)
def annotate_cmd(
    item: str,
    text: Annotated[str, typer.Option(help=_("The note, description or claim."))],
    kind: Annotated[str, typer.Option(help=_("note, description, tag, geolocation..."))] = "note",
    confidence: Annotated[float | None, typer.Option(help=_("0 to 1."))] = None,
) -> None:
    from qantar.evidence import annotate

    claim = annotate(open_project(), item, kind=kind, body=text, confidence=confidence)
    console.print(_("claim %(claim)s recorded") % {"claim": claim}, markup=False)


@evidence.command(
    "consent",
    help=_("Record consent given or withdrawn; public exports honour it."),
)
def consent_cmd(
    item: str,
    status: Annotated[str, typer.Option(help=_("given or withdrawn."))],
    scope: Annotated[str, typer.Option(help=_("What the consent covers."))],
    person: Annotated[str | None, typer.Option(help=_("Person id."))] = None,
) -> None:
    from qantar.evidence import record_item_consent

    digest = record_item_consent(open_project(), item, status=status, scope=scope, person=person)
    console.print(
        _("consent %(status)s recorded (%(digest)s)") % {"status": status, "digest": digest[:12]},
        markup=False,
    )


@evidence.command(
    "record",
    help=_("Record a custody action done outside qantar (e.g. a hand-over)."),
)
def record_cmd(
    items: Annotated[list[str], typer.Argument(help=_("Item ids."))],
    action: Annotated[
        str, typer.Option(help=_("acquired, viewed, transferred or deleted-from-working-store."))
    ],
    reason: Annotated[str, typer.Option(help=_("Why, to whom."))],
) -> None:
    from qantar.evidence import record_by_hand

    event = record_by_hand(open_project(), action, items, reason)
    console.print(_("custody event %(seq)s recorded") % {"seq": event["seq"]}, markup=False)


@evidence.command(
    "rotate-key",
    help=_("Replace the custody signing key; the old key signs the hand-over to the new one."),
)
def rotate_key_cmd(
    reason: Annotated[
        str,
        typer.Option(help=_("Why (scheduled, staff change, laptop lost); no names of people.")),
    ],
    compromised: Annotated[
        bool,
        typer.Option(
            "--compromised",
            help=_("The old key may be in other hands: nothing it signs later counts."),
        ),
    ] = False,
    fmt: OutputFormat = "text",
) -> None:
    from qantar.evidence import rotate_key

    as_json = _check_format(fmt)
    result = rotate_key(open_project(), reason=reason, compromised=compromised)
    if as_json:
        print_json(
            {
                "seq": result.seq,
                "previous_key_id": result.previous_key_id,
                "new_key_id": result.new_key_id,
                "compromised": result.compromised,
                "retired_private_key": str(result.retired_private_key),
            }
        )
        return
    rotated = (
        _(
            "custody event %(seq)s: key %(old)s retired as compromised; now signing with key "
            "%(new)s (publish this fingerprint). The old private key was moved to %(file)s: "
            "destroy it, or archive it offline."
        )
        if result.compromised
        else _(
            "custody event %(seq)s: key %(old)s retired; now signing with key %(new)s (publish "
            "this fingerprint). The old private key was moved to %(file)s: destroy it, or "
            "archive it offline."
        )
    )
    console.print(
        rotated
        % {
            "seq": result.seq,
            "old": result.previous_key_id,
            "new": result.new_key_id,
            "file": result.retired_private_key,
        },
        markup=False,
    )


@evidence.command(
    "seal-facts",
    help=_(
        "Once, for an archive made before every item fact was signed: verify everything, then"
        " sign the facts of the items that have none (a 'facts-sealed' custody event)."
    ),
)
def seal_facts_cmd(
    reason: Annotated[
        str, typer.Option(help=_("Why, e.g. 'upgrade; facts checked against the paper log'."))
    ] = "",
    fmt: OutputFormat = "text",
) -> None:
    from qantar.evidence import seal_facts

    as_json = _check_format(fmt)
    result = seal_facts(open_project(), reason=reason)
    if as_json:
        print_json(result.__dict__)
    elif result.seq is None:
        console.print(_("nothing to seal: every item's facts are signed"), markup=False)
    else:
        console.print(
            _(
                "custody event %(seq)s: facts of %(n)s item(s) sealed as found; from now on "
                "every change to them is signed"
            )
            % {"seq": result.seq, "n": len(result.items)},
            markup=False,
        )


@evidence.command(
    "timestamp",
    help=_(
        "Anchor the head of the custody log with an RFC 3161 timestamp.\n\n"
        "Online: --tsa-url URL. Offline: --request-out req.tsq, then on a connected machine "
        "`curl -H 'Content-Type: application/timestamp-query' --data-binary @req.tsq URL > "
        "resp.tsr`, then --response resp.tsr --request req.tsq."
    ),
)
def timestamp_cmd(
    tsa_url: Annotated[
        str | None, typer.Option(help=_("RFC 3161 authority URL (network call)."))
    ] = None,
    trust_root: Annotated[
        Path | None, typer.Option(help=_("PEM root of that authority, trusted from now on."))
    ] = None,
    request_out: Annotated[
        Path | None, typer.Option(help=_("Offline: write the request here (.tsq)."))
    ] = None,
    response: Annotated[
        Path | None, typer.Option(help=_("Offline: the authority's reply (.tsr) ..."))
    ] = None,
    request: Annotated[
        Path | None, typer.Option(help=_("... to this request written earlier."))
    ] = None,
) -> None:
    from qantar.evidence import (
        TimestampRequest,
        add_root,
        build_request,
        store_response,
        timestamp_head,
    )

    project = open_project()
    if trust_root is not None:
        add_root(project, trust_root.read_bytes())
    if request_out is not None:
        req = build_request(project)
        req.save(request_out)
        console.print(
            _("request for custody event %(seq)s written to %(file)s")
            % {"seq": req.seq, "file": request_out},
            markup=False,
        )
    elif response is not None:
        if request is None:
            raise InputError(N_("--response needs --request (the .tsq it answers)"))
        req = TimestampRequest.load(request)
        when = store_response(project, req, response.read_bytes(), tsa=str(response.name))
        console.print(
            _("custody event %(seq)s timestamped at %(when)s") % {"seq": req.seq, "when": when},
            markup=False,
        )
    elif tsa_url is not None:
        when = timestamp_head(project, tsa_url)
        console.print(
            _("custody head timestamped at %(when)s by %(tsa)s") % {"when": when, "tsa": tsa_url},
            markup=False,
        )
    elif trust_root is None:
        raise InputError(N_("give --tsa-url, --request-out, or --response with --request"))


@evidence.command(
    "replicate",
    help=_("Copy every object to the replica folders (second disk, share)."),
)
def replicate_cmd(
    to: Annotated[
        list[Path] | None, typer.Option(help=_("Replica folder (default: qantar.toml)."))
    ] = None,
) -> None:
    from qantar.evidence import replicate

    made = replicate(open_project(), to or None)
    console.print(_("%(n)s cop(ies) written") % {"n": made}, markup=False)


@evidence.command(
    "fixity",
    help=_("Re-hash the store and every replica; name drift; restore from a good copy."),
)
def fixity_cmd(
    to: Annotated[
        list[Path] | None, typer.Option(help=_("Replica folder (default: qantar.toml)."))
    ] = None,
    repair: Annotated[bool, typer.Option(help=_("Restore drifted copies."))] = True,
    fmt: OutputFormat = "text",
) -> None:
    from qantar.evidence import fixity

    as_json = _check_format(fmt)
    report = fixity(open_project(), to or None, repair=repair)
    if as_json:
        print_json(report.to_dict())
    else:
        for d in report.drift:
            console.print(
                _("DRIFT %(file)s: %(problem)s")
                % {"file": d["file"], "problem": say(d["problem"], _)},
                markup=False,
            )
        for r in report.restored:
            console.print(
                _("restored %(file)s from %(copy)s") % {"file": r["file"], "copy": r["from"]},
                markup=False,
            )
        for u in report.unrecoverable:
            console.print(
                _("UNRECOVERABLE %(file)s: no good copy anywhere") % {"file": u}, markup=False
            )
        console.print(_("%(n)s cop(ies) checked") % {"n": report.copies_checked}, markup=False)
    if not report.ok:
        raise SystemExit(1)


@incident.command(
    "add",
    help=_("Record an incident."),
)
def incident_add(
    description: Annotated[str, typer.Option(help=_("What happened."))],
    type_: Annotated[str, typer.Option("--type", help=_("shooting, detention, ..."))],
    date: Annotated[str | None, typer.Option(help=_("YYYY, YYYY-MM or YYYY-MM-DD."))] = None,
    place: Annotated[str | None, typer.Option(help=_("Place as given."))] = None,
    place_id: Annotated[str | None, typer.Option(help=_("Gazetteer id."))] = None,
    fmt: OutputFormat = "text",
) -> None:
    from qantar.evidence import add_incident

    as_json = _check_format(fmt)
    new_id = add_incident(
        open_project(),
        date=date,
        place=place,
        description=description,
        type=type_,
        place_id=place_id,
    )
    if as_json:
        print_json({"id": new_id})
    else:
        console.print(_("incident %(id)s") % {"id": new_id}, markup=False)


@incident.command(
    "list",
    help=_("All incidents with their number of evidence items."),
)
def incident_list(fmt: OutputFormat = "text") -> None:
    from qantar.evidence import list_incidents

    as_json = _check_format(fmt)
    rows = list_incidents(open_project())
    if as_json:
        print_json(rows)
        return
    table = Table(_("id"), _("date"), _("place"), _("type"), _("items"), _("description"))
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["date"] or _("unknown"),
            r["place_raw"] or _("unknown"),
            r["type"],
            str(r["items"]),
            r["description"],
        )
    console.print(table)
