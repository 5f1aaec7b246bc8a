"""The evidence archive: write-once objects, signed custody log, verification, court bundles.

from qantar.evidence import add, verify, export
results = add(project, ["clip.mp4"], collected_by="A. Researcher", source_url="https://...")
report = verify(project)          # report.ok, report.failures
"""

from qantar.evidence._archive import (
    AddResult,
    add,
    add_incident,
    annotate,
    attach,
    items_for_incident,
    list_incidents,
    list_items,
    record_item_consent,
    show_item,
)
from qantar.evidence._custody import ACTIONS, MANUAL_ACTIONS, record_by_hand, record_event
from qantar.evidence._derive import strip_location
from qantar.evidence._export import ExportResult, export, verify_bundle
from qantar.evidence._keys import KeySpan, RotationResult, rotate_key
from qantar.evidence._readers import consent_withdrawn_items, custody_log, timestamped_seqs
from qantar.evidence._replicas import FixityReport, fixity, replicate
from qantar.evidence._seal import SealResult, seal_facts
from qantar.evidence._similar import Similar, groups, similar
from qantar.evidence._timestamp import (
    TimestampRequest,
    add_root,
    build_request,
    store_response,
    timestamp_head,
)
from qantar.evidence._verify import Problem, VerifyReport, verify

__all__ = [
    "ACTIONS",
    "MANUAL_ACTIONS",
    "AddResult",
    "ExportResult",
    "FixityReport",
    "KeySpan",
    "Problem",
    "RotationResult",
    "SealResult",
    "Similar",
    "TimestampRequest",
    "VerifyReport",
    "add",
    "add_incident",
    "add_root",
    "annotate",
    "attach",
    "build_request",
    "consent_withdrawn_items",
    "custody_log",
    "export",
    "fixity",
    "groups",
    "items_for_incident",
    "list_incidents",
    "list_items",
    "record_by_hand",
    "record_event",
    "record_item_consent",
    "replicate",
    "rotate_key",
    "seal_facts",
    "show_item",
    "similar",
    "store_response",
    "strip_location",
    "timestamp_head",
    "timestamped_seqs",
    "verify",
    "verify_bundle",
]
