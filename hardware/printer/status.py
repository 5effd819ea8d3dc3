"""The printer's real-time status: the three `DLE EOT` answers and what they mean for the desk.

Frame (DEVICES.md §1; Epson ESC/POS reference "DLE EOT n", e.g. TM-U220 and Bixolon SRP-350 manuals): the host
sends `10 04 n`, the printer answers one byte at once, even in the middle of a job. Every answer byte has
bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0 (base 0x12); the other bits are:

    n=1 printer        bit 3 (0x08) offline; bit 2 drawer pin 3 (ignored); bits 5, 6 reserved
    n=2 offline cause  bit 2 (0x04) cover open; bit 3 (0x08) feeding by the FEED button;
                       bit 5 (0x20) stopped by paper end; bit 6 (0x40) error (cutter jam, head too hot)
    n=4 paper sensor   bits 2, 3 (0x0C) paper near end; bits 5, 6 (0x60) paper end

so a healthy printer answers 12 12 12, paper near end 12 12 1E, paper out 1A 32 72 (or 7E), cover open
1A 16 12. python-escpos 3.1 reads n=4 with the same masks (`RT_MASK_PAPER` 0x12, `RT_MASK_LOWPAPER` 0x1E,
`RT_MASK_NOPAPER` 0x72 in escpos/constants.py, used by `paper_status()` in escpos/escpos.py), and n=1 with
`RT_MASK_ONLINE` 0x08 in `is_online()`.

One state wins, in this order (the first one asks the nurse for the action that unblocks the rest):

    state           detail (desk, Chinese)           English
    COVER_OPEN      纸仓盖打开，请合上               paper cover open: close it
    PAPER_OUT       缺纸，请装纸                     paper out: load paper
    ERROR           打印机故障，请检查切刀或打印头   printer error: check the cutter or the head
    OFFLINE         打印机离线                       printer offline
    PAPER_NEAR_END  纸将尽，请备纸                   paper near end: get a new roll ready
    READY           打印机就绪                       ready
    NO_ANSWER       打印机无应答                     no answer within the timeout
    NO_ANSWER       打印机应答无法识别               the answer is not a status byte (garbled)
    REFUSED         连接被拒绝，请检查打印机电源和连线  connection refused, port missing or no permission
    DISCONNECTED    连接中断，请检查打印机电源和连线  the printer closed the connection
    UNKNOWN         无法查询状态（文件或预览打印机）  this transport has no status channel

Choice for a byte that breaks the fixed bits (stray data, an Automatic Status Back block, a device that is not
an ESC/POS printer): it is not an answer, so the printer has not answered — state NO_ANSWER with its own
detail, the raw bytes kept for the log. Not ERROR: that would send the nurse looking for a cutter jam.
`interpret` never raises for a byte value; it raises ValueError only for an int outside 0–255 (a bug).
"""

from __future__ import annotations

import msgspec

from hardware.printer.errors import PrinterState

DLE_EOT = b"\x10\x04"
QUERIES = (1, 2, 4)  # printer, offline cause, paper sensor: the three answers `interpret` needs

# Fixed bits of every DLE EOT answer: bits 0 and 7 clear, bits 1 and 4 set (ESC/POS reference, "Fixed").
_FIXED_MASK = 0x93
_FIXED_VALUE = 0x12

OFFLINE = 0x08  # n=1
COVER_OPEN = 0x04  # n=2
FEED_BUTTON = 0x08  # n=2
PAPER_END_STOP = 0x20  # n=2
ERROR = 0x40  # n=2
NEAR_END = 0x0C  # n=4
PAPER_END = 0x60  # n=4

DETAILS: dict[PrinterState, str] = {
    PrinterState.READY: "打印机就绪",
    PrinterState.PAPER_NEAR_END: "纸将尽，请备纸",
    PrinterState.PAPER_OUT: "缺纸，请装纸",
    PrinterState.COVER_OPEN: "纸仓盖打开，请合上",
    PrinterState.OFFLINE: "打印机离线",
    PrinterState.ERROR: "打印机故障，请检查切刀或打印头",
    PrinterState.NO_ANSWER: "打印机无应答",
    PrinterState.REFUSED: "连接被拒绝，请检查打印机电源和连线",
    PrinterState.DISCONNECTED: "连接中断，请检查打印机电源和连线",
    PrinterState.UNKNOWN: "无法查询状态（文件或预览打印机）",
}
GARBLED_DETAIL = "打印机应答无法识别"
FEEDING_DETAIL = "打印机离线（正在走纸）"


class PrinterStatus(msgspec.Struct, frozen=True, kw_only=True):
    """What the printer said. `printer`, `offline_cause`, `paper` are the raw answers to DLE EOT 1, 2, 4
    (None when not asked or not answered); `reason` is the technical cause in English for the log."""

    state: PrinterState
    detail: str
    printer: int | None = None
    offline_cause: int | None = None
    paper: int | None = None
    reason: str = ""


def is_status_byte(value: int) -> bool:
    """Whether `value` has the fixed bits of a DLE EOT answer (0x12 base)."""
    return value & _FIXED_MASK == _FIXED_VALUE


def interpret(printer: int, offline_cause: int, paper: int) -> PrinterStatus:
    """The state for the answers to DLE EOT 1, 2 and 4 (see the module table for the precedence)."""
    raw = {"printer": printer, "offline_cause": offline_cause, "paper": paper}
    for name, value in raw.items():
        if not 0 <= value <= 0xFF:
            raise ValueError(f"{name}: a status answer is one byte (0–255), got {value}")
    garbled = [f"{name}=0x{value:02X}" for name, value in raw.items() if not is_status_byte(value)]
    if garbled:
        reason = f"not a DLE EOT answer (fixed bits 0x12 under mask 0x93): {', '.join(garbled)}"
        return PrinterStatus(
            state=PrinterState.NO_ANSWER,
            detail=GARBLED_DETAIL,
            printer=printer,
            offline_cause=offline_cause,
            paper=paper,
            reason=reason,
        )
    detail: str | None = None
    if offline_cause & COVER_OPEN:
        state = PrinterState.COVER_OPEN
    elif offline_cause & PAPER_END_STOP or paper & PAPER_END:
        state = PrinterState.PAPER_OUT
    elif offline_cause & ERROR:
        state = PrinterState.ERROR
    elif printer & OFFLINE:
        state = PrinterState.OFFLINE
        if offline_cause & FEED_BUTTON:
            detail = FEEDING_DETAIL
    elif paper & NEAR_END:
        state = PrinterState.PAPER_NEAR_END
    else:
        state = PrinterState.READY
    return PrinterStatus(
        state=state,
        detail=detail or DETAILS[state],
        printer=printer,
        offline_cause=offline_cause,
        paper=paper,
    )


def failed(state: PrinterState, reason: str, *, answers: tuple[int, ...] = ()) -> PrinterStatus:
    """A status for a transport that could not ask or got no full answer; `answers` are the bytes that did
    come (to DLE EOT 1, then 2), kept for the log; `reason` is the technical cause."""
    got: list[int | None] = [*answers, None, None, None]
    return PrinterStatus(
        state=state, detail=DETAILS[state], printer=got[0], offline_cause=got[1], paper=got[2], reason=reason
    )
