"""Parsing cell text into typed values: dates with precision, ages, sex, event types.

Each parser returns the value or raises ``ParseProblem`` with a reason a documenter can act
on. A reason never repeats the cell's text: the quarantine keeps the value beside it, and a
reason may end up in a message or a log. Parsers are pure and cached: real lists repeat the
same few dates and words endlessly.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from qantar.ingest._text import fold
from qantar.model import PartialDate, Sex
from qantar.notes import N_, Note
from qantar.settings import DEFAULTS


class ParseProblem(ValueError):
    """A cell that cannot be read as its field's type; the message is the reason, a
    ``Note`` a page can word in the reader's language."""

    def __init__(self, reason: Note) -> None:
        super().__init__(reason)

    @property
    def reason(self) -> Note:
        reason: Note = self.args[0]
        return reason


# --- dates -------------------------------------------------------------------------------

_MONTH_WORDS: dict[str, int] = {}


def _words(text: str) -> list[str]:
    return text.split()


def _months(month: int, *stems: str) -> None:
    for stem in stems:
        _MONTH_WORDS[fold(stem)] = month


# Russian stems cover nominative, genitive and prepositional (январь, января, январе).
# Kazakh names are matched after folding (қаңтар → кантар), so Russified spellings match too,
# and Kazakh case endings (қаңтарда, қаңтардың) are covered by prefix matching.
_months(1, "январ", "янв", "кантар", "qantar", "kantar", "january", "jan")
_months(2, "феврал", "фев", "акпан", "aqpan", "akpan", "february", "feb")
_months(3, "март", "мар", "наурыз", "nauryz", "nauriz", "march", "mar")
_months(4, "апрел", "апр", "сауир", "sauir", "sawir", "april", "apr")
_months(5, "маи", "мая", "мае", "мамыр", "mamyr", "may")
_months(6, "июн", "маусым", "mausym", "june", "jun")
_months(7, "июл", "шилде", "shilde", "july", "jul")
_months(8, "август", "авг", "тамыз", "tamyz", "august", "aug")
_months(9, "сентябр", "сен", "сент", "кыркуиек", "qyrkuiek", "kyrkuiek", "september", "sep", "sept")
_months(10, "октябр", "окт", "казан", "qazan", "kazan", "october", "oct")
_months(11, "ноябр", "ноя", "нояб", "караша", "qarasha", "karasha", "november", "nov")
_months(
    12, "декабр", "дек", "желтоксан", "jeltoqsan", "zheltoqsan", "zheltoksan", "december", "dec"
)

# Full month words, so that a prefix stem only matches a real month word ("mar" in "march"
# but not in "marseille").
_FULL_MONTHS = _words(
    "январь января январе февраль февраля феврале март марта марте апрель апреля апреле "
    "маи мая мае июнь июня июне июль июля июле август августа августе сентябрь сентября "
    "сентябре октябрь октября октябре ноябрь ноября ноябре декабрь декабря декабре "
    "january february march april may june july august september october november december"
)

_FULL_MONTHS = [fold(w) for w in _FULL_MONTHS]

# Words that decorate a date without changing it: "2022 г.", "2022 года", "2022 жылғы", "5th".
_NOISE = {
    "г",
    "гг",
    "год",
    "года",
    "году",
    "ж",
    "жыл",
    "жылы",
    "жылгы",
    "жылдын",
    "of",
    "the",
    "th",
    "st",
    "nd",
    "rd",
    "year",
    "в",
}
_KAZAKH_ENDINGS = ("да", "де", "та", "те", "дын", "дин", "тын", "тин", "нын", "нин", "ы", "и")
_TIME = re.compile(r"(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)\s*$")
_TOKENS = re.compile(r"\d+|[^\W\d_]+", re.UNICODE)
_NOISE = {fold(w) for w in _NOISE}
MIN_YEAR, MAX_YEAR = 1880, 2100
CANNOT_READ_DATE = Note(N_("cannot read it as a date"))


def _month_of(word: str) -> int | None:
    if word in _MONTH_WORDS:
        return _MONTH_WORDS[word]
    for stem, month in _MONTH_WORDS.items():
        if len(stem) < 3 or not word.startswith(stem):
            continue
        rest = word[len(stem) :]
        if not rest:
            return month
        full = stem + rest
        if full in _FULL_MONTHS:
            return month
        # Kazakh locative/genitive endings on a Kazakh month stem (қаңтарда, қазанның).
        if (
            len(stem) >= 5
            and len(rest) <= 4
            and any(rest == end or rest.endswith(end) for end in _KAZAKH_ENDINGS)
        ):
            return month
    return None


