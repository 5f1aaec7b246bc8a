"""Every setting of ``qantar.toml``, typed, with its default and what it does.

A project's file is read and checked once, when the project opens: an unknown key or a
bad value stops every command with one line naming the key and the file, because a
misspelt ``treshold`` silently ignored would link with a threshold nobody chose. The
defaults live here and nowhere else; ``qantar init`` writes them, and ``docs/settings.md``
is generated from the field docs (``python -m qantar.settings --markdown``).

Errors never repeat a value: a list name, a title or a column header can name a person.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import tomllib
import types
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

from qantar.errors import N_, InputError, QantarError
from qantar.names import SCHEMES as TRANSLIT_SCHEMES

SETTINGS_FILE = "qantar.toml"

# Choices shared with the areas that act on them (kept here: settings import nothing heavy).
EVENT_TYPES = ("killed", "detained", "injured", "disappeared", "tortured", "died_in_custody")
HEADLINE_METHODS = ("lcmcr", "loglinear", "dga", "chapman")
PUBLISH_STATUSES = ("publish", "initials-only", "withhold")
LINK_BACKENDS = ("duckdb", "spark")
TWO_DIGIT_YEAR_MARGIN = 7


def setting(
    default: Any = MISSING,
    doc: str = "",
    *,
    factory: Any = MISSING,
    choices: tuple[str, ...] | None = None,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    key: str | None = None,
) -> Any:
    """A field of a settings section: its default, its documentation and its checks
    (``choices`` for text; ``low``/``high`` bounds for numbers, open with ``low_open``)."""
    meta = {
        "doc": doc,
        "choices": choices,
        "low": low,
        "high": high,
        "low_open": low_open,
        "high_open": high_open,
    }
    if key is not None:
        meta["key"] = key
    if factory is not MISSING:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class ProjectSettings:
    """The project itself: its name and where its registry lives."""

    name: str = setting("", "The project's name (default: the folder's name).")
    database: str = setting(
        "sqlite:///qantar.db",
        "A SQLAlchemy URL; the default is the SQLite file beside qantar.toml. A team server: "
        '`"postgresql+psycopg://user@host/qantar"` (never a password here: the driver '
        "reads ~/.pgpass or PGPASSWORD).",
    )
    database_tls: str | None = setting(
        None, "TLS for a database server: `verify-full` (default for a server) or `off`."
    )
    encrypted: bool = setting(
        False,
        "The SQLite registry is a SQLCipher database and the evidence objects are sealed, "
        "with a key behind the passphrase (docs/security.md).",
    )


@dataclass(frozen=True)
class CaseSettings:
    """The case documented: what every report, memorial and date says of it."""

    title: str = setting(
        "January 2022",
        "How the events are named in titles: 'Deaths in …', 'In memory of those killed in …'.",
    )
    period_start: str = setting(
        "2022-01-01", "First day of the events (ISO date); its year is the fallback year."
    )
    period_end: str = setting(
        "2022-01-31",
        "Last day of the events (ISO date); a two-digit year is read as the latest year "
        "ending in those digits no more than 7 years after it.",
    )
    place: str = setting("Kazakhstan", "Where the events happened, as a dossier names it.")
    events: str = setting(
        "the suppression of the January 2022 protests in Kazakhstan",
        "The events in a sentence's words: a dossier's conduct happened 'during' them.",
    )
    gazetteer: str = setting(
        "kz",
        'The places: `"kz"` (the bundled gazetteer of Kazakhstan) or a CSV path relative to '
        "the project folder, with the columns of qantar/data/kz/places.csv.",
    )
    languages: tuple[str, ...] = setting(
        ("kk", "ru", "en"),
        "Languages of the published pages, in order of preference (the first is index.html).",
        choices=("kk", "ru", "en"),
    )

    @property
    def start_year(self) -> int:
        return int(self.period_start[:4])

    @property
    def end_year(self) -> int:
        return int(self.period_end[:4])

    @property
    def latest_two_digit_year(self) -> int:
        """The latest year a two-digit year may mean: a few years after the events, as a
        list compiled or dated later may write (for 2022: 29 is 2029, 30 is 1930)."""
        return self.end_year + TWO_DIGIT_YEAR_MARGIN


@dataclass(frozen=True)
class ImportSettings:
    """Reading lists (``qantar import``)."""

    headers: Mapping[str, tuple[str, ...]] = setting(
        factory=dict,
        doc="Extra header names per field, added to the built-in Russian, Kazakh and English "
        'ones: `[import.headers]` `surname = ["Фамилия погибшего"]`.',
    )
    duplicate_share: float = setting(
        0.9,
        "Share of a list's rows found in one earlier batch from which the import is refused.",
        low=0.0,
        low_open=True,
        high=1.0,
    )
    max_decompressed_mb: int = setting(1024, "Megabytes one spreadsheet may unpack to.", low=1)
    max_rows: int = setting(1_048_576, "Rows one sheet may hold.", low=1)
    max_columns: int = setting(1024, "Columns one sheet may hold.", low=1)
    max_cells: int = setting(30_000_000, "Cells one sheet may hold.", low=1)


@dataclass(frozen=True)
class SparkSettings:
    """``[link.spark]``: the Spark session of ``backend = "spark"`` (docs/scale.md)."""

    master: str | None = setting(None, "The cluster's master URL (default: local[*]).")
    driver_memory: str | None = setting(None, "This machine's Java process, e.g. `8g`.")
    executor_memory: str | None = setting(None, "Each worker's memory, e.g. `16g`.")
    shuffle_partitions: int = setting(8, "Partitions of a shuffle: a few per core.", low=1)
    work_dir: str | None = setting(
        None, "Where Spark writes its tables (default: the run's scratch folder)."
    )
    config: Mapping[str, str] = setting(
        factory=dict, doc='Any other Spark setting, as text: `{ "spark.executor.cores" = "4" }`.'
    )


@dataclass(frozen=True)
class LinkSettings:
    """Record linkage (``qantar link``)."""

    threshold: float = setting(
        0.2,
        "Match probability above which two records are the same person; chosen on synthetic truth.",
        low=0.0,
        high=1.0,
        low_open=True,
        high_open=True,
    )
    linkage: float = setting(
        0.25,
        "Average-linkage bar a cluster must keep: a chain of weak links is cut apart.",
        low=0.0,
        high=1.0,
    )
    backend: str = setting("duckdb", "The engine that runs Splink.", choices=LINK_BACKENDS)
    threads: int | None = setting(None, "DuckDB's threads (default: every core).", low=1)
    memory_limit: str = setting("3GB", "DuckDB's memory limit.")
    spark: SparkSettings = field(default_factory=SparkSettings)


@dataclass(frozen=True)
class EstimateSettings:
    """Multiple systems estimation (``qantar estimate``)."""

    strata: tuple[str, ...] = setting(
        (), 'Fields to estimate by stratum; the first is used (e.g. `["region"]`).'
    )
    event_type: str = setting("killed", "Whom to count.", choices=EVENT_TYPES)
    imputations: int = setting(
        5, "Imputations of missing stratum values (0: an 'unknown' stratum instead).", low=0
    )
    headline_method: str = setting(
        "lcmcr",
        "The headline method: fix it before looking at numbers.",
        choices=HEADLINE_METHODS,
    )
    seed: int = setting(0, "Seed of the sampling: the same seed gives the same numbers.", low=0)


@dataclass(frozen=True)
class EventsSettings:
    """Event types of lists (``qantar events``)."""

    list_defaults: Mapping[str, str] = setting(
        factory=dict,
        doc="A list's event type for its records that name none, e.g. "
        '`{morgue = "killed"}` (default: the type all its typed records agree on).',
        choices=EVENT_TYPES,
    )


@dataclass(frozen=True)
class ReportSettings:
    """The report (``qantar report``)."""

    title: str = setting("", "The report's title (default: 'Deaths in <case title>: <name>').")
    official_figure: float | None = setting(None, "The official figure shown beside the estimate.")
    official_figure_source: str = setting(
        "", "Who published the official figure (required with it)."
    )
    official_figure_date: str | None = setting(None, "When it was published.")
    estimate_run: str | None = setting(
        None,
        "The estimate the report shows: a folder of runs/ (default: the latest of the killed).",
    )


@dataclass(frozen=True)
class PublishSettings:
    """The memorial and public data (``qantar publish``)."""

    default: str = setting(
        "initials-only",
        "Status of a person no rule and no consent decision settles.",
        choices=PUBLISH_STATUSES,
    )
    withhold_minors_full_name: bool = setting(True, "Age under 18: initials only.")
    rules: tuple[Mapping[str, Any], ...] = setting(
        (), "`[[publish.rules]]` tables of `when` and `status`, applied in order (docs/publish.md)."
    )
    circumstances_columns: tuple[str, ...] = setting(
        (),
        "List columns whose text is published as circumstances (none by default: free text "
        "can name relatives).",
    )
    title: str = setting(
        "", "The memorial's title (default: 'In memory of those killed in <case title>')."
    )
    latin_scheme: str = setting(
        "kz2021",
        "The Latin line under each name on the memorial: the Kazakh Latin alphabet of 2021, "
        "or another scheme of qantar.names (icao as in passports, bgn, press...).",
        choices=TRANSLIT_SCHEMES,
    )


@dataclass(frozen=True)
class EvidenceSettings:
    """Evidence files (``qantar evidence``); limits against hostile files."""

    max_decompressed_mb: int = setting(
        8192, "All members of one ZIP together (WACZ, ProofMode, Tella), in MB.", low=1
    )
    max_index_mb: int = setting(64, "One member read whole into memory, in MB.", low=1)
    max_pixels: int = setting(100_000_000, "Pixels of one picture.", low=1)
    max_zip_members: int = setting(100_000, "Files in one ZIP.", low=1)
    replicas: tuple[str, ...] = setting(
        (), "Folders that keep a second copy of the objects (relative to the project)."
    )


@dataclass(frozen=True)
class AccountabilitySettings:
    """Accountability dossiers and screening."""

    datasets: Mapping[str, Mapping[str, Any]] = setting(
        factory=dict,
        doc="Flagged sanctions lists beside the shipped ones: "
        "`[accountability.datasets.NAME]` with flag, title, caution.",
    )
    submitter: Mapping[str, Any] = setting(
        factory=dict, doc="Who submits a dossier (name, organisation, contact)."
    )
    arguments: Mapping[str, Any] = setting(
        factory=dict, doc="A dossier's arguments per regime, in the submitter's words."
    )


@dataclass(frozen=True)
class ReviewSettings:
    """The review queue a team shares (``qantar serve``, ``project.review``)."""

    lease_minutes: int = setting(
        15,
        "Minutes a pair offered to one reviewer stays theirs; after that it goes to the next.",
        low=1,
    )
    second_opinion: float = setting(
        0.1,
        "Share of decided pairs shown to a second reviewer, blind, to measure agreement "
        "(Cohen's kappa); 0 turns second opinions off.",
        low=0.0,
        high=1.0,
    )
    second_opinion_seed: int = setting(
        2022, "Seed of the choice of pairs for a second opinion (the same pairs every time)."
    )


@dataclass(frozen=True)
class WebSettings:
    """The team's web app (``qantar serve``)."""

    idle_minutes: int = setting(30, "Minutes without a request after which a session ends.", low=1)
    secure_cookies: str = setting(
        "auto",
        "Secure cookies: auto (when the request came over TLS, directly or as a trusted "
        "proxy says), always (behind any TLS proxy), never (only for local testing).",
        choices=("auto", "always", "never"),
    )
    trusted_proxies: tuple[str, ...] = setting(
        ("127.0.0.1", "::1"),
        "Addresses whose X-Forwarded-For / X-Forwarded-Proto are believed (the reverse proxy).",
    )
    max_upload_mb: int = setting(50, "Largest upload accepted, in MB.", low=1)
    max_evidence_mb: int = setting(
        2048, "Largest evidence file accepted through the web app, in MB (streamed to disk).", low=1
    )
    failure_delay: float = setting(
        1.0, "Seconds a failed sign-in waits before answering, times recent failures.", low=0
    )
    base_url: str = setting(
        "http://127.0.0.1:8000",
        "Where the team reaches the app: the enrolment links `qantar users add` prints.",
    )

    @property
    def idle(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.idle_minutes)


