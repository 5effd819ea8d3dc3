"""Resident ID numbers (GB 11643—1999), health-record numbers (BPHS-2017) and masking for display."""

from __future__ import annotations

import datetime as dt
import enum
import re

from flows.errors import InvalidInput
from flows.model import Sex, Struct

# GB-11643 §… check character: S = Σ dᵢ·Wᵢ over the first 17 digits; character = "10X98765432"[S mod 11]. [V]
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_DIGITS17 = re.compile(r"[0-9]{17}")


class IdCheck(enum.StrEnum):
    """Which check an ID number failed; the API returns it so the desk knows what to look at."""

    LENGTH = "length"
    CHARACTERS = "characters"
    DATE = "date"
    FUTURE_DATE = "future_date"
    CHECK_CHARACTER = "check_character"


class IdNumberError(InvalidInput):
    code = "invalid_id_number"

    def __init__(self, message: str, check: IdCheck):
        super().__init__(message, field="id_number", details={"check": check.value})
        self.check = check


class IdNumber(Struct, frozen=True, kw_only=True):
    """A valid 18-character ID number and what it says about its holder."""

    number: str
    region_code: str
    birth_date: dt.date
    sex: Sex


def check_character(first17: str) -> str:
    """The GB-11643 check character for 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def parse_id_number(raw: str, *, today: dt.date) -> IdNumber:
    """Validate an ID number typed or scanned at the desk; each refusal names the check that failed.

    Accepts lower-case x (normalised to X) and surrounding spaces. Legacy 15-digit numbers are upgraded
    (see `upgrade_15`).
    """
    text = raw.strip().upper()
    if len(text) == 15:
        if not text.isdigit():
            raise IdNumberError("15-digit ID number must be all digits", IdCheck.CHARACTERS)
        text = upgrade_15(text)
    if len(text) != 18:
        raise IdNumberError(f"ID number must have 18 characters, got {len(text)}", IdCheck.LENGTH)
    if not _DIGITS17.fullmatch(text[:17]) or not (text[17].isdigit() or text[17] == "X"):
        raise IdNumberError("ID number must be 17 digits followed by a digit or X", IdCheck.CHARACTERS)
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise IdNumberError(f"ID number holds an impossible birth date {text[6:14]}", IdCheck.DATE) from None
    if birth.year < 1880:
        raise IdNumberError(f"ID number holds an impossible birth date {text[6:14]}", IdCheck.DATE)
    if birth > today:
        raise IdNumberError(
            f"ID number holds a birth date in the future ({birth.isoformat()})", IdCheck.FUTURE_DATE
        )
    expected = check_character(text[:17])
    if text[17] != expected:
        raise IdNumberError(
            f"ID number check character is {text[17]}, the first 17 digits require {expected}",
            IdCheck.CHECK_CHARACTER,
        )
    # GB-11643: the 3-digit sequence is odd for men, even for women. [V]
    sex = Sex.MALE if int(text[16]) % 2 == 1 else Sex.FEMALE
    return IdNumber(number=text, region_code=text[:6], birth_date=birth, sex=sex)


def upgrade_15(number15: str) -> str:
    """Legacy 15-digit number (YYMMDD, no check digit) → 18 digits by inserting 19 and a check character.

    [U] CLINICAL_RULES.md §1: the rule that every 15-digit number was issued to someone born in the 1900s is
    the common practice, not confirmed against the standard's text.
    """
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_character(first17)


def make_id_number(region_code: str, birth_date: dt.date, sequence: int, sex: Sex) -> str:
    """Build a valid ID number (for synthetic data and tests): sequence 0–99, the sex digit is chosen."""
    if not (0 <= sequence <= 99):
        raise ValueError("sequence must be 0–99; the third digit carries the sex")
    sex_digit = (sequence % 5) * 2 + (1 if sex is Sex.MALE else 0)
    first17 = f"{region_code}{birth_date:%Y%m%d}{sequence:02d}{sex_digit}"
    return first17 + check_character(first17)


def mask_id_number(number: str) -> str:
    """First 6 and last 4 visible (CLINICAL_RULES.md §1): the full number is never shown in lists."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str | None) -> str | None:
    """138****5678: enough to confirm with the resident, not enough to call them."""
    if not phone:
        return phone
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str) -> str:
    """张三 → 张*, 张三丰 → 张*丰: the form printed on tickets and boards."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- health-record number (BPHS-2017 居民健康档案管理) ----------------------------------------------------

RECORD_NUMBER_LENGTH = 17


def validate_village_code(code: str) -> str:
    """BPHS-2017: 001–099 居委会, 101–199 村委会, 901–999 other. [V]"""
    if not re.fullmatch(r"[0-9]{3}", code):
        raise InvalidInput(f"village code must be 3 digits, got {code!r}", field="village_code")
    n = int(code)
    if not (1 <= n <= 99 or 101 <= n <= 199 or 901 <= n <= 999):
        raise InvalidInput(
            f"village code {code} is outside 001–099 (committee), 101–199 (village), 901–999 (other)",
            field="village_code",
        )
    return code


def record_number_prefix(county_code: str, township_code: str, village_code: str) -> str:
    """The first 12 digits: 6 county + 3 township + 3 village/committee. [V]"""
    if not re.fullmatch(r"[0-9]{6}", county_code):
        raise InvalidInput(f"county code must be 6 digits, got {county_code!r}", field="region_code")
    if not re.fullmatch(r"[0-9]{3}", township_code):
        raise InvalidInput(f"township code must be 3 digits, got {township_code!r}", field="township_code")
    return county_code + township_code + validate_village_code(village_code)


def record_number(prefix: str, sequence: int) -> str:
    """Prefix + 5-digit sequence assigned by the creating institution. [V]"""
    if not (1 <= sequence <= 99_999):
        raise InvalidInput(
            f"record sequence {sequence} is outside 00001–99999 for prefix {prefix}",
            field="record_number",
        )
    return f"{prefix}{sequence:05d}"


def record_number_short(number: str) -> str:
    """Forms use the last 8 digits. [U] CLINICAL_RULES.md §1, not confirmed in the official text."""
    return number[-8:]
