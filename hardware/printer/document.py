"""A page of text (health education, a referral summary) rendered as ESC/POS bytes for 58 or 80 mm paper.

The same rules as the queue ticket (ticket.py, DEVICES.md §1), through the same page builder: `ESC @` then
`FS &` (Chinese mode), every line made GBK-safe, wrapped by printed width (a Chinese character takes two
columns: 16 / 24 to a line) and encoded as GBK, size by `GS !` only, a full cut at the end. Nothing here
sends a GB18030 four-byte sequence or python-escpos `text()`.

Layout: the title centred, double height and bold; a rule; the lines, each wrapped to the paper (an empty
line is a blank line; a line that opens with 【 is a heading, printed bold); then, if any, a rule and the
footer. A resident ID number anywhere is refused (ValueError), as on the ticket.
"""

from __future__ import annotations

from flows.printing import DocumentContent
from hardware.printer.ticket import _Page

HEADING = "【"


def render_document(content: DocumentContent, *, paper_mm: int) -> bytes:
    """The ESC/POS bytes of one document, ending with a full cut. Raises ValueError for a paper width other
    than 58 or 80 mm, or for text that holds a resident ID number."""
    page = _Page(paper_mm)  # the ticket's page builder: one place for the Chinese-mode and GBK rules
    page.line(content.title, align="center", tall=True, bold=True)
    page.rule()
    for line in content.lines:
        if line.strip():
            page.line(line, bold=line.startswith(HEADING))
        else:
            page.printer._raw(b"\n")  # a bare LF feeds one blank line (wrap() makes no line of "")
    if content.footer:
        page.rule()
        page.line(content.footer)
    return page.finish()
