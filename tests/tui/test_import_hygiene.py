"""`import tui.app` stays light: none of the server, database, device or HTTP libraries on the start path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# httpx comes with the first request (login), pypinyin/aiosqlite/asyncpg belong to the API process.
FORBIDDEN = (
    "litestar",
    "piccolo",
    "escpos",
    "serial",
    "qrcode",
    "PIL",
    "httpx",
    "asyncpg",
    "aiosqlite",
    "pypinyin",
)

_PROBE = """
import json, sys
import tui.app
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_tui_app_loads_no_heavy_or_foreign_module() -> None:
    loaded = _modules_after(_PROBE)
    assert "tui.app" in loaded, "the probe did not import tui.app"
    offenders = sorted(m for m in loaded if m.split(".")[0] in FORBIDDEN)
    assert offenders == [], f"import tui.app loaded {offenders}; keep them out of the TUI's start path"


def test_screens_after_login_are_not_imported_at_start() -> None:
    loaded = _modules_after(_PROBE)
    assert "tui.screens.login" in loaded
    assert "tui.screens.search" not in loaded
    assert "tui.screens.summary" not in loaded


def test_the_probe_would_notice_a_forbidden_import() -> None:
    """The check can fail: importing the client's HTTP library shows up in the same probe."""
    loaded = _modules_after(_PROBE.replace("import tui.app", "import tui.app, httpx"))
    assert "httpx" in loaded