@dataclass(frozen=True)
class Settings:
    """All of ``qantar.toml``. ``raw`` is the file as read (for the report's record)."""

    project: ProjectSettings = field(default_factory=ProjectSettings)
    case: CaseSettings = field(default_factory=CaseSettings)
    import_: ImportSettings = field(default_factory=ImportSettings, metadata={"key": "import"})
    link: LinkSettings = field(default_factory=LinkSettings)
    estimate: EstimateSettings = field(default_factory=EstimateSettings)
    events: EventsSettings = field(default_factory=EventsSettings)
    report: ReportSettings = field(default_factory=ReportSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)
    evidence: EvidenceSettings = field(default_factory=EvidenceSettings)
    accountability: AccountabilitySettings = field(default_factory=AccountabilitySettings)
    web: WebSettings = field(default_factory=WebSettings)
    review: ReviewSettings = field(default_factory=ReviewSettings)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    file: str = field(default=SETTINGS_FILE, compare=False, repr=False)

    def updated(self, section: str, **values: Any) -> Settings:
        """These settings with ``values`` set in ``section`` (as its TOML keys), checked
        like the file: for a notebook or a test that tries another setting."""
        raw = copy.deepcopy(dict(self.raw))  # these settings stay as they were
        target = raw
        for part in section.split("."):
            target = target.setdefault(part, {})
        target.update(values)
        return from_mapping(raw, self.file)


