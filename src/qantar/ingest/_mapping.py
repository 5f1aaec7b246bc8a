"""Which column holds which field: built-in header names in Russian, Kazakh and English,
plus the project's ``[import.headers]`` and a mapping file, which win over the built-ins."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qantar.errors import N_, InputError
from qantar.ingest._sheets import EXCEL_1900, EXCEL_1904
from qantar.ingest._text import fold, squeeze
from qantar.model.dicts import jsonable

FIELDS = (
    "source_record_id",
    "name",
    "surname",
    "given",
    "patronymic",
    "sex",
    "birth_date",
    "age",
    "event_date",
    "place",
    "event_type",
    "notes",
)
# Fields that may come from several columns; their values are joined (Город + Область).
MULTI_FIELDS = {"place": ", ", "notes": " | "}
IGNORE = "ignore"
WEAK_NAME = "weak name"  # a built-in header list, never a field name a user can give
NAME_FIELDS = ("name", "surname", "given")
_ALIASES = {
    "full_name": "name",
    "fullname": "name",
    "fio": "name",
    "given_name": "given",
    "first_name": "given",
    "last_name": "surname",
    "id": "source_record_id",
    "record_id": "source_record_id",
    "status": "event_type",
    "type": "event_type",
    "dob": "birth_date",
    "date": "event_date",
    "note": "notes",
    "": IGNORE,
    "none": IGNORE,
    "skip": IGNORE,
}

_BUILTIN: dict[str, tuple[str, ...]] = {
    "source_record_id": (
        "№", "№ п/п", "п/п", "пп", "id", "номер", "номер записи", "record id", "record no",
        "no", "nr", "number", "#", "р/с", "реттік нөмір", "рет саны",
    ),
    "name": (
        "ФИО", "Ф.И.О.", "фамилия имя отчество", "фамилия, имя, отчество", "фамилия и имя",
        "имя фамилия", "полное имя", "ФИО погибшего", "ФИО задержанного", "аты-жөні",
        "аты жөні", "толық аты-жөні", "тегі, аты, әкесінің аты", "name", "full name",
        "person", "victim", "victim name", "name of victim",
    ),
    # Headers that name the people of a list without saying "name" ("Погибший": the dead
    # person). Taken as the full name only when no column is plainly a name (see WEAK_NAMES).
    WEAK_NAME: (
        "погибший", "погибшая", "погибшие", "погибший (ая)", "задержанный", "задержанные",
        "пострадавший", "пострадавшие", "жертва", "жертвы", "умерший", "қаза тапқан",
        "қаза тапқандар", "марқұм", "deceased", "the deceased", "killed", "detainee",
    ),
    "surname": ("фамилия", "тегі", "тегi", "surname", "last name", "family name"),
    "given": ("имя", "аты", "есімі", "first name", "given name", "forename"),
    "patronymic": (
        "отчество", "әкесінің аты", "әкесінің есімі", "patronymic", "middle name",
        "father's name",
    ),
    "sex": ("пол", "жынысы", "жыныс", "sex", "gender"),
    "birth_date": (
        "дата рождения", "дата рожд", "д.р.", "год рождения", "г.р.", "туған күні",
        "туған жылы", "туылған күні", "туған күні мен жылы", "date of birth", "dob",
        "birth date", "birthdate", "born", "year of birth",
    ),
    "age": ("возраст", "полных лет", "жасы", "жас", "age", "age at death"),
    "event_date": (
        "дата", "дата смерти", "дата гибели", "дата задержания", "дата ранения",
        "дата исчезновения", "дата события", "дата происшествия", "күні", "қайтыс болған күні",
        "қаза тапқан күні", "ұсталған күні", "оқиға күні", "date", "date of death",
        "date of detention", "date of arrest", "date of incident", "event date",
        "incident date", "death date", "когда", "когда погиб", "when",
    ),
    "place": (
        "место", "место гибели", "место смерти", "место задержания", "место события",
        "место происшествия", "город", "область", "регион", "населенный пункт", "нас. пункт",
        "қала", "облыс", "өңір", "жері", "мекен", "қайтыс болған жері", "қаза тапқан жері",
        "ұсталған жері", "оқиға орны", "place", "place of death", "place of detention",
        "city", "region", "location", "oblast", "town", "settlement",
    ),
    "event_type": (
        "статус", "тип", "категория", "событие", "что произошло", "вид", "мәртебесі",
        "санаты", "оқиға", "түрі", "status", "type", "event", "event type", "category",
        "fate", "outcome",
    ),
    "notes": (
        "примечание", "примечания", "комментарий", "комментарии", "заметки", "подробности",
        "обстоятельства", "описание", "ескертпе", "ескертулер", "түсініктеме", "мәлімет",
        "notes", "note", "comment", "comments", "remarks", "details", "description",
        "circumstances",
    ),
    # Headers that begin like a field's name but are something else: never mapped.
    IGNORE: (
        "место жительства", "место рождения", "адрес", "тұрғылықты жері", "туған жері",
        "place of birth", "address", "residence", "дата публикации", "date of publication",
        "date added", "дата добавления",
    ),
}  # fmt: skip

# A date column's name may say what happened; used only when a row has no event type.
_IMPLIED_EVENT = {
    "killed": ("смерти", "гибели", "кайтысболган", "казатапкан", "death"),
    "detained": ("задержания", "усталган", "detention", "arrest"),
    "injured": ("ранения",),
    "disappeared": ("исчезновения",),
}


_SHORT_PREFIXES = {"фио", "имя", "пол"}
# Kazakh endings a header word may carry ("Қаласы", "Облысы": its city, its region), folded.
_KAZAKH_ENDINGS = frozenset(
    fold(e)
    for e in ("ы", "і", "сы", "сі", "ның", "нің", "дың", "дің", "тың", "тің", "да", "де",
              "та", "те", "дағы", "дегі", "тағы", "тегі", "ндағы", "ндегі")
)  # fmt: skip


def _starts_with(words: Sequence[str], known: tuple[str, ...]) -> bool:
    """The header's words begin with a known name's words, each whole or with a Kazakh
    ending: "Қаласы" is "Қала", but "Поляков" is not "Пол" nor "Жасырынов" "Жасы"."""
    if len(words) < len(known):
        return False
    for word, name in zip(words, known, strict=False):
        if word != name and not (
            len(name) >= 4 and word.startswith(name) and word[len(name) :] in _KAZAKH_ENDINGS
        ):
            return False
    return True


def header_words(header: str) -> list[str]:
    """A header's folded words: ``ФИО погибшего (полностью)`` → ``фио погибшего полностью``."""
    return fold(header.replace("№", " no ")).split()


