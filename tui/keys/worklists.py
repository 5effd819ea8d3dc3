"""The keys of the doctor's desk: worklists (ids `worklists.*`)."""

from __future__ import annotations

from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {}
