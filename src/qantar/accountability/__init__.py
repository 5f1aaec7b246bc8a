"""Accountability: officials, units, chain of command, responsibility, screening, dossiers.

from qantar.accountability import import_entities, who_was_responsible, screen
import_entities(project, "register.ftm.jsonl")
answer = who_was_responsible(project, "Unit 3656", "2022-01-06", place="Almaty")
matches = screen(project, "opensanctions.ftm.json", threshold=0.8)
"""

from qantar.accountability._command import (
    ChainLink,
    CommandAnswer,
    CommandGraph,
    Responsible,
    who_was_responsible,
)
from qantar.accountability._dossier import DossierResult, write_dossier
from qantar.accountability._entities import (
    ExportResult,
    ImportResult,
    add_entity,
    entity_to_dict,
    export_entities,
    get_entity,
    import_entities,
    load_entities,
    make,
    new_id,
    read_entities,
    save_entities,
    save_entity,
    validate_entity,
)
from qantar.accountability._publication import (
    VictimDisplay,
    VictimPublication,
    victim_display,
    victim_publication,
)
from qantar.accountability._responsibility import (
    ABUSES,
    ROLES,
    Victim,
    abuses_for_incident_type,
    add_contrary,
    contrary_information,
    link_responsibility,
    responsibilities,
)
from qantar.accountability._screening import (
    DEFAULT_THRESHOLD,
    DatasetFlag,
    ScreenMatch,
    compare_person_names,
    dataset_flags,
    screen,
)

__all__ = [
    "ABUSES",
    "DEFAULT_THRESHOLD",
    "ROLES",
    "ChainLink",
    "CommandAnswer",
    "CommandGraph",
    "DatasetFlag",
    "DossierResult",
    "ExportResult",
    "ImportResult",
    "Responsible",
    "ScreenMatch",
    "Victim",
    "VictimDisplay",
    "VictimPublication",
    "abuses_for_incident_type",
    "add_contrary",
    "add_entity",
    "compare_person_names",
    "contrary_information",
    "dataset_flags",
    "entity_to_dict",
    "export_entities",
    "get_entity",
    "import_entities",
    "link_responsibility",
    "load_entities",
    "make",
    "new_id",
    "read_entities",
    "responsibilities",
    "save_entities",
    "save_entity",
    "screen",
    "validate_entity",
    "victim_display",
    "victim_publication",
    "who_was_responsible",
    "write_dossier",
]
