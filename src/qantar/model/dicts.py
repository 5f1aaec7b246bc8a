"""One JSON-ready form for every result the library returns (``to_dict``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from enum import Enum
from pathlib import PurePath
from typing import Any


def jsonable(value: Any) -> Any:
    """``value`` with nothing ``json.dumps`` cannot write: enums as their value, dates and
    times ISO, paths and partial dates as text, tuples and sets as lists, a dataclass as
    the dict of its fields (or its own ``to_dict``), NaN and infinities as None."""
    if value is None or isinstance(value, bool | int | str):
        # A StrEnum is a str: give the plain value, so the output does not depend on types.
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, Mapping):
        return {str(jsonable(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((jsonable(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    iso = getattr(value, "iso", None)
    if callable(iso):  # PartialDate: what the source said, at its precision
        return iso()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return fields_dict(value)
    item = getattr(value, "item", None)
    if callable(item):  # a numpy scalar
        return jsonable(item())
    raise TypeError(f"{type(value).__name__} has no JSON form")


def fields_dict(value: Any) -> dict[str, Any]:
    """A dataclass's fields by name, each JSON-ready: the ``to_dict`` of a result that shows
    everything it holds."""
    return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
