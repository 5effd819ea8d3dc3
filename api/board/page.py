"""The waiting-room board's page and its script and style, read once from the package (no CDN: the clinic
may be offline), with the headers that keep it locked down."""

from __future__ import annotations

import importlib.resources
from typing import Final


def _asset(name: str) -> bytes:
    return importlib.resources.files("api.board").joinpath(name).read_bytes()


BOARD_HTML: Final = _asset("board.html")
BOARD_JS: Final = _asset("board.js")
BOARD_CSS: Final = _asset("board.css")

# The page loads only its own script, style and data: nothing inline, nothing from elsewhere, no frames.
BOARD_CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

# The assets may change with an upgrade: the screen revalidates them, cheaply, at each (re)load.
BOARD_HEADERS: Final = {
    "Content-Security-Policy": BOARD_CSP,
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}
ASSET_HEADERS: Final = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
