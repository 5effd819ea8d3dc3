"""BPHS-2017 follow-up classification (CLINICAL_RULES.md §2, §3)."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from flows.rules import followup as fu
from flows.rules.base import CLAUSES

K = fu.FollowupClass
TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("inp", "cls", "referral", "days"),
    [
        pytest.param(
            fu.FollowupInput(controlled=True),
            K.CONTROLLED,
            False,
            90,
            id="BPHS-2017 §分类: controlled → 3 months",
        ),
        pytest.param(
            fu.FollowupInput(controlled=True, previous=K.UNCONTROLLED),
            K.CONTROLLED,
            False,
            90,
            id="BPHS-2017 §分类: controlled after uncontrolled → 3 months",
        ),
        pytest.param(
            fu.FollowupInput(controlled=False),
            K.UNCONTROLLED,
            False,
            14,
            id="BPHS-2017 §分类: first uncontrolled → 2 weeks",
        ),
        pytest.param(
            fu.FollowupInput(controlled=False, previous=K.CONTROLLED),
            K.UNCONTROLLED,
            False,
            14,
            id="BPHS-2017 §分类: uncontrolled after controlled → 2 weeks, no referral",
        ),
        pytest.param(
            fu.FollowupInput(controlled=False, previous=K.ADVERSE_REACTION),
            K.UNCONTROLLED,
            False,
            14,
            id="BPHS-2017 §分类: uncontrolled after adverse reaction is not two consecutive uncontrolled",
        ),
        pytest.param(
            fu.FollowupInput(controlled=False, previous=K.UNCONTROLLED),
            K.UNCONTROLLED,
            True,
            14,
            id="BPHS-2017 §分类: two consecutive uncontrolled → referral",
        ),
        pytest.param(
            fu.FollowupInput(controlled=True, adverse_reaction=True),
            K.ADVERSE_REACTION,
            False,
            14,
            id="BPHS-2017 §分类: adverse reaction → 2 weeks",
        ),
        pytest.param(
            fu.FollowupInput(controlled=True, adverse_reaction=True, adverse_persisting=True),
            K.ADVERSE_REACTION,
            True,
            14,
            id="BPHS-2017 §分类: persisting adverse reaction → referral",
        ),
        pytest.param(
            fu.FollowupInput(controlled=True, new_or_worse_complication=True),
            K.COMPLICATION,
            True,
            14,
            id="BPHS-2017 §分类: new or worse complication → referral",
        ),
        pytest.param(
            fu.FollowupInput(controlled=False, adverse_reaction=True),
            K.ADVERSE_REACTION,
            False,
            14,
            id="BPHS-2017 §分类: first uncontrolled and adverse → most severe is adverse",
        ),
        pytest.param(
            fu.FollowupInput(controlled=False, adverse_reaction=True, previous=K.UNCONTROLLED),
            K.UNCONTROLLED,
            True,
            14,
            id="BPHS-2017 §分类: two consecutive uncontrolled beats a new adverse reaction (referral)",
        ),
        pytest.param(
            fu.FollowupInput(
                controlled=False,
                adverse_reaction=True,
                new_or_worse_complication=True,
                previous=K.UNCONTROLLED,
            ),
            K.COMPLICATION,
            True,
            14,
            id="BPHS-2017 §分类: everything at once → complication, referral",
        ),
    ],
)
def test_classify(inp: fu.FollowupInput, cls: fu.FollowupClass, referral: bool, days: int) -> None:
    result = fu.classify(inp, TODAY)
    assert result.cls is cls
    assert result.referral is referral
    assert result.interval_days == days
    assert result.next_date == TODAY + dt.timedelta(days=days)
    assert result.clauses
    assert all(c in CLAUSES for c in result.clauses)


def test_two_consecutive_rule_chains_visit_by_visit() -> None:
    first = fu.classify(fu.FollowupInput(controlled=False), TODAY)
    second = fu.classify(fu.FollowupInput(controlled=False, previous=first.cls), first.next_date)
    assert (first.referral, second.referral) == (False, True)
    assert fu.C_TWO_UNCONTROLLED in second.clauses


def test_classify_is_fast() -> None:
    inp = fu.FollowupInput(controlled=False, adverse_reaction=True, previous=K.UNCONTROLLED)
    n = 2000
    start = time.perf_counter()
    for _ in range(n):
        fu.classify(inp, TODAY)
    assert (time.perf_counter() - start) / n < 1e-4  # well under 1 ms each