# A two-digit year is the latest year ending in those digits up to this one (for the
# default case, 29 is 2029 and 30 is 1930: birth years in these lists reach back).
LATEST_TWO_DIGIT_YEAR = DEFAULTS.case.latest_two_digit_year


def _year(token: str, latest: int) -> int:
    value = int(token)
    if len(token) == 2:
        value += latest - latest % 100
        if value > latest:
            value -= 100
    elif len(token) != 4:
        raise ParseProblem(Note(N_("a year has 2 or 4 digits")))
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise ParseProblem(
            Note(N_("the year is outside %(first)s-%(last)s"), first=MIN_YEAR, last=MAX_YEAR)
        )
    return value


_MONTH_OUT = re.compile(r"month (-?\d+) out of range")


def _why(exc: ValueError) -> str:
    """Why a date is not real, in the words of the calendar check that refused it."""
    text = str(exc)
    if text == "day is out of range for month":
        return Note(N_("day is out of range for month"))
    if text == "a day without a month":
        return Note(N_("a day without a month"))
    if match := _MONTH_OUT.fullmatch(text):
        return Note(N_("month %(month)s out of range"), month=int(match.group(1)))
    return text


def _make(year: int, month: int | None, day: int | None) -> PartialDate:
    try:
        return PartialDate(year, month, day)
    except ValueError as exc:
        raise ParseProblem(Note(N_("not a real date (%(failure)s)"), failure=_why(exc))) from exc


@lru_cache(maxsize=65536)
def parse_date(text: str, order: str = "dmy", latest: int = LATEST_TWO_DIGIT_YEAR) -> PartialDate:
    """A date with the precision the text gives: ``05.01.2022`` → day, ``январь 2022`` → month,
    ``2022`` → year. ``order`` is how all-numeric dates are written: ``dmy`` (default) or
    ``mdy`` (some English lists). ``latest``: the latest year a two-digit year may mean
    (``latest_two_digit_year`` of the case). Raises ``ParseProblem`` with the reason."""
    cleaned = _TIME.sub("", text.strip())
    if not cleaned:
        raise ParseProblem(Note(N_("empty")))
    numbers: list[str] = []
    month_word: int | None = None
    for token in _TOKENS.findall(fold(cleaned)):
        if token.isdigit():
            numbers.append(token)
            continue
        if token in _NOISE:
            continue
        month = _month_of(token)
        if month is None or month_word is not None:
            raise ParseProblem(CANNOT_READ_DATE)
        month_word = month
    if month_word is not None:
        years = [n for n in numbers if len(n) == 4]
        days = [n for n in numbers if len(n) <= 2]
        if len(years) != 1 or len(days) > 1 or len(numbers) != len(years) + len(days):
            if len(numbers) == 2 and not years and len(days) == 2:
                # "5 января 22": day then a two-digit year
                return _make(_year(numbers[1], latest), month_word, int(numbers[0]))
            raise ParseProblem(CANNOT_READ_DATE)
        return _make(_year(years[0], latest), month_word, int(days[0]) if days else None)
    if len(numbers) == 1:
        if len(numbers[0]) == 4:
            return _make(_year(numbers[0], latest), None, None)
        if len(numbers[0]) == 8 and cleaned.isdigit():
            # 20220105, as some exports write dates
            n = numbers[0]
            return _make(_year(n[:4], latest), int(n[4:6]), int(n[6:]))
        raise ParseProblem(Note(N_("a number, not a date")))
    if len(numbers) == 2:
        first, second = numbers
        if len(first) == 4 and len(second) <= 2:
            return _make(_year(first, latest), int(second), None)
        if len(second) == 4 and len(first) <= 2:
            return _make(_year(second, latest), int(first), None)
        raise ParseProblem(CANNOT_READ_DATE)
    if len(numbers) == 3:
        a, b, c = numbers
        if len(a) == 4:
            return _make(_year(a, latest), int(b), int(c))
        if len(c) not in (2, 4) or len(a) > 2 or len(b) > 2:
            raise ParseProblem(CANNOT_READ_DATE)
        day, month = (int(a), int(b)) if order == "dmy" else (int(b), int(a))
        if not 1 <= month <= 12:
            hint = "mdy" if order == "dmy" else "dmy"
            raise ParseProblem(
                Note(
                    N_(
                        "month %(month)s does not exist (dates read as %(order)s; if this list "
                        "writes them as %(hint)s, set date_order = '%(hint)s' in a mapping file)"
                    ),
                    month=month,
                    order=order,
                    hint=hint,
                )
            )
        return _make(_year(c, latest), month, day)
    raise ParseProblem(CANNOT_READ_DATE)


