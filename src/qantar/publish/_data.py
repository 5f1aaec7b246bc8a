"""Everything a report shows, gathered once from the other areas' public functions.

``ReportData`` is plain data: renderers take it, tests can build it by hand. The numbers
come from the same functions as the CLI: ``qantar status`` (``registry_summary``) and
``qantar estimate --format json`` (the saved ``result.json`` of an estimate run), so the
report cannot disagree with them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qantar import __version__
from qantar.errors import QantarError
from qantar.ingest import Gazetteer
from qantar.notes import N_, Note
from qantar.project import Project
from qantar.publish._persons import person_facts, place_label
from qantar.settings import DEFAULTS
from qantar.store.readers import read_persons, records_linked

if TYPE_CHECKING:
    from qantar.publish._public import TextGuard


@dataclass
class SourceRow:
    name: str
    kind: str
    files: int
    rows_read: int
    records: int
    rows_quarantined: int


@dataclass
class Linkage:
    persons: int
    records_linked: int
    pairs_reviewed: int
    pairs_pending: int
    weak_clusters: int
    run: dict[str, Any] = field(default_factory=dict)  # seed, threshold, backend, created_at


@dataclass
class Overlap:
    """Capture patterns: which lists documented how many persons (for the UpSet plot)."""

    lists: list[str]
    patterns: list[list[int]]
    counts: list[int]


@dataclass
class OfficialFigure:
    value: float
    source: str
    date: str | None = None


@dataclass
class InputFile:
    source: str
    sha256: str
    format: str
    rows_read: int
    imported_at: str


@dataclass
class EstimateRun:
    """Which estimate run a report shows, said in the report: never silently the latest."""

    folder: str
    method: str
    lists: list[str]
    event_type: str | None  # None: a run from before estimates were per event type
    strata_field: str | None
    created_at: str
    dropped: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    chosen: str = "latest"  # "latest", "--estimate" or "[report] estimate_run"
    command: str = ""  # the `qantar estimate` command that re-runs it

    @property
    def experiment(self) -> bool:
        return bool(self.dropped or self.merged)


@dataclass
class ReportData:
    title: str
    generated_at: str
    sources: list[SourceRow]
    totals: dict[str, int]
    linkage: Linkage | None
    estimate: dict[str, Any] | None  # exactly `qantar estimate --format json` of the run
    estimate_run: str | None
    strata_estimate: dict[str, Any] | None  # a run with strata (may be the same run)
    official: OfficialFigure | None
    overlap: Overlap | None
    deaths_by_day: list[tuple[str, int]]
    deaths_undated: int
    deaths_by_place: list[tuple[str, int]]
    deaths_total: int
    version: str = __version__
    run: EstimateRun | None = None
    events: dict[str, Any] | None = None  # qantar.link.event_summary(...).to_dict()
    by_event_type: dict[str, dict[str, Any]] = field(default_factory=dict)  # type -> run
    # The shown run's draws of the total: method -> one list per chain (trace plots).
    chains: dict[str, list[list[float]]] = field(default_factory=dict, repr=False)
    settings: dict[str, Any] = field(default_factory=dict)
    seeds: dict[str, Any] = field(default_factory=dict)
    input_files: list[InputFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    case_title: str = DEFAULTS.case.title  # [case] title: how the events are named
    # No [report] title: each language words the default title itself from these two.
    default_title: bool = False
    project_name: str = ""
    # The project's gazetteer, which names the strata (regions); the bundled one if unset.
    places: Gazetteer | None = field(default=None, repr=False, compare=False)


# Settings sections the report prints (a method section for reproduction); any other
# section ([accountability] submitter contacts, [evidence] paths, sections added later) is
# not printed, so that a new secret cannot slip into the report by default.
_PRINTED_SECTIONS = ("project", "import", "link", "estimate", "report", "publish")


def _redact_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings for the public: only the method sections, passwords in database URLs
    blanked."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, str):
            return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", value)
        return value

    out = {k: v for k, v in clean(settings).items() if k in _PRINTED_SECTIONS}
    if isinstance(out.get("project"), dict) and "database" in out["project"]:
        # A local path can name the documenter's account; a server URL, its host.
        out["project"] = {**out["project"], "database": "(not printed)"}
    # Publication rules can quote words families asked to keep out of print.
    if "publish" in out:
        out["publish"] = {"rules": "(publication rules are not printed)"}
    return out if isinstance(out, dict) else {}


def estimate_runs(project: Project) -> list[Path]:
    """Saved estimate runs, oldest first (the estimate area's own list)."""
    from qantar.estimate import saved_runs

    return saved_runs(project)


def _load(folder: Path) -> dict[str, Any]:
    """A saved run, its warnings as ``Note``s where it saved their words (worded later in
    the report's language)."""
    from qantar.estimate import with_notes

    data: dict[str, Any] = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    return with_notes(data)


def _event_type(result: dict[str, Any]) -> str | None:
    value = result.get("settings", {}).get("event_type")
    return str(value) if value else None


def rerun_command(settings: dict[str, Any]) -> str:
    """The `qantar estimate` command that repeats a run, from the settings it saved."""
    parts = ["qantar", "estimate", "--method", str(settings.get("method", "lcmcr"))]
    if settings.get("event_type"):
        parts += ["--event-type", str(settings["event_type"])]
    if settings.get("strata_field"):
        parts += ["--strata", str(settings["strata_field"])]
        if settings.get("imputations") is not None:
            parts += ["--imputations", str(settings["imputations"])]
    for name in settings.get("merge") or []:
        parts += ["--merge", str(name)]
    for name in settings.get("drop") or []:
        parts += ["--drop", str(name)]
    for key, flag in (("iterations", "--iterations"), ("chains", "--chains")):
        if settings.get(key) is not None:
            parts += [flag, str(settings[key])]
    parts += ["--seed", str(settings.get("seed", 0))]
    return " ".join(shlex.quote(p) for p in parts)


def _run_info(folder: Path, result: dict[str, Any], chosen: str) -> EstimateRun:
    settings = result.get("settings", {})
    written = dt.datetime.fromtimestamp((folder / "result.json").stat().st_mtime, dt.UTC)
    return EstimateRun(
        folder=folder.name,
        method=str(result.get("method", "")),
        lists=[str(x) for x in result.get("lists", [])],
        event_type=_event_type(result),
        strata_field=settings.get("strata_field"),
        created_at=written.strftime("%Y-%m-%d %H:%M UTC"),
        dropped=[str(x) for x in settings.get("drop") or []],
        merged=[str(x) for x in settings.get("merge") or []],
        chosen=chosen,
        command=rerun_command(settings),
    )


def _choose_run(
    project: Project, runs: list[Path], wanted: str | Path | None
) -> tuple[Path | None, str]:
    """The run named by ``--estimate`` or ``[report] estimate_run``, else the latest run
    of the killed (the toll) with every list, else with lists dropped or merged, else the
    latest run of any kind."""
    configured = project.settings.report.estimate_run
    chosen = wanted or configured
    if chosen:
        folder = Path(chosen)
        if not folder.is_absolute():
            by_name = project.runs_dir / folder
            folder = by_name if by_name.is_dir() else project.root / folder
        if not (folder / "result.json").is_file():
            if not runs:
                raise QantarError(
                    N_("%(run)s: no estimate run of that name in runs/ (latest: none yet)"),
                    run=folder.name,
                )
            raise QantarError(
                N_("%(run)s: no estimate run of that name in runs/ (latest: %(runs)s)"),
                run=folder.name,
                runs=", ".join(p.name for p in runs[-5:]),
            )
        return folder, ("--estimate" if wanted else "[report] estimate_run")
    loaded = [(r, _load(r)) for r in runs]
    killed = [(r, d) for r, d in loaded if _event_type(d) in ("killed", None)]
    complete = [r for r, d in killed if not _experiment(d)]
    for found in (complete, [r for r, _ in killed], runs):
        if found:
            return found[-1], "latest"
    return None, "latest"


def report_estimate_run(project: Project, wanted: str | Path | None = None) -> Path | None:
    """The folder of the estimate run the report shows (None when there is none): what
    any other output quoting "the report's estimate" (the dossier) should read."""
    return _choose_run(project, estimate_runs(project), wanted)[0]


def _experiment(result: dict[str, Any]) -> bool:
    settings = result.get("settings", {})
    return bool(settings.get("drop") or settings.get("merge"))


def _sources(project: Project) -> tuple[list[SourceRow], dict[str, int]]:
    from qantar.ingest import registry_summary

    summary = registry_summary(project)
    rows = [
        SourceRow(s.name, s.kind, s.batches, s.rows_read, s.records, s.rows_quarantined)
        for s in summary.sources
    ]
    return rows, dict(summary.totals)


def _linkage(project: Project) -> Linkage | None:
    from qantar import link

    engine = project.engine
    active = read_persons(engine)
    if not active:
        return None
    n, weak, linked = len(active), sum(p.weak for p in active), records_linked(engine)
    run = link.last_run(engine) or {}
    return Linkage(
        persons=int(n),
        records_linked=int(linked),
        pairs_reviewed=len(link.current_decisions(project)),
        pairs_pending=link.awaiting_review(project),
        weak_clusters=int(weak),
        run=run,
    )


def _official(project: Project) -> OfficialFigure | None:
    section = project.settings.report
    if section.official_figure is None:
        return None
    number = section.official_figure
    source = section.official_figure_source.strip()
    if not source:
        raise QantarError(
            N_(
                "qantar.toml [report] official_figure_source: say who published the official "
                "figure (see src/qantar/data/kz/official_figures.csv for sourced figures)"
            )
        )
    date = section.official_figure_date
    return OfficialFigure(number, source, date or None)


def collect_report_data(project: Project, *, estimate_run: str | Path | None = None) -> ReportData:
    """Gather every number and table the report shows.

    The estimate is ``estimate_run`` (a folder of runs/, by name or path), else
    ``[report] estimate_run``, else the latest run of the killed; the report says which.
    Deaths by day and place count persons documented as killed or died in custody."""
    from qantar import link
    from qantar.ingest import list_batches

    sources, totals = _sources(project)
    if not sources:
        raise QantarError(N_("nothing imported yet: `qantar import FILE --source NAME` first"))
    linkage = _linkage(project)
    warnings: list[str] = []
    runs = estimate_runs(project)
    run_folder, how = _choose_run(project, runs, estimate_run)
    estimate: dict[str, Any] | None = None
    run_info: EstimateRun | None = None
    chains: dict[str, list[list[float]]] = {}
    if run_folder is not None:
        from qantar.estimate import read_chains

        estimate = _load(run_folder)
        run_info = _run_info(run_folder, estimate, how)
        chains = read_chains(run_folder)
        if run_info.event_type is None:
            warnings.append(
                Note(
                    N_(
                        "this estimate run predates estimates per event type: it counted "
                        "every linked person whatever their lists said happened (detained, "
                        "disappeared...); run `qantar estimate` again"
                    )
                )
            )
        if run_info.experiment:
            warnings.append(
                Note(
                    N_(
                        "the estimate shown comes from a run with lists dropped or merged "
                        "(%(lists)s); name another with `qantar report --estimate RUN` if "
                        "that was an experiment"
                    ),
                    lists=", ".join(run_info.dropped + run_info.merged),
                )
            )
    else:
        warnings.append(
            Note(N_("no estimate yet: run `qantar estimate` to estimate the true toll"))
        )
    event_type = run_info.event_type if run_info is not None else None
    same_type = [r for r in runs if _event_type(_load(r)) == event_type]
    strata_estimate = None
    if estimate is not None and estimate.get("strata"):
        strata_estimate = estimate
    else:
        with_strata = [r for r in same_type if _load(r).get("strata")]
        if with_strata:
            strata_estimate = _load(with_strata[-1])
    by_event_type: dict[str, dict[str, Any]] = {}
    for folder in runs:
        result = _load(folder)
        kind = _event_type(result)
        if kind is not None and not _experiment(result):
            by_event_type[kind] = {**result, "folder": folder.name}
    overlap = None
    events: dict[str, Any] | None = None
    if linkage is not None:
        summary = link.event_summary(project)
        events = summary.to_dict()
        hist = link.project_histories(project, event_type=event_type or "killed")
        overlap = Overlap(
            list(hist.lists),
            [[int(x) for x in row] for row in hist.patterns],
            [int(c) for c in hist.counts],
        )
        died = {
            pid
            for pid, p in link.person_events(project).items()
            if set(p.types) & set(link.DEATH_TYPES)
        }
        facts = [f for f in person_facts(project) if f.person_id in died]
        if summary.conflicts:
            warnings.append(
                Note(
                    N_(
                        "%(n)s persons' lists disagree on what happened to them (e.g. killed "
                        "and detained): `qantar events --conflicts` lists them for a decision"
                    ),
                    n=summary.conflicts,
                )
            )
    else:
        warnings.append(Note(N_("records are not linked yet: run `qantar link`")))
        facts = []
    days = Counter(f.event_date for f in facts if f.event_date and len(f.event_date) == 10)
    undated = sum(1 for f in facts if not (f.event_date and len(f.event_date) == 10))
    places = Counter(place_label(f.region_id, project.gazetteer) or "place unknown" for f in facts)
    if linkage is not None and linkage.pairs_pending:
        warnings.append(
            Note(
                N_(
                    "%(n)s close calls await review: the person count may still change "
                    "(`qantar review`)"
                ),
                n=linkage.pairs_pending,
            )
        )
    now = (
        (events or {}).get("by_type", {}).get(event_type)
        if event_type
        else (linkage.persons if linkage else None)
    )
    if (
        estimate is not None
        and now is not None
        and estimate.get("observed") != now
        and not (run_info is not None and run_info.experiment)
    ):
        warnings.append(
            Note(
                N_(
                    "the estimate run saw %(then)s documented persons, linkage now has "
                    "%(now)s: if lists or links changed since, run `qantar estimate` again"
                ),
                then=estimate.get("observed"),
                now=now,
            )
        )
    seeds: dict[str, Any] = {}
    if linkage is not None and linkage.run:
        seeds["link"] = linkage.run.get("seed")
    if estimate is not None:
        seeds["estimate"] = estimate.get("settings", {}).get("seed")
    inputs = [
        InputFile(b["source"], b["sha256"], str(b["format"]), int(b["rows_read"]),
                  str(b.get("imported_at", "")))
        for b in list_batches(project)
    ]  # fmt: skip
    title = project.settings.report.title or (
        f"Deaths in {project.settings.case.title}: {project.name}"
    )
    data = ReportData(
        title=title,
        case_title=project.settings.case.title,
        default_title=not project.settings.report.title,
        project_name=project.name,
        places=project.gazetteer,
        generated_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        sources=sources,
        totals=totals,
        linkage=linkage,
        estimate=estimate,
        estimate_run=run_folder.name if run_folder is not None else None,
        run=run_info,
        events=events,
        by_event_type=by_event_type,
        chains=chains,
        strata_estimate=strata_estimate,
        official=_official(project),
        overlap=overlap,
        deaths_by_day=sorted(days.items()),
        deaths_undated=undated,
        deaths_by_place=sorted(places.items(), key=lambda kv: (-kv[1], kv[0])),
        deaths_total=len(facts),
        settings=_redact_settings(dict(project.settings.raw)),
        seeds=seeds,
        input_files=inputs,
        warnings=warnings,
    )
    if linkage is not None:
        _guard_texts(data, project)
    return data


def _guard_texts(data: ReportData, project: Project) -> None:
    """Every text of the report a person wrote (titles, list names, settings) through the
    public text guard: a list named after a withheld person is shown by its number."""
    from qantar.publish._public import project_guard, public_data, public_label

    guard = project_guard(project)
    names: dict[str, str] = {}
    for i, s in enumerate(data.sources, start=1):
        names[s.name] = public_label(guard, s.name, f"list {i}", "source")

    def name(text: str) -> str:
        return names.get(text) or public_label(guard, text, "list", "source")

    data.case_title = public_label(guard, data.case_title, "the events", "case title")
    data.title = public_label(guard, data.title, f"Deaths in {data.case_title}", "title")
    data.project_name = public_label(guard, data.project_name, "", "project name")
    for s in data.sources:
        s.name = name(s.name)
    for f in data.input_files:
        f.source = name(f.source)
    if data.overlap is not None:
        data.overlap.lists = [name(x) for x in data.overlap.lists]
    for est in (data.estimate, data.strata_estimate):
        if est is not None and isinstance(est.get("lists"), list):
            est["lists"] = [name(str(x)) for x in est["lists"]]
    if data.official is not None:
        data.official.source = public_label(guard, data.official.source, "(left out)", "source")
    data.settings = public_data(guard, data.settings, "settings")
    # Warnings can quote a list's name: through the guard, whole or not at all.
    def warning(text: str) -> str:
        return guarded_note(guard, text)

    data.warnings = [warning(w) for w in data.warnings]
    parts = [data.estimate, data.strata_estimate]
    for est in (e for e in parts if e is not None):
        parts += [m for m in est.get("methods", []) if isinstance(m, dict)]
        parts += [p for p in (est.get("strata") or {}).values() if isinstance(p, dict)]
    for part in (p for p in parts if p is not None and isinstance(p.get("warnings"), list)):
        part["warnings"] = [warning(w) for w in part["warnings"]]
    # The sensitivity table and the model checks name lists too (a list left out, a pair
    # of lists, a capture pattern), in every run the report shows.
    for est in [data.estimate, data.strata_estimate, *data.by_event_type.values()]:
        if est is not None:
            _guard_robustness(est, name, warning)


WARNING_LEFT_OUT = N_("(a warning left out: it may name a person whose name is withheld)")


def guarded_note(guard: TextGuard, text: Any) -> str:
    """A warning through the public text guard, whole or not at all. A ``Note`` stays one
    (so the report words it in the reader's language): its English sentence is checked
    whole, then each parameter (list and stratum names, the only part from the data) is
    passed through the guard, which blanks the names of persons shown by initials."""
    from qantar.publish._public import public_label, public_text

    left_out = Note(WARNING_LEFT_OUT)
    if not isinstance(text, Note):
        return public_label(guard, str(text), left_out, "warning")
    if public_text(guard, text, "warning") is None:
        return left_out
    params: dict[str, Any] = {}
    for key, value in text.params.items():
        if isinstance(value, str):
            shown = guarded_note(guard, value)
            if shown == left_out:
                return left_out
            params[key] = shown
        else:
            params[key] = value
    return Note(text.message, **params)


def _guard_robustness(
    est: dict[str, Any], name: Callable[[str], str], warning: Callable[[str], str]
) -> None:
    def joined(text: str) -> str:  # "ngo+hotline", and merged lists "a+b" alike
        return "+".join(name(part) for part in str(text).split("+"))

    sensitivity = est.get("sensitivity")
    if isinstance(sensitivity, dict):
        for row in sensitivity.get("rows", []):
            if isinstance(row.get("lists"), list):
                row["lists"] = [name(str(x)) for x in row["lists"]]
            if row.get("dropped") is not None:
                row["dropped"] = name(str(row["dropped"]))
                row["label"] = f"without {row['dropped']}"
            if "error" in row:
                row["error"] = warning(row["error"])
        for key in ("warnings", "method_warnings"):
            if isinstance(sensitivity.get(key), list):
                sensitivity[key] = [warning(w) for w in sensitivity[key]]
    checks = [est.get("diagnostics") or {}]
    if isinstance(sensitivity, dict):
        checks.append(sensitivity.get("checks") or {})
    for where in checks:
        dependence = where.get("dependence_check") or {}
        if isinstance(dependence.get("pairs_named"), list):
            dependence["pairs_named"] = [joined(p) for p in dependence["pairs_named"]]
        for row in dependence.get("pairs") or []:
            row["pair"] = joined(row["pair"])
        for row in (where.get("predictive_check") or {}).get("patterns") or []:
            row["pattern"] = joined(row["pattern"])
