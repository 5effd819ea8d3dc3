"""The record screen's four lists as data: their columns, their rows in words, the dialog that edits a row,
and the record with a row added, changed or taken off (pure: the screen redraws from the result).

Past history shows the diseases first and then the surgery, trauma and transfusion lines, as the national
form does; a row's kind may change in its dialog (a disease becomes an operation), which moves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import msgspec

from flows.record import (
    Allergy,
    AllergyKind,
    FamilyHistoryEntry,
    HealthRecordInput,
    HistoryCondition,
    OutsideMedicine,
    PastDisease,
    PastEvent,
    PastEventKind,
    Relation,
)
from tui.i18n import _
from tui.screens import record_words as w
from tui.screens.record_parts import Field, parse_day, show_day

HISTORY, FAMILY, ALLERGIES, MEDICINES = "history", "family", "allergies", "medicines"
LISTS: Final = (HISTORY, FAMILY, ALLERGIES, MEDICINES)
# The API's field names of each list (a refusal's path names one of them).
API_NAMES: Final = {
    "diseases": HISTORY,
    "events": HISTORY,
    "family_history": FAMILY,
    "allergies": ALLERGIES,
    "medicines": MEDICINES,
}
_DISEASE = "disease"
Values = dict[str, str | None]


def _need(v: Values, name: str) -> str:
    """A required field's value (the dialog refuses to close without it)."""
    value = v[name]
    if value is None:
        raise ValueError(name)
    return value


def columns(section: str) -> tuple[str, ...]:
    return {
        HISTORY: (_("Kind"), _("Details"), _("Date")),
        FAMILY: (_("Relative"), _("Condition"), _("Note")),
        ALLERGIES: (_("Kind"), _("Substance"), _("Reaction")),
        MEDICINES: (_("Medicine"), _("Dose"), _("How often"), _("From")),
    }[section]


def cells(section: str, r: HealthRecordInput) -> Sequence[tuple[str, ...]]:
    if section == HISTORY:
        return [
            (
                _(w.DISEASE),
                w.word(w.CONDITION, d.condition) + (f" {d.note}" if d.note else ""),
                show_day(d.diagnosed_on),
            )
            for d in r.diseases
        ] + [(w.word(w.EVENT, e.kind), e.name, show_day(e.occurred_on)) for e in r.events]
    if section == FAMILY:
        return [
            (w.word(w.RELATION, f.relation), w.word(w.CONDITION, f.condition), f.note or "")
            for f in r.family_history
        ]
    if section == ALLERGIES:
        return [(w.word(w.ALLERGY, a.kind), a.substance, a.reaction or "") for a in r.allergies]
    return [(m.name, m.dose or "", m.frequency or "", m.source or "") for m in r.medicines]


def api_row(section: str, r: HealthRecordInput, api_name: str, index: int) -> int:
    """The screen's row of a refused API row (events follow the diseases in the history list)."""
    return index + len(r.diseases) if api_name == "events" else index


def dialog(section: str, r: HealthRecordInput, index: int | None) -> tuple[str, list[Field]]:
    """The dialog's title and fields, filled from the row at `index` (None: a new row)."""
    if section == HISTORY:
        disease = r.diseases[index] if index is not None and index < len(r.diseases) else None
        event = r.events[index - len(r.diseases)] if index is not None and disease is None else None
        kind = _DISEASE if disease or event is None else event.kind.value
        day = disease.diagnosed_on if disease else event.occurred_on if event else None
        return _("Past history"), [
            Field(
                name="kind",
                label=_("Kind"),
                options=((_DISEASE, _(w.DISEASE)), *w.options(w.EVENT)),
                required=True,
                value=kind,
            ),
            Field(
                name="condition",
                label=_("Disease"),
                options=w.options(w.CONDITION),
                value=disease.condition.value if disease else None,
            ),
            Field(
                name="name",
                label=_("Name or note"),
                value=(disease.note if disease else event.name if event else None),
            ),
            Field(name="day", label=_("Date"), date=True, value=show_day(day) or None),
        ]
    if section == FAMILY:
        f = r.family_history[index] if index is not None else None
        kin = {k: v for k, v in w.RELATION.items() if k is not Relation.SPOUSE}
        return _("Family history"), [
            Field(
                name="relation",
                label=_("Relative"),
                options=w.options(kin),
                required=True,
                value=f.relation.value if f else None,
            ),
            Field(
                name="condition",
                label=_("Condition"),
                options=w.options(w.CONDITION),
                required=True,
                value=f.condition.value if f else None,
            ),
            Field(name="note", label=_("Note"), value=f.note if f else None),
        ]
    if section == ALLERGIES:
        a = r.allergies[index] if index is not None else None
        return _("Allergies"), [
            Field(
                name="kind",
                label=_("Kind"),
                options=w.options(w.ALLERGY),
                required=True,
                value=a.kind.value if a else AllergyKind.DRUG.value,
            ),
            Field(name="substance", label=_("Substance"), required=True, value=a.substance if a else None),
            Field(name="reaction", label=_("Reaction"), value=a.reaction if a else None),
        ]
    m = r.medicines[index] if index is not None else None
    return _("Medicines taken that were not prescribed here"), [
        Field(name="name", label=_("Medicine"), required=True, value=m.name if m else None),
        Field(name="dose", label=_("Dose"), value=m.dose if m else None),
        Field(name="frequency", label=_("How often"), value=m.frequency if m else None),
        Field(name="source", label=_("From where (hospital, pharmacy)"), value=m.source if m else None),
    ]


