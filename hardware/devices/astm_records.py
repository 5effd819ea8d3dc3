r"""ASTM E1394 (CLSI LIS2-A2) records: delimiters, escapes, H P O R C Q L, and the encoder. [V]

Records of one message (DEVICES.md §2 `astm`), fields numbered as in E1394 (field 1 is the record type):

    H|\^&|||HbA1c-POCT^1.0^SN12345|||||||P|LIS2-A2|20240501093512
        H.2 the delimiters: field |, repeat \, component ^, escape &; H.5 sender; H.12 processing id
        (P patient, Q quality control, T training, D debugging); H.14 date and time of the message
    P|1||P000123||^^||19650302|M            P.3 practice patient id, P.4 laboratory patient id
    O|1|S240501-007||^^^HbA1c|R|…          order (specimen): not needed for a result
    R|1|^^^HbA1c^NGSP|7.2|%|4.0-6.0|H||F||||20240501093500
        R.3 universal test id (4th component the instrument's test code, the 5th a qualifier), R.4 value,
        R.5 unit, R.6 reference range, R.7 abnormal flag, R.9 status (F final, C corrected, P preliminary…),
        R.13 date and time the test completed
    C comment, Q request, M manufacturer, S scientific: read past; L|1|N terminator (the message is whole)

Escapes inside a field: &F& &S& &R& &E& stand for the field, component, repeat and escape delimiters
(with the escape character of H.2 in place of &). Others (&H& &N& &X…&) are kept as sent: no value we read
depends on them. Only `FrameError` leaves this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final

import msgspec

from hardware.devices.astm_frames import build_frames
from hardware.devices.base import FrameError

_KNOWN: Final = frozenset("HPORCQLMS")
_SKIPPED: Final = frozenset("OCQMS")  # no result in them; M and S are vendor records E1394 allows


class Delimiters(msgspec.Struct, frozen=True, kw_only=True):
    field: str = "|"
    repeat: str = "\\"
    component: str = "^"
    escape: str = "&"


DEFAULT: Final = Delimiters()


class Result(msgspec.Struct, frozen=True, kw_only=True):
    """One R record, unescaped; values still text."""

    test: str  # the instrument's test code (R.3 component 4), e.g. HbA1c
    qualifier: str  # R.3 component 5, e.g. NGSP / IFCC
    value: str
    unit: str
    reference_range: str
    flags: str
    status: str
    completed: dt.datetime | None


class Patient(msgspec.Struct, frozen=True, kw_only=True):
    patient_id: str | None  # None for results sent before any P record
    results: tuple[Result, ...]


class Message(msgspec.Struct, frozen=True, kw_only=True):
    delimiters: Delimiters
    sender: str
    processing_id: str  # H.12: P (or empty) for patient results
    sent_at: dt.datetime | None
    patients: tuple[Patient, ...]


def decode_record(raw: bytes) -> str:
    """E1394 text is ASCII; Chinese instruments send names in UTF-8 or GB18030: try those, never fail."""
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("latin-1")


def parse_delimiters(header: str) -> Delimiters:
    """The delimiters H.2 declares: `H` then field, repeat, component and escape characters."""
    if len(header) < 5 or header[0] != "H":
        raise FrameError(f"a message starts with an H record like 'H|\\^&', not {header[:12]!r}")
    chars = header[1:5]
    if len(set(chars)) != 4 or any(c.isalnum() or c.isspace() for c in chars):
        raise FrameError(f"H record delimiters {chars!r} are not four distinct punctuation characters")
    if len(header) > 5 and header[5] != chars[0]:
        raise FrameError(f"H.2 {header[1:6]!r} is longer than its three delimiters")
    return Delimiters(field=chars[0], repeat=chars[1], component=chars[2], escape=chars[3])


def escape(text: str, d: Delimiters = DEFAULT) -> str:
    e = d.escape
    out = text.replace(e, f"{e}E{e}")
    for char, code in ((d.field, "F"), (d.component, "S"), (d.repeat, "R")):
        out = out.replace(char, f"{e}{code}{e}")
    return out


def unescape(text: str, d: Delimiters = DEFAULT) -> str:
    e, out, i = d.escape, [], 0
    table = {"F": d.field, "S": d.component, "R": d.repeat, "E": e}
    while (start := text.find(e, i)) >= 0:
        end = text.find(e, start + 1)
        if end < 0:
            break  # an escape character with no partner: kept as sent
        out.append(text[i:start])
        sequence = text[start + 1 : end]
        out.append(table.get(sequence, text[start : end + 1]))  # &H& &N& &X…&: kept as sent
        i = end + 1
    out.append(text[i:])
    return "".join(out)


def components(field: str, d: Delimiters = DEFAULT) -> list[str]:
    """The unescaped components of a field's first repetition."""
    return [unescape(c, d) for c in field.split(d.repeat, maxsplit=1)[0].split(d.component)]


