"""qantar.web: the team's web app (``qantar serve``), server-rendered over the library.

from qantar.web import create_app
app = create_app(project)      # an ASGI app; uvicorn serves it
"""

from qantar.web._app import create_app
from qantar.web._local import served_locally
from qantar.web._settings import WebSettings

__all__ = ["WebSettings", "create_app", "served_locally"]
