"""COPD-2024 follow-up (CLINICAL_RULES.md §6): managed population, classes stable/unstable, interval, form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from flows.rules import copd
from flows.rules.base import CLAUSES, Confidence, RuleError, Severity
from flows.rules.copd import CopdFollowupClass, CopdFollowupForm, CopdSettings, CopdSymptom, Vaccination

K = CopdFollowupClass
TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("age", "confirmed", "managed"),
    [
        pytest.param(34, True, False, id="COPD.managed: confirmed at 34 is outside the managed population"),
        pytest.param(35, True, True, id="COPD.managed: confirmed at 35 is managed"),
        pytest.param(70, False, False, id="COPD.managed: unconfirmed is not managed"),
    ],
)
def test_managed_population(age: int, confirmed: bool, managed: bool) -> None:
    assert copd.is_managed_copd(age, confirmed) is managed
    assert CLAUSES[copd.CL_MANAGED].confidence is Confidence.V


@pytest.mark.parametrize(
    ("stable", "previous", "flags", "expected"),
    [
        pytest.param(
            True, None, {}, (K.STABLE, False, 182, copd.CL_FU_STABLE), id="COPD.followup.stable: 182 days"
        ),
        pytest.param(
            True,
            K.UNSTABLE,
            {},
            (K.STABLE, False, 182, copd.CL_FU_STABLE),
            id="COPD.followup.stable after unstable",
        ),
        pytest.param(
            False,
            None,
            {},
            (K.UNSTABLE, False, 14, copd.CL_FU_UNSTABLE),
            id="COPD.followup.unstable: 2 weeks",
        ),
        pytest.param(
            False,
            K.STABLE,
            {},
            (K.UNSTABLE, False, 14, copd.CL_FU_UNSTABLE),
            id="COPD.followup.unstable after stable: no referral",
        ),
        pytest.param(
            False,
            K.UNSTABLE,
            {},
            (K.UNSTABLE, True, 14, copd.CL_FU_REFERRAL),
            id="COPD.followup.referral: two consecutive unstable",
        ),
        pytest.param(
            True,
            None,
            {"adverse_reaction": True},
            (K.UNSTABLE, False, 14, copd.CL_FU_ADVERSE),
            id="COPD.followup.adverse_reaction: makes the visit unstable",
        ),
        pytest.param(
            True,
            None,
            {"adverse_persisting": True},
            (K.UNSTABLE, True, 14, copd.CL_FU_REFERRAL),
            id="COPD.followup.referral: persisting adverse reaction",
        ),
        pytest.param(
            True,
            None,
            {"new_or_worse_complication": True},
            (K.UNSTABLE, True, 14, copd.CL_FU_REFERRAL),
            id="COPD.followup.referral: new or worse complication",
        ),
    ],
)
def test_classify_copd_followup(
    stable: bool,
    previous: CopdFollowupClass | None,
    flags: dict[str, bool],
    expected: tuple[CopdFollowupClass, bool, int, str],
) -> None:
    cls, referral, days, clause = expected
    r = copd.classify_copd_followup(stable, previous, TODAY, None, **flags)
    assert r.cls is cls
    assert r.referral is referral
    assert r.interval_days == days
    assert r.next_date == TODAY + dt.timedelta(days=days)
    assert clause in r.clauses
    assert all(c in CLAUSES for c in r.clauses)
    severity = Severity.WARNING if referral else Severity.ADVICE if cls is K.UNSTABLE else Severity.INFO
    assert r.severity is severity


def test_two_unstable_visits_chain() -> None:
    first = copd.classify_copd_followup(False, None, TODAY)
    second = copd.classify_copd_followup(False, first.cls, first.next_date)
    assert (first.referral, second.referral) == (False, True)


@pytest.mark.parametrize(
    ("settings", "stable", "previous", "days", "referral"),
    [
        pytest.param(CopdSettings(followups_per_year=4), True, None, 91, False, id="[U] 4 a year → 91 days"),
        pytest.param(
            CopdSettings(unstable_interval_days=7), False, None, 7, False, id="[U] unstable in 7 days"
        ),
        pytest.param(
            CopdSettings(refer_consecutive_unstable=False),
            False,
            K.UNSTABLE,
            14,
            False,
            id="[U] a site may not refer two consecutive unstable visits",
        ),
    ],
)
def test_followup_settings_are_overridable(
    settings: CopdSettings, stable: bool, previous: CopdFollowupClass | None, days: int, referral: bool
) -> None:
    r = copd.classify_copd_followup(stable, previous, TODAY, settings)
    assert (r.interval_days, r.referral) == (days, referral)
    assert copd.copd_interval_days(r.cls, settings) == days


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        pytest.param(CopdSettings(followups_per_year=0), "followups_per_year", id="0 follow-ups a year"),
        pytest.param(CopdSettings(unstable_interval_days=0), "unstable_interval_days", id="0-day interval"),
    ],
)
def test_impossible_settings_are_refused(settings: CopdSettings, field: str) -> None:
    with pytest.raises(RuleError) as err:
        copd.classify_copd_followup(True, None, TODAY, settings)
    assert err.value.field == field


def test_stable_must_be_yes_or_no() -> None:
    with pytest.raises(RuleError) as err:
        copd.classify_copd_followup(1, None, TODAY)  # type: ignore[arg-type]
    assert err.value.field == "stable"


# --- form ---------------------------------------------------------------------------------------------------


def test_form_decodes_and_validates() -> None:
    raw = (
        b'{"stable": true, "symptoms": ["cough", "sputum"], "vaccinations": ["influenza", "pneumococcal"],'
        b' "spo2": 95, "fev1_l": 1.4, "fvc_l": 2.5, "home_oxygen_hours": 15, "adherence": "regular",'
        b' "comorbidities": ["hypertension"], "next_date": "2027-05-24"}'
    )
    form = msgspec.json.decode(raw, type=CopdFollowupForm)
    copd.check_copd_form(form)
    assert form.fev1_fvc() == 0.56
    assert Vaccination.PNEUMOCOCCAL in form.vaccinations
    assert CLAUSES[copd.CL_FU_FORM].confidence is Confidence.V2


def test_form_refuses_unknown_vaccination() -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(b'{"stable": true, "vaccinations": ["measles"]}', type=CopdFollowupForm)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"spo2": 101}, "spo2", id="COPD form: SpO2 101 % is refused"),
        pytest.param({"home_oxygen_hours": 25.0}, "home_oxygen_hours", id="COPD form: 25 h of oxygen a day"),
        pytest.param({"respiratory_rate": 2}, "respiratory_rate", id="COPD form: respiratory rate 2/min"),
        pytest.param({"fev1_l": 3.0, "fvc_l": 2.0}, "fev1_l", id="COPD form: FEV1 above FVC"),
        pytest.param(
            {"symptoms": frozenset({CopdSymptom.NONE, CopdSymptom.COUGH})},
            "symptoms",
            id="COPD form: 'none' with a symptom",
        ),
    ],
)
def test_form_refusals_name_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(RuleError) as err:
        copd.check_copd_form(CopdFollowupForm(stable=True, **changes))
    assert err.value.field == field


def test_every_form_option_has_zh_and_en_labels() -> None:
    for enum_type in (Vaccination, copd.Adherence, CopdSymptom, CopdFollowupClass):
        for member in enum_type:
            zh, en = copd.OPTION_LABELS[member]
            assert zh
            assert en
