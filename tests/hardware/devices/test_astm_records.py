"""E1394 records: delimiters, escapes, the sample message, result mapping by rule; only FrameError escapes."""

from __future__ import annotations

import contextlib
import datetime as dt

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.devices.astm_frames import build_frames
from hardware.devices.astm_records import (
    DEFAULT,
    Delimiters,
    Result,
    decode_record,
    encode_message,
    escape,
    parse_datetime,
    parse_delimiters,
    parse_message,
    split_messages,
    unescape,
)
from hardware.devices.astm_values import Mapped, map_results
from hardware.devices.base import FrameError
from tests.hardware.devices.astm_support import SAMPLE_FRAMES, SAMPLE_RECORDS

T = dt.datetime(2024, 5, 1, 9, 35)


def test_the_sample_message() -> None:
    message = parse_message(SAMPLE_RECORDS)
    assert (message.sender, message.processing_id) == ("HbA1c-POCT", "P")
    assert message.sent_at == dt.datetime(2024, 5, 1, 9, 35, 12)
    [patient] = message.patients
    assert patient.patient_id == "P000123"
    assert patient.results == (
        Result(
            test="HbA1c",
            qualifier="NGSP",
            value="7.2",
            unit="%",
            reference_range="4.0-6.0",
            flags="H",
            status="F",
            completed=T,
        ),
        Result(
            test="HbA1c",
            qualifier="IFCC",
            value="55",
            unit="mmol/mol",
            reference_range="20-42",
            flags="H",
            status="F",
            completed=T,
        ),
    )
    assert encode_message(SAMPLE_RECORDS) == SAMPLE_FRAMES


def test_delimiters_come_from_the_header() -> None:
    assert parse_delimiters("H|\\^&|||x") == DEFAULT
    d = parse_delimiters("H!~@$!!!x")
    assert d == Delimiters(field="!", repeat="~", component="@", escape="$")
    records = ["H!~@$", "P!1!!ID$F$7", "R!1!@@@GLU!5.5!mmol/L!!!!F", "L!1"]
    [patient] = parse_message(records).patients
    assert patient.patient_id == "ID!7"
    assert patient.results[0].value == "5.5"


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("P|1", id="not an H record"),
        pytest.param("H|", id="too short"),
        pytest.param("H||^&", id="field and repeat the same"),
        pytest.param("H|a^&", id="a letter as delimiter"),
        pytest.param("H|\\^&x|", id="H.2 longer than three"),
    ],
)
def test_bad_headers(header: str) -> None:
    with pytest.raises(FrameError):
        parse_delimiters(header)


def test_escape_sequences() -> None:
    assert unescape("a&F&b&S&c&R&d&E&e") == "a|b^c\\d&e"
    assert unescape("bold &H&x&N& and &X0D& kept, lone & kept") == "bold &H&x&N& and &X0D& kept, lone & kept"
    assert escape("a|b^c\\d&e") == "a&F&b&S&c&R&d&E&e"


@given(st.text(alphabet=st.sampled_from("ab|^\\&FSRE"), max_size=30))
@settings(max_examples=300, deadline=None)
def test_escape_round_trips(text: str) -> None:
    assert unescape(escape(text)) == text


def test_patient_id_prefers_the_practice_id_p3() -> None:
    [patient] = parse_message(["H|\\^&", "P|1|PR7|LAB9", "R|1|^^^GLU|5|mmol/L||||F", "L|1"]).patients
    assert patient.patient_id == "PR7"


def test_results_before_any_patient_have_no_subject_and_patients_are_kept_apart() -> None:
    records = ["H|\\^&", "R|1|^^^GLU|5|mmol/L||||F", "P|1||A", "R|1|^^^GLU|6|mmol/L||||F", "P|2||B", "L|1"]
    patients = parse_message(records).patients
    assert [(p.patient_id, len(p.results)) for p in patients] == [(None, 1), ("A", 1), ("B", 0)]


def test_the_test_code_falls_back_to_the_first_component() -> None:
    [patient] = parse_message(["H|\\^&", "P|1", "R|1|GLU|5|mmol/L||||F", "L|1"]).patients
    assert patient.results[0].test == "GLU"