@dataclass(frozen=True)
class ColumnMapping:
    """What one column is taken as: ``field`` (None: kept only in the raw row) and why."""

    column: int | str
    header: str
    field: str | None
    how: str  # "auto", "settings", "mapping file", "duplicate", "unknown"
    implied_event_type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "column": self.column,
                "header": self.header,
                "field": self.field,
                "how": self.how,
                "implied_event_type": self.implied_event_type,
            }
        )


@dataclass(frozen=True)
class MappingRules:
    """The header names to fields, options and defaults in force for one import."""

    names: dict[str, tuple[str, str]]  # squeezed header -> (field or IGNORE, how)
    # (words of a known name, field, how), longest first
    prefixes: tuple[tuple[tuple[str, ...], str, str], ...]
    date_order: str = "dmy"
    defaults: dict[str, str] = field(default_factory=dict)
    source_file: str | None = None
    date_epoch: dt.date | None = None  # [options] excel_date_system, for CSV day numbers

    def column(self, column: int | str, header: str) -> ColumnMapping:
        key = squeeze(header)
        target: tuple[str, str] | None = self.names.get(key)
        if target is None and key:
            # Whole words only: "ФИО погибшего" begins with the name "ФИО", but the surname
            # "Поляков" does not begin with "Пол" (sex), nor "Жасырынов" with "Жасы" (age).
            words = header_words(header)
            for prefix, field_name, how in self.prefixes:
                if _starts_with(words, prefix):
                    target = (field_name, how)
                    break
        if target is None or target[0] == IGNORE:
            how = "unknown" if target is None else target[1]
            return ColumnMapping(column, header, None, how)
        field_name, how = target
        if field_name == WEAK_NAME:
            field_name, how = "name", f"{how}, as no column is plainly a name"
        implied = None
        if field_name == "event_date":
            for kind, stems in _IMPLIED_EVENT.items():
                if any(w in key for w in stems):
                    implied = kind
        return ColumnMapping(column, header, field_name, how, implied)

    def header_score(self, cells: Sequence[str]) -> int:
        """How many cells of a row are column names this mapping recognises."""
        return sum(1 for i, c in enumerate(cells) if c.strip() and self.column(i, c).field)

    def map_headers(self, headers: Sequence[str]) -> list[ColumnMapping]:
        """Map a header row. A single-valued field goes to its first column; later columns
        that would take it again are kept only in the raw row (marked ``duplicate``)."""
        taken: set[str] = set()
        out: list[ColumnMapping] = []
        mapped_all = [self.column(index, header) for index, header in enumerate(headers)]
        plain_names = any(
            c.field in NAME_FIELDS and not self.is_weak_name(c.header) for c in mapped_all
        )
        for index, header in enumerate(headers):
            mapped = mapped_all[index]
            if plain_names and self.is_weak_name(header):
                # "Погибший" beside "ФИО" is more likely a yes/no column than the name.
                mapped = ColumnMapping(index, header, None, "unknown")
            name = mapped.field
            if name is not None and name not in MULTI_FIELDS:
                if name in taken:
                    mapped = ColumnMapping(index, header, None, f"duplicate of {name}")
                else:
                    taken.add(name)
            out.append(mapped)
        return out

    def is_weak_name(self, header: str) -> bool:
        """A header such as "Погибший" that names the people of a list without saying
        "name": the name column only when no column is plainly one."""
        key = squeeze(header)
        if key in self.names:
            return self.names[key][0] == WEAK_NAME
        words = header_words(header)
        for prefix, field_name, _ in self.prefixes:
            if _starts_with(words, prefix):
                return field_name == WEAK_NAME
        return False

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "date_order": self.date_order,
                "excel_date_system": {EXCEL_1900: 1900, EXCEL_1904: 1904}.get(self.date_epoch)
                if self.date_epoch
                else None,
                "defaults": dict(self.defaults),
                "mapping_file": self.source_file,
            }
        )


