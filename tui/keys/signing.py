"""The keys of the signing screens (ids `signing.*`)."""

from __future__ import annotations

from tui.i18n import N_
from tui.keys.keydef import KeyDef

# Letters are safe here: the signing check has no text field (the reason is typed in its own dialog).
# Enter has priority so that, while a team is being chosen, it signs instead of being taken by the list;
# the screen disables it at every other moment, and then Enter goes on as usual.
KEYS: dict[str, KeyDef] = {
    "signing.renew": KeyDef(
        "r", "renew", N_("Renew"), N_("Renew the contract with the same team, then go on")
    ),
    "signing.sign": KeyDef("s", "sign", N_("Sign"), N_("Sign the resident with a family doctor team")),
    "signing.decline": KeyDef(
        "d", "decline", N_("Decline"), N_("The resident does not sign now (with a reason): general practice")
    ),
    "signing.package": KeyDef(
        "p", "toggle_package", N_("Package"), N_("Switch between the basic and the personalised package")
    ),
    "signing.confirm": KeyDef(
        "enter", "confirm_sign", N_("Sign here"), N_("Sign with the highlighted team"), priority=True
    ),
}
