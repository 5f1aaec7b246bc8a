"""Strings a person reads go through ``_``; the ``i18n`` work (#19) replaces this shim with
``qantar.i18n`` and its catalogues, so every string here is already marked."""

from __future__ import annotations

import gettext

_ = gettext.gettext