@pytest.mark.parametrize(
    "records",
    [
        pytest.param([], id="empty"),
        pytest.param(["P|1", "L|1"], id="no H first"),
        pytest.param(["H|\\^&", "P|1"], id="no L: incomplete"),
        pytest.param(["H|\\^&", "X|1", "L|1"], id="unknown record type"),
        pytest.param(["H|\\^&", "RR|1", "L|1"], id="two-letter record type"),
        pytest.param(["H|\\^&", "H|\\^&", "L|1"], id="second H"),
        pytest.param(["H|\\^&", "L|1", "P|1", "L|1"], id="L before the end"),
        pytest.param(["H|\\^&", "R|1||5|mmol/L||||F", "L|1"], id="R without test id"),
        pytest.param(["H|\\^&", "R|1|^^^GLU|5|||||||||2024", "L|1"], id="malformed date"),
        pytest.param(["H|\\^&||||||||||||20241301000000", "L|1"], id="impossible date"),
    ],
)
def test_malformed_messages(records: list[str]) -> None:
    with pytest.raises(FrameError):
        parse_message(records)


def test_other_records_are_read_past() -> None:
    records = ["H|\\^&", "P|1", "O|1|S1", "C|1|I|note", "M|1|vendor", "S|1", "Q|1|^x", "L|1"]
    assert parse_message(records).patients[0].results == ()


def test_a_session_splits_into_messages_at_each_h() -> None:
    assert split_messages(["H|a", "L|1", "H|b", "P|1", "L|1"]) == [["H|a", "L|1"], ["H|b", "P|1", "L|1"]]
    assert split_messages(["P|1", "H|a"]) == [["P|1"], ["H|a"]]


def test_record_text_is_decoded_without_failing() -> None:
    assert decode_record("P|1||A|张三".encode()) == "P|1||A|张三"
    assert decode_record("P|1||A|张三".encode("gb18030")) == "P|1||A|张三"
    assert decode_record(b"P|1|\xff\xfe") == "P|1|\xff\xfe"


def test_datetimes() -> None:
    assert parse_datetime("20240501") == dt.datetime(2024, 5, 1)
    assert parse_datetime("202405010935") == T
    assert parse_datetime(" ") is None


# -- mapping to measurement codes -----------------------------------------------------------------------


def r(
    test: str, value: str, unit: str = "", *, qualifier: str = "", status: str = "F", flags: str = ""
) -> Result:
    return Result(
        test=test,
        qualifier=qualifier,
        value=value,
        unit=unit,
        reference_range="",
        flags=flags,
        status=status,
        completed=T,
    )


NGSP = r("HbA1c", "7.2", "%", qualifier="NGSP")
IFCC = r("HbA1c", "55", "mmol/mol", qualifier="IFCC")