T = TypeVar("T")


def _key(f: Any) -> str:
    return str(f.metadata.get("key", f.name))


def _fields(cls: type) -> dict[str, Any]:
    return {_key(f): f for f in fields(cls) if f.name not in ("raw", "file")}


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, where: str, key: str, message: str, **params: Any) -> QantarError:
        """``message`` is marked with ``N_`` and starts "[%(section)s] %(key)s"."""
        return InputError(message, file=self.file, section=where, key=key, **params)

    def section(self, cls: type[T], raw: Any, where: str) -> T:
        if not isinstance(raw, Mapping):
            raise InputError(N_("[%(section)s] must be a table"), file=self.file, section=where)
        known = _fields(cls)
        hints = get_type_hints(cls)
        for name in raw:
            if name not in known:
                close = difflib.get_close_matches(str(name), list(known), n=1)
                # A key is the user's own word for a setting, not a value: safe to name.
                unknown = _UNKNOWN[where == "", bool(close)]
                raise InputError(
                    unknown,
                    file=self.file,
                    section=where,
                    key=name,
                    close=close[0] if close else "",
                )
        values: dict[str, Any] = {}
        for key, f in known.items():
            if key in raw:
                sub = f"{where}.{key}" if where else key
                values[f.name] = self.value(hints[f.name], raw[key], where, key, f.metadata, sub)
        return cls(**values)

    def value(
        self, kind: Any, value: Any, where: str, key: str, meta: Mapping[str, Any], sub: str
    ) -> Any:
        if is_dataclass(kind):
            return self.section(kind, value, sub)  # type: ignore[arg-type]
        origin = get_origin(kind)
        args = get_args(kind)
        if origin in (Union, types.UnionType) and type(None) in args:
            (inner,) = [a for a in args if a is not type(None)]
            return self.value(inner, value, where, key, meta, sub)
        if kind is bool:
            if not isinstance(value, bool):
                raise self.fail(where, key, N_("[%(section)s] %(key)s must be true or false"))
            return value
        if kind is int or kind is float:
            return self.number(kind, value, where, key, meta)
        if kind is str:
            if not isinstance(value, str):
                raise self.fail(where, key, N_("[%(section)s] %(key)s must be text (in quotes)"))
            choices = meta.get("choices")
            if choices and value not in choices:
                raise self.fail(
                    where,
                    key,
                    N_("[%(section)s] %(key)s must be one of %(allowed)s"),
                    allowed=", ".join(choices),
                )
            return value
        if origin is tuple:
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list):
                raise self.fail(where, key, N_("[%(section)s] %(key)s must be a list"))
            if args[0] is str:
                if not all(isinstance(v, str) for v in items):
                    raise self.fail(where, key, N_("[%(section)s] %(key)s must be a list of texts"))
                choices = meta.get("choices")
                if choices and not all(v in choices for v in items):
                    raise self.fail(
                        where,
                        key,
                        N_("[%(section)s] %(key)s: each must be one of %(allowed)s"),
                        allowed=", ".join(choices),
                    )
                if choices and not items:
                    raise self.fail(
                        where,
                        key,
                        N_("[%(section)s] %(key)s: name at least one of %(allowed)s"),
                        allowed=", ".join(choices),
                    )
                return tuple(items)
            if not all(isinstance(v, Mapping) for v in items):
                raise self.fail(
                    where,
                    key,
                    N_("[%(section)s] %(key)s must be a list of tables ([[%(sub)s]])"),
                    sub=sub,
                )
            return tuple(items)
        if origin is Mapping:
            if not isinstance(value, Mapping):
                raise self.fail(
                    where,
                    key,
                    N_("[%(section)s] %(key)s must be a table ([%(sub)s] or {...})"),
                    sub=sub,
                )
            inner = args[1]
            if inner is str:
                choices = meta.get("choices")
                for name, v in value.items():
                    if not isinstance(v, str) or (choices and v not in choices):
                        # The key (a list's label in this file), never the value.
                        if choices:
                            raise self.fail(
                                where,
                                f"{key}.{name}",
                                N_("[%(section)s] %(key)s must be one of %(allowed)s"),
                                allowed=", ".join(choices),
                            )
                        raise self.fail(
                            where, f"{key}.{name}", N_("[%(section)s] %(key)s must be text")
                        )
            elif get_origin(inner) is tuple:
                for v in value.values():
                    if not isinstance(v, str | list) or (
                        isinstance(v, list) and not all(isinstance(x, str) for x in v)
                    ):
                        raise self.fail(
                            where,
                            key,
                            N_(
                                "[%(section)s] %(key)s: each value must be a text or a list of "
                                "texts"
                            ),
                        )
                return {k: (v,) if isinstance(v, str) else tuple(v) for k, v in value.items()}
            elif get_origin(inner) is Mapping and not all(
                isinstance(v, Mapping) for v in value.values()
            ):
                raise self.fail(where, key, N_("[%(section)s] %(key)s: each entry must be a table"))
            return dict(value)
        raise TypeError(f"no reader for {kind!r}")  # pragma: no cover - a developer's slip

    def number(self, kind: type, value: Any, where: str, key: str, meta: Mapping[str, Any]) -> Any:
        whole = kind is int
        ok = isinstance(value, int) if whole else isinstance(value, int | float)
        low, high = meta.get("low"), meta.get("high")
        low_open, high_open = bool(meta.get("low_open")), bool(meta.get("high_open"))
        if (
            not ok
            or isinstance(value, bool)
            or (low is not None and (value <= low if low_open else value < low))
            or (high is not None and (value >= high if high_open else value > high))
        ):
            message = _NUMBER[whole, _bounds(low, high, low_open, high_open, whole)]
            low_text = f"{low:g}" if low is not None else ""
            high_text = f"{high:g}" if high is not None else ""
            raise self.fail(where, key, message, low=low_text, high=high_text)
        return kind(value)


