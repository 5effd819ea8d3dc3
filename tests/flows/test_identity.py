"""GB-11643 ID numbers, BPHS-2017 record numbers and masking: one case per clause of CLINICAL_RULES.md §1."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.errors import InvalidInput
from flows.identity import (
    IdCheck,
    IdNumberError,
    check_character,
    make_id_number,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_id_number,
    record_number,
    record_number_prefix,
    record_number_short,
    upgrade_15,
    validate_village_code,
)
from flows.model import Sex

TODAY = dt.date(2026, 11, 23)
# The standard's own worked example (GB 11643—1999 annex): 11010519491231002X, a woman born 1949-12-31.
EXAMPLE = "11010519491231002X"


def test_gb11643_worked_example_is_valid_and_tells_sex_and_birth_date() -> None:
    parsed = parse_id_number(EXAMPLE, today=TODAY)
    assert parsed.number == EXAMPLE
    assert parsed.region_code == "110105"
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex is Sex.FEMALE  # GB-11643: sequence 002, even → female


def test_gb11643_lower_case_x_is_accepted_and_normalised() -> None:
    assert parse_id_number(" 11010519491231002x ", today=TODAY).number == EXAMPLE


def test_gb11643_odd_sequence_is_male() -> None:
    number = make_id_number("320923", dt.date(1960, 3, 2), 7, Sex.MALE)
    assert parse_id_number(number, today=TODAY).sex is Sex.MALE


@pytest.mark.parametrize(
    ("raw", "check"),
    [
        pytest.param("1101051949123100", IdCheck.LENGTH, id="GB-11643 §length: 16 characters"),
        pytest.param("11010519491231002XX", IdCheck.LENGTH, id="GB-11643 §length: 19 characters"),
        pytest.param("", IdCheck.LENGTH, id="GB-11643 §length: empty"),
        pytest.param("1101051949123100Y2", IdCheck.CHARACTERS, id="GB-11643 §characters: letter inside"),
        pytest.param("11010519491231002Y", IdCheck.CHARACTERS, id="GB-11643 §characters: bad last"),
        pytest.param("11010519490231002X", IdCheck.DATE, id="GB-11643 §date: 31 February"),
        pytest.param("11010519491331002X", IdCheck.DATE, id="GB-11643 §date: month 13"),
        pytest.param("11010518000101002X", IdCheck.DATE, id="GB-11643 §date: year 1800"),
        pytest.param("110105202701010021", IdCheck.FUTURE_DATE, id="GB-11643 §date: in the future"),
        pytest.param("110105194912310021", IdCheck.CHECK_CHARACTER, id="GB-11643 §check: wrong character"),
        pytest.param("11010549123100A", IdCheck.CHARACTERS, id="legacy 15: non-digit"),
    ],
)
def test_gb11643_rejections_name_the_failed_check(raw: str, check: IdCheck) -> None:
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(raw, today=TODAY)
    assert caught.value.check is check
    assert caught.value.field == "id_number"
    assert caught.value.details == {"check": check.value}


def test_gb11643_future_date_check_uses_the_given_today() -> None:
    number = make_id_number("320923", dt.date(2026, 11, 24), 1, Sex.MALE)
    with pytest.raises(IdNumberError):
        parse_id_number(number, today=TODAY)
    assert parse_id_number(number, today=dt.date(2026, 11, 24)).birth_date == dt.date(2026, 11, 24)


def test_legacy_15_digit_number_is_upgraded_with_19_and_a_check_character() -> None:
    # [U] CLINICAL_RULES.md §1: 110105491231002 → 11010519491231002X.
    assert upgrade_15("110105491231002") == EXAMPLE
    assert parse_id_number("110105491231002", today=TODAY).number == EXAMPLE


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(0, 99),
    sex=st.sampled_from(list(Sex)),
)
def test_every_made_number_parses_back_to_its_parts(birth: dt.date, sequence: int, sex: Sex) -> None:
    parsed = parse_id_number(make_id_number("320923", birth, sequence, sex), today=TODAY)
    assert (parsed.birth_date, parsed.sex, parsed.region_code) == (birth, sex, "320923")


@given(st.text(max_size=25))
def test_parser_only_ever_raises_its_own_error(raw: str) -> None:
    with contextlib.suppress(IdNumberError):
        parse_id_number(raw, today=TODAY)


@given(st.from_regex(r"[0-9]{17}", fullmatch=True), st.sampled_from("0123456789X"))
def test_a_single_wrong_check_character_is_always_caught(first17: str, last: str) -> None:
    if last == check_character(first17):
        return
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(first17 + last, today=TODAY)
    assert caught.value.check in (IdCheck.DATE, IdCheck.FUTURE_DATE, IdCheck.CHECK_CHARACTER)


def test_masks_show_first_6_and_last_4_of_the_id_number() -> None:
    assert mask_id_number(EXAMPLE) == "110105********002X"
    assert EXAMPLE not in mask_id_number(EXAMPLE)
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone(None) is None
    assert mask_name("张三") == "张*"
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("欧阳娜娜") == "欧**娜"


def test_bphs2017_record_number_is_17_digits_from_county_township_village_sequence() -> None:
    prefix = record_number_prefix("320923", "001", "101")
    number = record_number(prefix, 42)
    assert number == "32092300110100042"
    assert len(number) == 17
    assert record_number_short(number) == "10100042"  # [U] forms use the last 8 digits


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        pytest.param("001", True, id="BPHS-2017 §record: 001 committee"),
        pytest.param("099", True, id="BPHS-2017 §record: 099 committee"),
        pytest.param("101", True, id="BPHS-2017 §record: 101 village"),
        pytest.param("199", True, id="BPHS-2017 §record: 199 village"),
        pytest.param("901", True, id="BPHS-2017 §record: 901 other"),
        pytest.param("000", False, id="BPHS-2017 §record: 000 refused"),
        pytest.param("100", False, id="BPHS-2017 §record: 100 refused"),
        pytest.param("500", False, id="BPHS-2017 §record: 500 refused"),
        pytest.param("12", False, id="BPHS-2017 §record: two digits refused"),
    ],
)
def test_bphs2017_village_code_ranges(code: str, ok: bool) -> None:
    if ok:
        assert validate_village_code(code) == code
    else:
        with pytest.raises(InvalidInput):
            validate_village_code(code)


def test_record_sequence_out_of_range_is_refused() -> None:
    with pytest.raises(InvalidInput, match="99999"):
        record_number("320923001101", 100_000)