def _field_name(value: object, where: str) -> str:
    name = str(value).strip().lower().replace("-", "_").replace(" ", "_")
    name = _ALIASES.get(name, name)
    if name != IGNORE and name not in FIELDS:
        raise InputError(
            N_("unknown field %(field)s; use one of %(fields)s or 'ignore'"),
            file=where,
            field=repr(value),
            fields=", ".join(FIELDS),
        )
    return name


def load_mapping_file(path: str | Path) -> dict[str, Any]:
    """A mapping file (TOML): ``[columns] "Header" = "field"``, ``[headers] field = [names]``,
    ``[options] date_order = "dmy"|"mdy"``, ``[defaults] event_type = "killed"``."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError(N_("mapping file not found"), file=str(file)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            N_("mapping file is not valid UTF-8 TOML: %(failure)s"),
            file=str(file),
            failure=str(exc),
        ) from exc
    unknown = set(data) - {"columns", "headers", "options", "defaults"}
    if unknown:
        raise InputError(
            N_(
                "unknown section(s) %(sections)s; expected [columns], [headers], [options], "
                "[defaults]"
            ),
            file=str(file),
            sections=sorted(unknown),
        )
    return data


def build_rules(
    settings_headers: Mapping[str, Any] | None = None,
    mapping: Mapping[str, Any] | None = None,
    mapping_name: str | None = None,
) -> MappingRules:
    """Built-in names, then the project's ``[import.headers]``, then the mapping file."""
    names: dict[str, tuple[str, str]] = {}
    for field_name, headers in _BUILTIN.items():
        for header in headers:
            names[squeeze(header)] = (field_name, "auto")
    where_settings = "qantar.toml [import.headers]"
    for raw_field, headers in (settings_headers or {}).items():
        field_name = _field_name(raw_field, where_settings)
        for header in [headers] if isinstance(headers, str) else list(headers):
            names[squeeze(str(header))] = (field_name, "settings")
    mapping = mapping or {}
    where = mapping_name or "mapping file"
    for raw_field, headers in dict(mapping.get("headers", {})).items():
        field_name = _field_name(raw_field, where)
        for header in [headers] if isinstance(headers, str) else list(headers):
            names[squeeze(str(header))] = (field_name, "mapping file")
    for header, raw_field in dict(mapping.get("columns", {})).items():
        names[squeeze(str(header))] = (_field_name(raw_field, where), "mapping file")
    options = dict(mapping.get("options", {}))
    date_order = str(options.get("date_order", "dmy")).lower()
    if date_order not in ("dmy", "mdy"):
        raise InputError(
            N_("date_order must be 'dmy' or 'mdy', not %(value)s"),
            file=where,
            value=repr(date_order),
        )
    system = options.get("excel_date_system")
    if system not in (None, 1900, 1904):
        raise InputError(N_("excel_date_system must be 1900 or 1904"), file=where)
    epoch = {1900: EXCEL_1900, 1904: EXCEL_1904}.get(system) if system else None
    defaults = {str(k): str(v) for k, v in dict(mapping.get("defaults", {})).items()}
    for key in defaults:
        if key != "event_type":
            raise InputError(
                N_("[defaults] supports event_type only, not %(key)s"), file=where, key=repr(key)
            )
    # Prefix matching lets "ФИО погибшего (полностью)" find "ФИО"; the longest known name
    # wins, so "Дата рождения матери" is a birth date, not the event "Дата".
    # Every spelling of a known name gives its words ("ФИО" and "Ф.И.О." both squeeze to
    # "фио"); the field is the one that won for that name above.
    spellings = [h for hs in _BUILTIN.values() for h in hs]
    for raw in [*(settings_headers or {}).values(), *dict(mapping.get("headers", {})).values()]:
        spellings += [raw] if isinstance(raw, str) else [str(h) for h in raw]
    spellings += [str(h) for h in dict(mapping.get("columns", {}))]
    forms = {(squeeze(h), tuple(header_words(h))) for h in spellings}
    prefixes = sorted(
        (
            (words, *names[key])
            for key, words in forms
            if words and key in names and (len(key) >= 4 or key in _SHORT_PREFIXES)
        ),
        key=lambda item: (-len("".join(item[0])), item[0]),
    )
    return MappingRules(
        names=names,
        prefixes=tuple(prefixes),
        date_order=date_order,
        defaults=defaults,
        source_file=mapping_name,
        date_epoch=epoch,
    )


