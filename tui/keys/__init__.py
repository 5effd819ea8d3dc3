"""The key map as data: every binding has a stable id, a key, an action and an English description.

Each group of screens keeps its keys in its own module here (desk, visit, intake, screening, record,
signing, triage); KEYMAP is their union, and an id defined twice stops the import rather than shadowing.
"""

from __future__ import annotations

from textual.binding import Binding

from tui.i18n import _
from tui.keys import (
    chart,
    dashboard,
    desk,
    diagnosis,
    doctor,
    followup,
    intake,
    plan,
    queue,
    record,
    referral,
    register,
    screening,
    signing,
    triage,
    visit,
    worklists,
)
from tui.keys.keydef import KeyDef

__all__ = ["KEYMAP", "KeyDef", "bindings"]


def _merge(*groups: dict[str, KeyDef]) -> dict[str, KeyDef]:
    merged: dict[str, KeyDef] = {}
    for group in groups:
        twice = sorted(set(merged) & set(group))
        if twice:
            raise RuntimeError(f"key ids defined twice in tui/keys: {twice}")
        merged.update(group)
    return merged


KEYMAP: dict[str, KeyDef] = _merge(
    desk.KEYS,
    visit.KEYS,
    register.KEYS,
    intake.KEYS,
    screening.KEYS,
    record.KEYS,
    signing.KEYS,
    triage.KEYS,
    # the doctor's desk
    doctor.KEYS,
    queue.KEYS,
    chart.KEYS,
    diagnosis.KEYS,
    referral.KEYS,
    plan.KEYS,
    followup.KEYS,
    worklists.KEYS,
    dashboard.KEYS,
)


def bindings(*ids: str) -> list[Binding]:
    """Bindings for the given ids in the active language (built per instance, after `activate`)."""
    out = []
    for binding_id in ids:
        k = KEYMAP[binding_id]
        out.append(
            Binding(
                k.key,
                k.action,
                _(k.description),
                show=k.show,
                priority=k.priority,
                tooltip=_(k.tooltip) if k.tooltip else "",
                id=binding_id,
            )
        )
    return out
