"""The keys of the doctor's desk: queue (ids `queue.*`)."""

from __future__ import annotations

from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {}
