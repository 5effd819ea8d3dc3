"""One key binding as data: a stable id's key, action and English description (translated when bound)."""

from __future__ import annotations

from typing import NamedTuple


class KeyDef(NamedTuple):
    key: str
    action: str
    description: str  # msgid, translated when the binding is built
    tooltip: str = ""  # msgid
    show: bool = True
    priority: bool = False
