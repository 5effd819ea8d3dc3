"""The keys of the screening screens (ids `screening.*`, `questionnaire.*`, `emergency.*`)."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

# F-keys on the form (letters and digits are typed into its fields); letters on the emergency screen, which
# has no field, so that acting on an emergency takes a deliberate key and never a stray Enter or Escape.
KEYS: dict[str, KeyDef] = {
    "screening.values": KeyDef("f2", "values", N_("Values"), N_("Go to the measurements")),
    "screening.symptoms": KeyDef("f3", "symptoms", N_("Symptoms"), N_("Tick danger signs and history")),
    "screening.questionnaires": KeyDef(
        "f4", "questionnaires", N_("Forms"), N_("COPD-SQ, diabetes risk, stroke 8+2, TCM 33")
    ),
    "screening.findings": KeyDef(
        "f5", "findings", N_("Findings"), N_("The rules' findings with their reasons (refreshed)")
    ),
    "screening.claim": KeyDef(
        "f7", "claim", N_("Take readings"), N_("Take the station's waiting readings into this visit")
    ),
    "screening.emergency": KeyDef(
        "f9", "emergency", N_("Emergency"), N_("Show the open emergency and act on it")
    ),
    "questionnaire.back": KeyDef(
        "backspace", "back", N_("Previous question"), N_("Back to the previous question")
    ),
    "questionnaire.next": KeyDef(
        "down", "forward", N_("Next question"), N_("Keep this answer, next question")
    ),
    "questionnaire.save": KeyDef("f10", "save", N_("Save and score"), N_("Score the answers and save them")),
    "questionnaire.close": KeyDef(
        "escape", "close", N_("Close form"), N_("Back to screening; the answers stay for later")
    ),
    "emergency.refer": KeyDef(
        "r", "refer", N_("Refer now"), N_("Emergency referral of this visit, with a reason"), priority=True
    ),
    "emergency.measure": KeyDef(
        "m",
        "measure",
        N_("Keep measuring"),
        N_("Back to the form; the alert stays until resolved"),
        priority=True,
    ),
}
