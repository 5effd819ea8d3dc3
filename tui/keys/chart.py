"""The keys of the doctor's desk: chart (ids `chart.*`)."""

from __future__ import annotations

from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {}
