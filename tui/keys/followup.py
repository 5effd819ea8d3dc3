"""The keys of the doctor's desk: followup (ids `followup.*`)."""

from __future__ import annotations

from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {}