def parse_datetime(text: str) -> dt.datetime | None:
    """E1394 YYYYMMDD[HHMM[SS]], naive as the instrument's clock; empty → None."""
    text = text.strip()
    if not text:
        return None
    formats = {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}
    if len(text) not in formats or not text.isascii() or not text.isdigit():
        raise FrameError(f"expected a date-time YYYYMMDDHHMMSS, got {text!r}")
    try:
        return dt.datetime.strptime(text, formats[len(text)])
    except ValueError as exc:
        raise FrameError(f"impossible date-time {text!r}: {exc}") from exc


def _field(fields: Sequence[str], number: int) -> str:
    """E1394 field `number` (1-based: the record type is field 1), empty when the record stops before it."""
    return fields[number - 1] if len(fields) >= number else ""


def split_messages(records: Sequence[str]) -> list[list[str]]:
    """Split one session's records into messages, each from its H record (E1381 may carry several)."""
    messages: list[list[str]] = []
    for record in records:
        if record.startswith("H") or not messages:
            messages.append([])
        messages[-1].append(record)
    return messages


def parse_message(records: Sequence[str]) -> Message:
    """One whole message, H first and L last; FrameError names what is missing or malformed."""
    if not records:
        raise FrameError("empty message")
    d = parse_delimiters(records[0])
    if not records[-1].startswith("L"):
        raise FrameError(f"message without its L terminator record: incomplete ({len(records)} records)")
    header = records[0].split(d.field)
    patients: list[tuple[str | None, list[Result]]] = []
    for number, record in enumerate(records[1:], start=2):
        fields = record.split(d.field)
        kind = fields[0]
        if kind not in _KNOWN or len(kind) != 1:
            raise FrameError(f"record {number} has unknown type {kind[:10]!r}")
        if kind == "H":
            raise FrameError(f"record {number} is a second H record inside one message")
        if kind == "L" and number != len(records):
            raise FrameError(f"record {number} is an L terminator before the end of the message")
        if kind == "P":
            ids = [_first(_field(fields, n), d) for n in (3, 4)]  # practice id, else laboratory id
            patients.append((ids[0] or ids[1] or None, []))
        elif kind == "R":
            if not patients:
                patients.append((None, []))
            patients[-1][1].append(_result(fields, d))
        # O C Q M S hold nothing a measurement needs: read past (checked for type only)
    return Message(
        delimiters=d,
        sender=_first(_field(header, 5), d),
        processing_id=_first(_field(header, 12), d).strip(),
        sent_at=parse_datetime(_field(header, 14)),
        patients=tuple(Patient(patient_id=pid, results=tuple(rs)) for pid, rs in patients),
    )


def _first(field: str, d: Delimiters) -> str:
    return next((c.strip() for c in components(field, d) if c.strip()), "")


def _result(fields: Sequence[str], d: Delimiters) -> Result:
    test_id = components(_field(fields, 3), d)
    # The instrument's own code is component 4 (E1394 universal test id ^^^code); an instrument that fills
    # component 1 instead is still read, by the same name table.
    code = test_id[3].strip() if len(test_id) > 3 else ""
    if not code:
        code = next((c.strip() for c in test_id[:3] if c.strip()), "")
    if not code:
        raise FrameError(f"R record without a test id: {_field(fields, 3)!r}")
    return Result(
        test=code,
        qualifier=test_id[4].strip() if len(test_id) > 4 else "",
        value=components(_field(fields, 4), d)[0].strip(),
        unit=_first(_field(fields, 5), d),
        reference_range=unescape(_field(fields, 6), d).strip(),
        flags=unescape(_field(fields, 7), d).strip(),
        status=unescape(_field(fields, 9), d).strip().upper(),
        completed=parse_datetime(_field(fields, 13)),
    )


def encode_message(records: Sequence[str]) -> list[bytes]:
    """The E1381 frames of one message from its record texts (already escaped, no CR), for tests and the
    simulator."""
    return build_frames([r.encode() for r in records])