def _put(
    rows: tuple[msgspec.Struct, ...], index: int | None, row: msgspec.Struct
) -> tuple[msgspec.Struct, ...]:
    if index is None or index >= len(rows):
        return (*rows, row)
    return (*rows[:index], row, *rows[index + 1 :])


def apply(section: str, r: HealthRecordInput, index: int | None, v: Values) -> HealthRecordInput:
    """The record with the dialog's values as the row at `index` (None: appended). Raises ValueError with a
    sentence when the values do not make a row (a disease without its condition)."""
    if section == HISTORY:
        return _apply_history(r, index, v)
    if section == FAMILY:
        entry = FamilyHistoryEntry(
            relation=Relation(_need(v, "relation")),
            condition=HistoryCondition(_need(v, "condition")),
            note=v["note"],
        )
        old = r.family_history[index] if index is not None else None
        if old is not None:  # an edit keeps the link to the relative's own record
            entry = msgspec.structs.replace(entry, relative_id=old.relative_id)
        return msgspec.structs.replace(r, family_history=_put(r.family_history, index, entry))
    if section == ALLERGIES:
        allergy = Allergy(
            kind=AllergyKind(_need(v, "kind")), substance=v["substance"] or "", reaction=v["reaction"]
        )
        return msgspec.structs.replace(r, allergies=_put(r.allergies, index, allergy))
    medicine = OutsideMedicine(
        name=v["name"] or "", dose=v["dose"], frequency=v["frequency"], source=v["source"]
    )
    return msgspec.structs.replace(r, medicines=_put(r.medicines, index, medicine))


def _apply_history(r: HealthRecordInput, index: int | None, v: Values) -> HealthRecordInput:
    day = parse_day(v["day"]) if v["day"] else None
    if v["kind"] == _DISEASE and v["condition"] is None:
        raise ValueError(_("Choose the disease."))
    if v["kind"] != _DISEASE and v["name"] is None:
        raise ValueError(_("Write what the operation, injury or transfusion was."))
    kept = delete(HISTORY, r, index) if index is not None else r
    was_disease = index is not None and index < len(r.diseases)
    if v["kind"] == _DISEASE:
        disease = PastDisease(
            condition=HistoryCondition(_need(v, "condition")), diagnosed_on=day, note=v["name"]
        )
        at = index if was_disease else None
        diseases = list(kept.diseases)
        diseases.insert(len(diseases) if at is None else at, disease)
        return msgspec.structs.replace(kept, diseases=tuple(diseases))
    event = PastEvent(kind=PastEventKind(_need(v, "kind")), name=v["name"] or "", occurred_on=day)
    at = index - len(r.diseases) if index is not None and not was_disease else None
    events = list(kept.events)
    events.insert(len(events) if at is None else at, event)
    return msgspec.structs.replace(kept, events=tuple(events))


def delete(section: str, r: HealthRecordInput, index: int) -> HealthRecordInput:
    if section == HISTORY:
        if index < len(r.diseases):
            return msgspec.structs.replace(r, diseases=r.diseases[:index] + r.diseases[index + 1 :])
        i = index - len(r.diseases)
        return msgspec.structs.replace(r, events=r.events[:i] + r.events[i + 1 :])
    name = {FAMILY: "family_history", ALLERGIES: "allergies", MEDICINES: "medicines"}[section]
    rows = getattr(r, name)
    return msgspec.structs.replace(r, **{name: rows[:index] + rows[index + 1 :]})
