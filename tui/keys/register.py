"""The keys of the login and register screens (ids `login.*`, `register.*`)."""

from __future__ import annotations

from tui.i18n import N_  # noqa: F401 (used as entries are added)
from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {}