# "[section] key is not a known setting", by (a section?, a close match?).
_UNKNOWN = {
    (True, False): N_("[%(key)s] is not a known section"),
    (True, True): N_("[%(key)s] is not a known section (did you mean %(close)s?)"),
    (False, False): N_("[%(section)s] %(key)s is not a known setting"),
    (False, True): N_("[%(section)s] %(key)s is not a known setting (did you mean %(close)s?)"),
}

# What a number setting must be, by (whole number?, the shape of its bounds): each a whole
# sentence, so that every language words the bounds its own way.
_NUMBER = {
    (True, "between"): N_(
        "[%(section)s] %(key)s must be a whole number strictly between %(low)s and %(high)s"
    ),
    (False, "between"): N_(
        "[%(section)s] %(key)s must be a number strictly between %(low)s and %(high)s"
    ),
    (True, "above_at_most"): N_(
        "[%(section)s] %(key)s must be a whole number above %(low)s and at most %(high)s"
    ),
    (False, "above_at_most"): N_(
        "[%(section)s] %(key)s must be a number above %(low)s and at most %(high)s"
    ),
    (True, "from_to"): N_("[%(section)s] %(key)s must be a whole number from %(low)s to %(high)s"),
    (False, "from_to"): N_("[%(section)s] %(key)s must be a number from %(low)s to %(high)s"),
    (True, "at_least"): N_("[%(section)s] %(key)s must be a whole number of at least %(low)s"),
    (True, "above"): N_("[%(section)s] %(key)s must be a whole number above %(low)s"),
    (False, "above"): N_("[%(section)s] %(key)s must be a number above %(low)s"),
    (True, "any"): N_("[%(section)s] %(key)s must be a whole number"),
    (False, "any"): N_("[%(section)s] %(key)s must be a number"),
}


