"""qantar: from scattered lists of victims to facts that cannot be denied.

The public face is small: ``from qantar import Project`` opens a documentation project
folder; each pipeline package (``qantar.names``, ``qantar.ingest``, ``qantar.estimate``...)
exposes its own few functions.
"""

from qantar.errors import InputError, ProjectNotFoundError, QantarError
from qantar.project import Project

__version__ = "0.1.0"

__all__ = ["InputError", "Project", "ProjectNotFoundError", "QantarError", "__version__"]
