"""The keys of the triage screens (ids `triage.*`)."""

from __future__ import annotations

from tui.i18n import N_  # noqa: F401 (used as entries are added)
from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {}