_SERIAL = re.compile(r"\d{5}(?:[.,]\d+)?")


def parse_serial_date(text: str, epoch: dt.date) -> PartialDate | None:
    """A spreadsheet's day number (44566 is 5 January 2022 in the 1900 system, whose day 0
    is 30 December 1899; 1904 workbooks count from 1 January 1904), or None for other text.
    Five digits only: four are a year, and serials below 10000 fall before 1927."""
    if not _SERIAL.fullmatch(text):
        return None
    day = epoch + dt.timedelta(days=int(text[:5]))
    return PartialDate(day.year, day.month, day.day)


# --- ages --------------------------------------------------------------------------------

_AGE = re.compile(
    r"^(?:~|≈|около|ок|примерно|прибл|шамамен|about|approx|approximately|ca|c)?\s*\.?\s*"
    r"(\d{1,3})(?:[.,]0+)?\s*"
    r"(?:лет|года|год|г|л|жаста|жас|жасында|years?|yrs?|y\s*o|yo)?\s*\.?$",
    re.IGNORECASE,
)
MAX_AGE = 120


@lru_cache(maxsize=4096)
def parse_age(text: str) -> int:
    """Whole years from ``34``, ``34 года``, ``34 жаста``, ``~34``, ``34.0`` (spreadsheets)."""
    cleaned = text.strip()
    match = _AGE.match(cleaned)
    if not match:
        raise ParseProblem(Note(N_("cannot read it as an age in years")))
    age = int(match.group(1))
    if age > MAX_AGE:
        raise ParseProblem(Note(N_("an age over %(limit)s"), limit=MAX_AGE))
    return age


# --- sex ---------------------------------------------------------------------------------

_SEX_WORDS: dict[str, Sex] = {}
for _word in _words(
    "м муж мужской мужчина мужч мужск m male man boy мальчик ер еркек ер адам er erkek юноша парень"
):
    _SEX_WORDS[fold(_word)] = Sex.MALE
for _word in _words(
    "ж жен женский женщина женск f female woman w girl девочка девушка аиел ауел эиел "
    "aiel ayel айел кыз"
):
    _SEX_WORDS[fold(_word)] = Sex.FEMALE


@lru_cache(maxsize=1024)
def parse_sex(text: str) -> Sex:
    """М/Ж, муж/жен, Ер/Әйел, M/F, male/female (any case, with or without a full stop)."""
    key = fold(text)
    if key in _SEX_WORDS:
        return _SEX_WORDS[key]
    raise ParseProblem(Note(N_("not a sex value this importer knows (М/Ж, Ер/Әйел, M/F)")))


# --- event types -------------------------------------------------------------------------

# Prefixes of folded words, and folded phrases, per event type. A value mentioning two
# different types ("задержан, избит и ранен") is not guessed at: it goes to quarantine.
_EVENT_STEMS: dict[str, tuple[str, ...]] = {
    "killed": (
        "погиб", "убит", "убий", "смерт", "умер", "сконча", "мертв", "застрел", "расстрел",
        "killed", "kill", "dead", "died", "death", "deceas", "олди", "олген", "олтирил",
    ),
    "detained": (
        "задерж", "арест", "устал", "камау", "detain", "arrest", "custody", "detention",
    ),
    "injured": (
        "ранен", "ранил", "пострада", "травм", "увечь", "жарала", "жаракат", "injur",
        "wound", "hurt",
    ),
    "disappeared": (
        "пропа", "исчез", "хабарсыз", "жогал", "disappear", "missing",
    ),
    "tortured": (
        "пытк", "пыток", "истяза", "азапта", "азап", "tortur",
    ),
}  # fmt: skip
_EVENT_PHRASES: dict[str, tuple[str, ...]] = {
    "killed": ("каза тап", "кайтыс бол", "окка ушт", "коз жумд", "shot dead", "found dead"),
    "disappeared": ("без вести", "iz tuzsiz", "из тузсиз"),
    "tortured": ("подвергся пыт", "подверглась пыт"),
}
# A death named together with custody is its own type, died in custody: "умер в СИЗО",
# "задержан, позже скончался в ИВС", "қамауда қайтыс болды", "died in custody".
_CUSTODY_DEATH: tuple[str, ...] = (
    "в сизо", "в ивс", "под стражей", "в изолятор", "в заключени", "в спецприемник",
    "в камере", "в отделе полиции", "камауда", "тергеу изолятор", "in custody",
    "in detention", "in police custody", "in prison",
)  # fmt: skip
_NEGATIONS = {"не", "нет", "not", "no", "жок", "емес"}
# Words that put events in time order: "ранен, позже скончался", "жараланып, кейін қайтыс
# болды", "arrested, then disappeared".
_SEQUENCE = {
    "позже", "затем", "потом", "впоследствии", "позднее", "после чего", "кейін", "кейіннен",
    "соңынан", "содан", "артынан", "later", "then", "subsequently", "afterwards",
}  # fmt: skip
# "после"/"after" name the earlier event second ("задержан после ранения"): the order of the
# words is not the order of events, so without a death no outcome is picked.
_REVERSED = {"после", "after", "following"}
# Words that make a sequence a guess ("ранен, возможно погиб"): not read as one.
_UNCERTAIN = {
    "или", "либо", "возможно", "предположительно", "вероятно", "может", "видимо",
    "немесе", "мүмкін", "бәлкім", "шамасы", "or", "possibly", "probably", "maybe", "perhaps",
    "presumably", "allegedly", "unconfirmed",
}  # fmt: skip
# The tables above are written as people spell; lookups compare folded text (й → и, қ → к).
_EVENT_STEMS = {k: tuple(fold(s) for s in v) for k, v in _EVENT_STEMS.items()}
_EVENT_PHRASES = {k: tuple(fold(s) for s in v) for k, v in _EVENT_PHRASES.items()}
_SEQUENCE = {fold(w) for w in _SEQUENCE}
_REVERSED = {fold(w) for w in _REVERSED}
_UNCERTAIN = {fold(w) for w in _UNCERTAIN}
_CUSTODY_DEATH = tuple(fold(p) for p in _CUSTODY_DEATH)
_THEN = fold("после чего")
_WORD = re.compile(r"\S+")