@pytest.mark.parametrize(
    ("results", "values", "extra"),
    [
        pytest.param([NGSP, IFCC], {"hba1c": 7.2}, {"hba1c_ifcc": 55.0}, id="NGSP kept, IFCC to extra"),
        pytest.param([IFCC], {"hba1c": 7.2}, {"hba1c_ifcc": 55.0}, id="IFCC only: master equation"),
        pytest.param([r("A1c", "6.4")], {"hba1c": 6.4}, {}, id="HbA1c without unit or qualifier: %"),
        pytest.param(
            [r("HbA1c", "48", qualifier="IFCC")], {"hba1c": 6.5}, {"hba1c_ifcc": 48.0}, id="IFCC by name"
        ),
        pytest.param([r("GLU", "6.1", "mmol/L")], {"random_glucose": 6.1}, {}, id="glucose: random"),
        pytest.param([r("Glucose", "6.1", "mmol/l")], {"random_glucose": 6.1}, {}, id="unit case ignored"),
        pytest.param([r("FPG", "5.6", "mmol/L")], {"fpg": 5.6}, {}, id="FPG: fasting"),
        pytest.param([r("GLU-Fasting", "5.6")], {"fpg": 5.6}, {}, id="name says fasting"),
        pytest.param([r("空腹血糖", "5.6")], {"fpg": 5.6}, {}, id="空腹血糖"),
        pytest.param([r("GLU", "126", "mg/dL")], {"random_glucose": 7.0}, {}, id="glucose mg/dL ÷ 18.016"),
        pytest.param(
            [r("GLU", "126")], {"random_glucose": 126.0}, {}, id="no unit: no guess (plausibility stops it)"
        ),
        pytest.param([r("CHOL", "200", "mg/dL")], {"tc": 5.17}, {}, id="cholesterol mg/dL ÷ 38.67"),
        pytest.param([r("LDL-C", "3.1", "mmol/L")], {"ldl": 3.1}, {}, id="LDL-C"),
        pytest.param([r("HDL", "50", "mg/dL")], {"hdl": 1.29}, {}, id="HDL mg/dL"),
        pytest.param([r("TG", "150", "mg/dL")], {"tg": 1.69}, {}, id="triglycerides mg/dL ÷ 88.57"),
        pytest.param([r("TC", "5.2"), r("TRIG", "1.7")], {"tc": 5.2, "tg": 1.7}, {}, id="lipid panel"),
        pytest.param([r("CRP", "3.5", "mg/L")], {}, {"CRP (mg/L)": 3.5}, id="unknown numeric test to extra"),
        pytest.param([r("Comment", "see note")], {}, {}, id="unknown text result ignored"),
        pytest.param([r("GLU", "9.9", "mmol/L", status="P")], {}, {}, id="preliminary ignored"),
        pytest.param([r("GLU", "5", status="C")], {"random_glucose": 5.0}, {}, id="correction counts"),
    ],
)
def test_mapping(results: list[Result], values: dict[str, float], extra: dict[str, float]) -> None:
    mapped = map_results(results)
    assert (mapped.values, mapped.extra) == (values, extra)


def test_ignored_results_are_named_and_the_time_is_the_latest_used() -> None:
    later = Result(**{**msgspec.structs.asdict(NGSP), "completed": T + dt.timedelta(minutes=5)})
    results = [r("GLU", "9", status="P"), later, IFCC]
    assert map_results(results) == Mapped(
        values={"hba1c": 7.2},
        extra={"hba1c_ifcc": 55.0},
        device_time=T + dt.timedelta(minutes=5),
        ignored=("GLU: status P",),
    )


@pytest.mark.parametrize(
    "result",
    [
        pytest.param(r("HbA1c", "7.2", "%", qualifier="IFCC"), id="IFCC qualifier in %"),
        pytest.param(r("HbA1c", "7.2", "g/L"), id="HbA1c in an unknown unit"),
        pytest.param(r("HbA1c", "7.2", qualifier="JDS"), id="unknown HbA1c scale"),
        pytest.param(r("GLU", "5.5", "g/L"), id="glucose in g/L"),
        pytest.param(r("GLU", "<1.1", "mmol/L"), id="below the measuring range"),
        pytest.param(r("TC", "12", "mmol/L", flags=">"), id="flagged above the measuring range"),
        pytest.param(r("HbA1c", "", "%"), id="empty value"),
        pytest.param(r("TG", "1,7", "mmol/L"), id="decimal comma"),
    ],
)
def test_unreadable_known_results(result: Result) -> None:
    with pytest.raises(FrameError):
        map_results([result])


# -- nothing but FrameError -----------------------------------------------------------------------------

_PIECES = st.sampled_from(
    ["H|\\^&", "H", "P|1||", "R|1|^^^", "HbA1c", "GLU", "TG", "|", "^", "\\", "&", "&F&"]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=12).map("".join)


@given(st.lists(_TEXT, max_size=8))
@settings(max_examples=300, deadline=None)
def test_parsing_raises_nothing_but_frame_error(records: list[str]) -> None:
    try:
        message = parse_message(records)
    except FrameError:
        return
    for patient in message.patients:
        with contextlib.suppress(FrameError):
            map_results(patient.results)


@given(st.builds(r, st.sampled_from(["HbA1c", "GLU", "FPG", "TC", "TG", "X"]), _TEXT, _TEXT, qualifier=_TEXT))
@settings(max_examples=300, deadline=None)
def test_mapping_raises_nothing_but_frame_error(result: Result) -> None:
    with contextlib.suppress(FrameError):
        map_results([result])


def test_encode_message_is_build_frames_of_the_records() -> None:
    assert encode_message(["H|\\^&", "L|1"]) == build_frames([b"H|\\^&", b"L|1"])
