"""The keys of the doctor's desk: diagnosis and health education (ids `diagnosis.*`).

Diagnosis is a form (the basis is typed): F-keys and ctrl-keys, and digits pick a condition only while no
field has the focus. Health education has no field: `p` prints, as F5 does."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

KEYS: dict[str, KeyDef] = {
    "diagnosis.confirm": KeyDef(
        "ctrl+o", "confirm", N_("Confirm"), N_("Confirm the chosen condition (with the basis typed, if any)")
    ),
    "diagnosis.reject": KeyDef("ctrl+r", "reject", N_("Rule out"), N_("Rule out the chosen condition")),
    "diagnosis.basis": KeyDef(
        "f3", "edit_basis", N_("Basis"), N_("Type the doctor's basis for the decision")
    ),
    "diagnosis.symptoms": KeyDef(
        "f4",
        "toggle_symptoms",
        N_("Symptoms"),
        N_("Typical diabetes symptoms (polydipsia, polyphagia, polyuria, weight loss): yes or no"),
    ),
    "diagnosis.education_print": KeyDef(
        "f5", "print_education", N_("Print"), N_("Print the health education for the resident")
    ),
    "diagnosis.education_print_p": KeyDef(
        "p", "print_education", N_("Print"), N_("Print the health education for the resident"), show=False
    ),
}
