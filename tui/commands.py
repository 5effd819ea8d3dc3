"""The command palette's commands (ctrl+p): every action of the screen in front, in the desk's language.

Keyboard first means the footer holds the keys a step needs; the palette holds the rest, found by typing a
few letters (or characters) of its name. Each command runs the same action as its key, so the palette is
never a second way of doing something differently. Textual's own system commands (theme, screenshot…)
are left out: a front-desk terminal has no use for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from tui.i18n import _

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.app import OnestopApp


def desk_commands(app: OnestopApp, screen: Screen[object]) -> Iterable[SystemCommand]:
    """The screen's bindings that are enabled now (shown in the footer or not), then the app's own."""
    seen: set[str] = set()
    for _key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.action in seen or not active.enabled:
            continue
        seen.add(binding.action)
        key = app.get_key_display(binding)
        help_text = f"{binding.tooltip}  [{key}]" if binding.tooltip else f"[{key}]"
        yield SystemCommand(
            binding.description, help_text, partial(app.run_action, binding.action, active.node)
        )
    if app.session is not None:
        yield SystemCommand(_("Log out"), _("End this session; the next nurse logs in"), app.log_out)
