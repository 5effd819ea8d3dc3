"""The signing check's words: the contract's standing, its rows and what the nurse can do now (pure)."""

from __future__ import annotations

import datetime as dt
import enum

from flows.clinical import SigningStatus
from flows.model import FamilyDoctorTeam
from flows.rules.contracts import KeyPopulation
from tui import labels
from tui.i18n import N_, _
from tui.keys import KEYMAP


class Standing(enum.Enum):
    IN_FORCE = N_("In force")
    PENDING = N_("Signed, not started yet")  # a renewal or a contract signed ahead, none covering today
    EXPIRED = N_("Expired")
    UNSIGNED = N_("Not signed")


KEY_POPULATION = {
    KeyPopulation.AGED_65_OR_OVER: N_("aged 65 or over"),
    KeyPopulation.HYPERTENSION: N_("hypertension"),
    KeyPopulation.DIABETES: N_("type 2 diabetes"),
    KeyPopulation.COPD: N_("COPD"),
    KeyPopulation.PREGNANT: N_("pregnant woman"),
    KeyPopulation.CHILD_0_TO_6: N_("child aged 0–6"),
    KeyPopulation.DISABLED: N_("disabled"),
    KeyPopulation.POOR_HOUSEHOLD: N_("poor household"),
}

# Offered reasons to decline (the visit event keeps the words chosen, as the form asks for them).
DECLINE_REASONS = (
    N_("Not needed for now"),
    N_("Already signed elsewhere"),
    N_("Wants to discuss with family"),
)


def standing(status: SigningStatus, today: dt.date) -> Standing:
    """In words, from the API's answer; `today` (the visit's local date) only tells a future start."""
    contract = status.contract
    if contract is None:
        return Standing.UNSIGNED
    if status.in_force:
        return Standing.IN_FORCE
    return Standing.PENDING if contract.start_date > today else Standing.EXPIRED


def key(binding_id: str) -> str:
    """The key of a binding as the footer names it (F10, R, …), for the hints."""
    return KEYMAP[binding_id].key.upper()


def team_line(team: FamilyDoctorTeam) -> str:
    """`第一家庭医生团队 · 全科诊室2 · phone`: who, where to go, how to reach them."""
    return " · ".join([team.name, team.room, *([team.phone] if team.phone else [])])


def contract_rows(
    status: SigningStatus, now: Standing, teams: list[FamilyDoctorTeam], today: dt.date
) -> dict[str, str]:
    """The status box's values, by row id."""
    reasons = _(", ").join(labels.word(KEY_POPULATION, k) for k in status.key_populations)
    offered = now in (Standing.UNSIGNED, Standing.EXPIRED)
    reasons = reasons or (_("none; anyone may sign") if offered else _("none"))
    contract = status.contract
    if contract is None:
        return dict.fromkeys(("team", "package", "term", "renewal"), "—") | {
            "standing": _(now.value),
            "reasons": reasons,
        }
    team = next((t for t in teams if t.id == contract.team_id), None)
    team_text = team_line(team) if team else _("team {id}").format(id=contract.team_id)
    start, end = contract.start_date.isoformat(), contract.end_date.isoformat()
    left = (contract.end_date - today).days
    if now is Standing.IN_FORCE:
        term = (
            _("{start} to {end}, {days} days left").format(start=start, end=end, days=left)
            if left
            else _("{start} to {end}, ends today").format(start=start, end=end)
        )
        renewal = _("due: renew by {end}").format(end=end) if status.renewal_due else _("not due yet")
    elif now is Standing.EXPIRED:
        term = _("{start} to {end}, ended {days} days ago").format(start=start, end=end, days=-left)
        renewal = _("renew, or sign with a team again")
    else:
        days = (contract.start_date - today).days
        term = _("{start} to {end}, starts in {days} days").format(start=start, end=end, days=days)
        renewal = "—"
    return {
        "standing": _(now.value),
        "team": team_text,
        "package": labels.word(labels.PACKAGE, contract.package),
        "term": term,
        "renewal": renewal,
        "reasons": reasons,
    }


def prompt(now: Standing, *, choosing: bool, asking: bool, renewal_due: bool) -> str:
    """What the nurse can do now, naming the keys."""
    keys = {
        "next": key("visit.next"),
        "renew": key("signing.renew"),
        "sign": key("signing.sign"),
        "decline": key("signing.decline"),
        "package": key("signing.package"),
    }
    if choosing:
        return _("1–9 or ↑↓ choose the team, {package} the package; Enter signs, Esc goes back.").format(
            **keys
        )
    if now in (Standing.IN_FORCE, Standing.PENDING):
        text = _("{next} confirms the contract: the resident queues for the own family doctor team.")
        if renewal_due:
            text += " " + _("{renew} renews it first.")
        return text.format(**keys)
    if asking and now is Standing.EXPIRED:
        return _("Choose first: renew ({renew}), sign with a team ({sign}) or decline ({decline}).").format(
            **keys
        )
    if asking:
        return _("Choose first: sign ({sign}) or decline with a reason ({decline}).").format(**keys)
    if now is Standing.EXPIRED:
        return _(
            "The contract has ended: {renew} renews it, {sign} signs with a team, {decline} declines."
        ).format(**keys)
    return _("Offer signing: {sign} signs with a team, {decline} declines with a reason.").format(**keys)
