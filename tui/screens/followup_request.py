"""The follow-up request the screen sends: the prefilled draft with the boxes typed at the screen, the doctor's
class and date overrides with their reasons, and the next booking's mode."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import msgspec

from flows.clinical import FollowupDraft, FollowupMode, FollowupRequest
from flows.model import Condition
from tui.i18n import _


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_time(text: str) -> dt.time | None:
    try:
        return dt.datetime.strptime(text.strip(), "%H:%M").time()
    except ValueError:
        return None


def _number(boxes: Mapping[str, str], box: str, *, whole: bool = False) -> float | None:
    text = boxes.get(box, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(_("{box}: {text} is not a number").format(box=box, text=text)) from None
    return round(value) if whole else value


def _int(boxes: Mapping[str, str], box: str) -> int | None:
    value = _number(boxes, box, whole=True)
    return int(value) if value is not None else None


def build_request(
    draft: FollowupDraft,
    boxes: Mapping[str, str],
    *,
    overrides: Mapping[Condition, str],
    reasons: Mapping[str, str],
    next_date: dt.date | None,
    next_mode: FollowupMode,
    copd_stable: bool | None,
    preview: bool,
) -> FollowupRequest:
    """ValueError (a sentence for the doctor) when a box is not a number, or, to save, COPD is not judged.

    A preview leaves COPD out while its stability is not judged yet, so the other diseases' classes show."""
    form = draft.form
    signs = msgspec.structs.replace(
        form.signs,
        sbp=_int(boxes, "sbp"),
        dbp=_int(boxes, "dbp"),
        weight_kg=_number(boxes, "weight"),
        heart_rate=_int(boxes, "pulse"),
    )
    form = msgspec.structs.replace(form, signs=signs)
    if form.diabetes is not None:
        block = msgspec.structs.replace(
            form.diabetes, fpg=_number(boxes, "fpg"), hba1c=_number(boxes, "hba1c")
        )
        form = msgspec.structs.replace(form, diabetes=block)
    items = list(draft.items)
    copd = form.copd
    if copd is not None:
        if copd_stable is None and not preview:
            raise ValueError(_("Press F9 first: is the COPD stable or unstable?"))
        if copd_stable is None:
            items = [i for i in items if i.condition is not Condition.COPD]
            form = msgspec.structs.replace(form, copd=None)
        else:
            form = msgspec.structs.replace(form, copd=msgspec.structs.replace(copd, spo2=_int(boxes, "spo2")))
    items = [
        msgspec.structs.replace(
            i,
            class_override=overrides.get(i.condition),
            copd_stable=copd_stable if i.condition is Condition.COPD else None,
        )
        for i in items
    ]
    reason = "；".join(dict.fromkeys(reasons.values())) or None
    return FollowupRequest(
        resident_id=draft.resident_id,
        visit_id=draft.visit_id,
        items=tuple(items),
        mode=FollowupMode.CLINIC,  # at the doctor's desk: face to face
        form=form,
        next_date=next_date,
        override_reason=reason,
        next_mode=next_mode,
    )