def check_columns(
    columns: Sequence[ColumnMapping], *, file: str, keyed: bool = False, no_names: bool = False
) -> None:
    """Refuse a mapping that would import persons without names: ``no_names`` says the list
    has none on purpose. Header texts are shown only when the row was recognised as a header
    (some column name is known): an unrecognised first row may be a person's row."""
    if not any(c.field for c in columns):
        unknown = (
            N_(
                "no key is recognised (%(n)s found; not shown, as they may be data); "
                "name them in a mapping file (--mapping), see docs/import.md"
            )
            if keyed
            else N_(
                "no column header is recognised (%(n)s found; not shown, as they may be data); "
                "name them in a mapping file (--mapping), see docs/import.md"
            )
        )
        raise InputError(unknown, file=file, n=len(columns))
    if no_names or any(c.field in NAME_FIELDS for c in columns):
        return
    seen = ", ".join(repr(c.header[:40]) for c in columns[:12])
    example = next((c.header[:40] for c in columns if c.field is None), "Header").replace('"', "")
    nameless = (
        N_(
            "no key holds the person's name (found: %(seen)s); name that column in a mapping "
            'file ([columns] "%(example)s" = "name") passed with --mapping, or import with '
            "--no-names if this list has no names on purpose"
        )
        if keyed
        else N_(
            "no column header holds the person's name (found: %(seen)s); name that column in a "
            'mapping file ([columns] "%(example)s" = "name") passed with --mapping, or import '
            "with --no-names if this list has no names on purpose"
        )
    )
    raise InputError(nameless, file=file, seen=seen, example=example)