def _bounds(
    low: float | None, high: float | None, low_open: bool, high_open: bool, whole: bool
) -> str:
    if low is not None and high is not None:
        if low_open and high_open:
            return "between"
        return "above_at_most" if low_open else "from_to"
    if low is not None:
        return "at_least" if whole and not low_open else "above"
    return "any"


def _check_case(case: CaseSettings, file: str) -> None:
    import datetime as dt

    try:
        start = dt.date.fromisoformat(case.period_start)
        end = dt.date.fromisoformat(case.period_end)
    except ValueError:
        raise QantarError(
            N_("%(file)s: [case] period_start and period_end must be dates like 2022-01-31"),
            file=file,
        ) from None
    if end < start:
        raise QantarError(
            N_("%(file)s: [case] period_end must not come before period_start"), file=file
        )


def from_mapping(raw: Mapping[str, Any], file: str = SETTINGS_FILE) -> Settings:
    """Settings from a parsed ``qantar.toml``, checked (``file`` names it in errors)."""
    settings = _Reader(file).section(Settings, raw, "")
    _check_case(settings.case, file)
    return replace(settings, raw=raw, file=file)


def load(path: Path) -> Settings:
    """Read and check a project's ``qantar.toml``."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise QantarError(
            N_("%(file)s: not valid TOML: %(reason)s"), file=path, reason=exc
        ) from exc
    return from_mapping(raw, str(path))


DEFAULTS = Settings()
