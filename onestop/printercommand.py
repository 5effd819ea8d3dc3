"""`onestop printer test`: ask the configured printer its status, print a test page, ask again.

For the clinic's IT person setting a printer up, before (or without) the API: it opens the printer itself.
While the API runs, the desk's way is `POST /api/v1/printer/test`, which goes through the print worker.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from onestop.config import Settings


def printer_test(
    settings: Settings, *, url: str | None = None, dry_run: bool = False
) -> tuple[bool, list[str]]:
    """Returns (printed, report lines). Never raises for a printer fault: the lines say what is wrong."""
    from hardware.printer.errors import PrinterError
    from hardware.printer.ticket import render_test_ticket
    from hardware.printer.transport import open_transport

    target = url or settings.printer.url
    lines = [f"printer: {target} ({settings.printer.paper_mm} mm, native_qr={settings.printer.native_qr})"]
    try:
        transport = open_transport(
            target, timeout_s=settings.printer.timeout_s, paper_mm=settings.printer.paper_mm
        )
    except ValueError as exc:
        return False, [*lines, f"error: {exc}"]
    try:
        before = transport.status()
        lines.append(f"status: {before.state.value} — {before.detail}")
        if not before.state.can_print:
            return False, [*lines, "not printed: fix the printer and run the test again"]
        if dry_run:
            return True, [*lines, "dry run: nothing printed"]
        now = dt.datetime.now(zoneinfo.ZoneInfo(settings.site.timezone))
        data = render_test_ticket(
            site_name=settings.site.name,
            printed_at=now,
            paper_mm=settings.printer.paper_mm,
            native_qr=settings.printer.native_qr,
        )
        try:
            transport.send(data)
        except PrinterError as exc:
            return False, [*lines, f"not printed: {exc.state.value} — {exc.message}"]
        after = transport.status()
        lines.append(f"sent {len(data)} bytes; status now: {after.state.value} — {after.detail}")
        return after.state.can_print, lines
    except PrinterError as exc:
        return False, [*lines, f"status: {exc.state.value} — {exc.message}"]
    finally:
        transport.close()
