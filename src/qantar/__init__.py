"""qantar: from scattered lists of victims to facts that cannot be denied.

The public face is small: ``from qantar import Project`` opens a documentation project
folder, and its areas do the work: ``project.sources``, ``project.link``,
``project.review``, ``project.estimate``, ``project.evidence``, ``project.publish``,
``project.accountability`` (docs/library.md). Each pipeline package (``qantar.ingest``,
``qantar.link``...) also exposes its few functions, each taking the project.
"""

from qantar.errors import InputError, ProjectNotFoundError, QantarError
from qantar.project import Project

__version__ = "0.1.0"

__all__ = ["InputError", "Project", "ProjectNotFoundError", "QantarError", "__version__"]
