"""Place labels in the reader's language. The public rows and the report's data carry the
gazetteer's English label; each page shows it in its own language, from the project's one
gazetteer (``[case] gazetteer``)."""

from __future__ import annotations

from qantar.ingest import Gazetteer


def place_in(label: str | None, lang: str, places: Gazetteer | None) -> str | None:
    """A place label from the gazetteer in ``lang``; any other text as it was written."""
    if not label or places is None:
        return label
    return places.in_language(label, lang)
