"""Publication rules from qantar.toml ``[publish]``: settings are data, not code.

Syntax (documented for users in docs/publish.md)::

    [publish]
    default = "initials-only"          # status when no rule matches (the default default)
    withhold_minors_full_name = true   # shorthand for: age < 18 -> initials-only

    [[publish.rules]]
    when = "notes contains 'семья просила'"
    status = "withhold"

    [[publish.rules]]
    when = ["source_count >= 2", "sources contains 'Official list'"]   # all must hold
    status = "publish"

A condition is ``FIELD OP VALUE`` or ``FIELD is missing`` / ``FIELD is present``. Every
matching rule is applied and the most restrictive status wins (withhold over
initials-only over publish), so the order of rules never loosens protection. The default
applies only when no rule matches. Explicit consent decisions override all of this.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qantar.errors import N_, InputError
from qantar.model import PublicationStatus
from qantar.settings import DEFAULTS, PUBLISH_STATUSES, PublishSettings

STATUSES = PUBLISH_STATUSES
# The conservative default: no full name is shown without a rule or decision that says so,
# yet the person is still remembered (initials, date, region) on the memorial.
DEFAULT_STATUS = DEFAULTS.publish.default
FIELDS = (
    "age",
    "sex",
    "event_type",
    "event_date",
    "place",
    "region",
    "sources",
    "source_count",
    "notes",
    "person_id",
)
OPERATORS = ("<=", ">=", "==", "!=", "<", ">", "contains", "in")
_CONDITION = re.compile(
    r"^\s*(?P<field>[a-z_]+)\s*(?:(?P<op><=|>=|==|!=|<|>|contains|in)\s*(?P<value>.+?)"
    r"|is\s+(?P<presence>missing|present))\s*$"
)
_LIST_FIELDS = {"event_type", "sources"}


def restrictiveness(status: str) -> int:
    return STATUSES.index(status)


def most_restrictive(statuses: list[str]) -> str:
    return max(statuses, key=restrictiveness)


def check_status(status: str, where: str = "status") -> PublicationStatus:
    if status not in STATUSES:
        raise InputError(
            N_("%(where)s: %(status)s is not one of %(statuses)s"),
            where=where,
            status=repr(status),
            statuses=", ".join(STATUSES),
        )
    return PublicationStatus(status)


def _value(text: str, where: str) -> Any:
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        return [_value(v, where) for v in text[1:-1].split(",") if v.strip()]
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if text in ("true", "false"):
        return text == "true"
    raise InputError(
        N_("%(where)s: value %(value)s: quote text ('...'), or give a number or [list]"),
        where=where,
        value=repr(text),
    )


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any = None

    @classmethod
    def parse(cls, text: str, where: str) -> Condition:
        m = _CONDITION.match(text)
        if not m:
            raise InputError(
                N_(
                    "%(where)s: cannot read condition %(condition)s: write FIELD OP VALUE "
                    "(OP one of %(operators)s) or FIELD is missing/present"
                ),
                where=where,
                condition=repr(text),
                operators=", ".join(OPERATORS),
            )
        field = m["field"]
        if field not in FIELDS:
            raise InputError(
                N_("%(where)s: unknown field %(name)s: use one of %(fields)s"),
                where=where,
                name=repr(field),
                fields=", ".join(FIELDS),
            )
        if m["presence"]:
            return cls(field, "is " + m["presence"])
        return cls(field, m["op"], _value(m["value"], where))

    def holds(self, facts: Mapping[str, Any]) -> bool:
        actual = facts.get(self.field)
        empty = actual is None or actual == "" or actual == [] or actual == ()
        if self.op == "is missing":
            return empty
        if self.op == "is present":
            return not empty
        if empty:
            # An unknown value never satisfies a comparison: write `is missing` for that.
            return False
        values = list(actual) if self.field in _LIST_FIELDS and actual else [actual]
        return any(self._one(v) for v in values)

    def _one(self, actual: Any) -> bool:
        want = self.value
        if self.op == "contains":
            return str(want).casefold() in str(actual).casefold()
        if self.op == "in":
            options = want if isinstance(want, list) else [want]
            return any(_eq(actual, o) for o in options)
        if self.op == "==":
            return _eq(actual, want)
        if self.op == "!=":
            return not _eq(actual, want)
        try:
            if self.op == "<":
                return bool(actual < want)
            if self.op == "<=":
                return bool(actual <= want)
            if self.op == ">":
                return bool(actual > want)
            return bool(actual >= want)
        except TypeError:
            return False


def _eq(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    return bool(a == b)


@dataclass(frozen=True)
class Rule:
    conditions: tuple[Condition, ...]
    status: str
    text: str

    def matches(self, facts: Mapping[str, Any]) -> bool:
        return all(c.holds(facts) for c in self.conditions)


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...]
    default: str = DEFAULT_STATUS

    def apply(self, facts: Mapping[str, Any]) -> tuple[str, str]:
        """The status these rules give a person, and why (in words)."""
        matched = [r for r in self.rules if r.matches(facts)]
        if not matched:
            return self.default, "no rule matched: the project's default"
        status = most_restrictive([r.status for r in matched])
        why = "; ".join(r.text for r in matched if r.status == status)
        return status, f"rule: {why}"


def load_rules(settings: PublishSettings) -> Rules:
    """The rules of a ``[publish]`` section (``project.settings.publish``)."""
    where = "qantar.toml [publish]"
    default = check_status(settings.default, f"{where} default")
    rules: list[Rule] = []
    if settings.withhold_minors_full_name:
        rules.append(
            Rule((Condition("age", "<", 18),), PublicationStatus.INITIALS_ONLY, "age < 18 (minor)")
        )
    for i, item in enumerate(settings.rules, start=1):
        here = f"{where} rule {i}"
        if not isinstance(item, dict) or "when" not in item or "status" not in item:
            raise InputError(N_("%(where)s: give both `when` and `status`"), where=here)
        when = item["when"]
        texts = [when] if isinstance(when, str) else list(when)
        if not texts or not all(isinstance(t, str) for t in texts):
            raise InputError(
                N_("%(where)s: `when` is a condition or a list of conditions"), where=here
            )
        conditions = tuple(Condition.parse(t, here) for t in texts)
        status = check_status(str(item["status"]), f"{here} status")
        rules.append(Rule(conditions, status, " and ".join(texts)))
    return Rules(tuple(rules), default)
