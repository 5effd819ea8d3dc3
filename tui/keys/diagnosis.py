"""The keys of the doctor's desk: diagnosis (ids `diagnosis.*`)."""

from __future__ import annotations

from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {}
