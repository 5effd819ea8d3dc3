"""Errors in words for the desk: one function turns any worker failure into a sentence to show in place."""

from __future__ import annotations

from tui.client import ApiClientError, ApiUnreachable
from tui.i18n import N_, _

# Stable ApiError codes (flows.errors) → what the nurse reads; the API's own (English) message follows.
_CODES = {
    "unauthorized": N_("Your session has ended. Please log in again."),
    "forbidden": N_("Your role may not do this."),
    "not_found": N_("Not found."),
    "conflict": N_("This clashes with a record that already exists."),
    "invalid_input": N_("The input is not valid."),
    "invalid_id_number": N_("The ID number is not valid."),
    "move_not_allowed": N_("The visit cannot move that way now."),
}


def describe(error: BaseException) -> str:
    """One sentence in the active language; the API's detail is kept so nothing is hidden."""
    if isinstance(error, ApiUnreachable):
        return _(
            "Cannot reach the API at {url}. Check that the server is running and the address is right."
        ).format(url=error.url)
    if isinstance(error, ApiClientError):
        msgid = _CODES.get(error.code)
        if msgid is None:
            return _("The API refused the request: {message}").format(message=error.message)
        return f"{_(msgid)} ({error.message})"
    return _("Unexpected error: {error}").format(error=f"{type(error).__name__}: {error}")
