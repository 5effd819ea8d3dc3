"""The register form's field checks, as the nurse types (`complete=False`) and when she leaves the field.

Pure functions returning the message to show next to the field (None: nothing to say). While typing only
what is already certainly wrong is said; a field that is merely unfinished is judged when it is left.
The API checks again (api/ → db/residents.py); these rules accept a subset of what it accepts.
"""

from __future__ import annotations

import datetime as dt
import re

from flows.identity import IdNumber, IdNumberError, check_character, parse_id_number
from tui.i18n import _

ID_LENGTH = 18
NAME_MIN, NAME_MAX = 2, 30
# Han characters (CJK unified ideographs and extensions A–F), Latin letters, the middle dot of minority
# and foreign names (阿依古丽·买买提; U+00B7 and the full-width U+30FB typed by some input methods), spaces.
_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ebef A-Za-z·・]+")
_PHONE_SEPARATORS = re.compile(r"[\s\-()（）]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")  # mainland mobile numbers: 11 digits, 13x–19x
_LANDLINE = re.compile(r"0[1-9][0-9]{1,2}[2-9][0-9]{6,7}")  # area code 0xx / 0xxx, then 7–8 digits
_LOCAL = re.compile(r"[2-9][0-9]{6,7}")  # a local number without the area code


def _digits_then_x(text: str) -> bool:
    """17 digits then a digit or X, as far as typed."""
    head, last = text[:17], text[17:18]
    return head.isdigit() and (last in ("", "X") or last.isdigit())


def _birth_date_error(text: str, today: dt.date) -> str | None:
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1880:
        return _("The birth date in the ID number ({digits}) does not exist.").format(digits=text[6:14])
    if birth > today:
        return _("The birth date in the ID number ({date}) is in the future.").format(date=birth.isoformat())
    return None


def id_number_error(raw: str, *, today: dt.date, complete: bool) -> str | None:
    """GB 11643: 17 digits and a check character; the birth date as soon as its 8 digits are typed."""
    text = raw.strip().upper()
    if not text:
        return _("Enter the ID number.") if complete else None
    if not _digits_then_x(text[:ID_LENGTH]):
        return _("Digits only, with X only as the 18th character.")
    if len(text) > ID_LENGTH:
        return _("The ID number has {count} characters; it needs 18.").format(count=len(text))
    if complete and len(text) == 15 and parsed_id_number(text, today=today) is not None:
        return None  # a legacy 15-digit number (YYMMDD): the API upgrades it to 18
    # The 8 birth-date digits are judged once typed, but not while 14–15 digits may be a legacy number.
    if (len(text) >= 16 or complete) and len(text) >= 14 and (error := _birth_date_error(text, today)):
        return error
    if len(text) == ID_LENGTH:
        expected = check_character(text[:17])
        if text[17] != expected:
            return _(
                "The 18th character is {typed} but the first 17 digits require {expected}: a digit is mistyped."
            ).format(typed=text[17], expected=expected)
        return None
    if not complete:
        return None
    return _("The ID number has {count} characters; it needs 18.").format(count=len(text))


def parsed_id_number(raw: str, *, today: dt.date) -> IdNumber | None:
    """The valid number with its sex and birth date (for the form to show), or None."""
    try:
        return parse_id_number(raw, today=today)
    except IdNumberError:
        return None


def clean_name(raw: str) -> str:
    return " ".join(raw.split())


def name_error(raw: str, *, complete: bool) -> str | None:
    name = clean_name(raw)
    if not name:
        return _("Enter the name.") if complete else None
    if not _NAME.fullmatch(name):
        return _("Chinese characters or letters only (· and spaces allowed).")
    if len(name) > NAME_MAX:
        return _("The name has {count} characters; at most {most}.").format(count=len(name), most=NAME_MAX)
    if complete and len(name) < NAME_MIN:
        return _("The name needs at least {least} characters.").format(least=NAME_MIN)
    return None


def clean_phone(raw: str) -> str | None:
    """Digits only, without separators or the +86 country code; None when empty (the phone is optional)."""
    phone = _PHONE_SEPARATORS.sub("", raw)
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("86") and len(phone) == 13:
        phone = phone[2:]
    return phone or None


def phone_error(raw: str, *, complete: bool) -> str | None:
    """An 11-digit mainland mobile number, or a landline with or without its area code."""
    phone = clean_phone(raw)
    if phone is None:
        return None
    if not phone.isdigit():
        return _("The phone number may hold digits, spaces and dashes only.")
    wrong = _("Enter an 11-digit mobile number or a landline such as 0523-86123456.")
    if not complete:
        return wrong if len(phone) > (11 if phone.startswith("1") else 12) else None
    if _MOBILE.fullmatch(phone) or _LANDLINE.fullmatch(phone) or _LOCAL.fullmatch(phone):
        return None
    return wrong
