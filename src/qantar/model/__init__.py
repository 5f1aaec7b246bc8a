"""Domain types only: small typed values parsed once at import. No I/O, no imports of ours."""

from qantar.model.histories import Histories
from qantar.model.values import EVENT_TYPES, SOURCE_KINDS, PartialDate, Precision, Sex

__all__ = ["EVENT_TYPES", "SOURCE_KINDS", "Histories", "PartialDate", "Precision", "Sex"]
