"""Lossless import of victim lists: read any common table file, keep every row verbatim,
parse what can be parsed, quarantine what cannot, and say so.

    from qantar.ingest import import_file
    result = import_file(project, "list.csv", source="hotline", kind="ngo")
"""

from qantar.ingest._fix import FixResult, fix_quarantined, row_fields
from qantar.ingest._gazetteer import Gazetteer, Place, gazetteer, load_gazetteer, place_key
from qantar.ingest._identity import assign_record_keys, row_hash
from qantar.ingest._importer import (
    ImportResult,
    ProgressFor,
    import_file,
    import_files,
    import_table,
    read_limits,
    rules_for,
)
from qantar.ingest._mapping import FIELDS, ColumnMapping, MappingRules, build_rules
from qantar.ingest._parse import ParseProblem, parse_age, parse_date, parse_event_type, parse_sex
from qantar.ingest._readers import Table, open_table
from qantar.ingest._reasons import FIELD_LABELS
from qantar.ingest._registry import (
    RECORD_COLUMNS,
    RegistrySummary,
    SourceSummary,
    iter_quarantine,
    iter_records,
    list_batches,
    registry_summary,
)
from qantar.ingest._retract import Retraction, retract_batch
from qantar.ingest._sheets import ReadLimits

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "RECORD_COLUMNS",
    "ColumnMapping",
    "FixResult",
    "Gazetteer",
    "ImportResult",
    "MappingRules",
    "ParseProblem",
    "Place",
    "ProgressFor",
    "ReadLimits",
    "RegistrySummary",
    "Retraction",
    "SourceSummary",
    "Table",
    "assign_record_keys",
    "build_rules",
    "fix_quarantined",
    "gazetteer",
    "import_file",
    "import_files",
    "import_table",
    "iter_quarantine",
    "iter_records",
    "list_batches",
    "load_gazetteer",
    "open_table",
    "parse_age",
    "parse_date",
    "parse_event_type",
    "parse_sex",
    "place_key",
    "read_limits",
    "registry_summary",
    "retract_batch",
    "row_fields",
    "row_hash",
    "rules_for",
]