def _mentions(key: str) -> list[tuple[int, str]]:
    """Each event type the folded text names, with where it is first named."""
    first: dict[str, int] = {}
    for kind, phrases in _EVENT_PHRASES.items():
        for phrase in phrases:
            at = key.find(phrase)
            if at >= 0:
                first[kind] = min(first.get(kind, at), at)
    for match in _WORD.finditer(key):
        for kind, stems in _EVENT_STEMS.items():
            if match.group().startswith(stems):
                first[kind] = min(first.get(kind, match.start()), match.start())
    return sorted((at, kind) for kind, at in first.items())


def _has(key: str, words: list[str], markers: set[str]) -> bool:
    return any(m in words if " " not in m else m in key for m in markers)


@lru_cache(maxsize=4096)
def parse_event_type(text: str) -> str:
    """One of killed, died_in_custody, detained, injured, disappeared, tortured, from
    ru/kk/en words.

    A sequence of events is read by its final outcome, the raw text being kept beside it:
    death ends any sequence ("ранен, позже скончался", "скончался от ранений" are killed),
    and without a death, words such as "затем"/"кейін"/"then" make the last event named the
    outcome ("задержан, затем пропал" is disappeared). Not guessed at: a negation ("не
    задержан"), an uncertain sequence ("ранен, возможно погиб"), and several types with no
    order ("задержан, избит и ранен").
    """
    key = fold(text)
    if key in {"killed", "detained", "injured", "disappeared", "tortured", "died_in_custody"}:
        return key
    words = key.split()
    mentions = _mentions(key)
    if not mentions:
        raise ParseProblem(
            Note(
                N_(
                    "not an event type this importer knows "
                    "(killed, detained, injured, disappeared, tortured)"
                )
            )
        )
    if any(word in _NEGATIONS for word in words):
        raise ParseProblem(Note(N_("contains a negation; not guessing its event type")))
    kinds = [kind for _, kind in mentions]
    if "killed" in kinds and any(place in key for place in _CUSTODY_DEATH):
        if "?" in text or _has(key, words, _UNCERTAIN):
            raise ParseProblem(Note(N_("names a death in custody with a doubt; not guessing")))
        return "died_in_custody"
    if len(kinds) == 1:
        return kinds[0]
    named = ", ".join(sorted(kinds))
    if "?" in text or _has(key, words, _UNCERTAIN):
        raise ParseProblem(
            Note(
                N_("names events (%(events)s) with a doubt; not guessing the outcome"), events=named
            )
        )
    if "killed" in kinds:
        return "killed"
    unordered = key.replace(_THEN, " ")  # "после чего" (after which) keeps the order
    if _has(key, words, _SEQUENCE) and not _has(unordered, unordered.split(), _REVERSED):
        return kinds[-1]
    raise ParseProblem(
        Note(
            N_(
                "names more than one event type (%(events)s) and not which came last; a record "
                "holds one (write the outcome, or a sequence such as 'ранен, затем задержан')"
            ),
            events=named,
        )
    )
