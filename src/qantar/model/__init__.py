"""Domain types only: small typed values parsed once at import. No I/O; of ours, only errors."""

from typing import TYPE_CHECKING, Any

from qantar.model.dicts import fields_dict, jsonable
from qantar.model.enums import (
    ConsentStatus,
    CustodyAction,
    Decision,
    EventType,
    PublicationStatus,
    Role,
    SourceKind,
    parse_enum,
)
from qantar.model.values import EVENT_TYPES, SOURCE_KINDS, PartialDate, Precision, Sex

if TYPE_CHECKING:
    from qantar.model.histories import Histories


def __getattr__(name: str) -> Any:
    # Histories needs numpy: opening a project or reading a key file should not load it.
    if name == "Histories":
        from qantar.model.histories import Histories

        globals()["Histories"] = Histories
        return Histories
    raise AttributeError(f"module 'qantar.model' has no attribute {name!r}")


__all__ = [
    "EVENT_TYPES",
    "SOURCE_KINDS",
    "ConsentStatus",
    "CustodyAction",
    "Decision",
    "EventType",
    "Histories",
    "PartialDate",
    "Precision",
    "PublicationStatus",
    "Role",
    "Sex",
    "SourceKind",
    "fields_dict",
    "jsonable",
    "parse_enum",
]
