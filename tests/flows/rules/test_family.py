"""Family alerts (家属健康提示): one case per clause, each degree and age edge, and what proposes nothing."""

from __future__ import annotations

import pytest

from flows.record import HistoryCondition, Relation
from flows.rules import family
from flows.rules.base import CLAUSES, Confidence
from flows.rules.family import AlertCode, FamilySettings, RelativeFacts, SourceFacts, propose

H = HistoryCondition
R = Relation


def _source(*conditions: HistoryCondition, ldl: float | None = None) -> SourceFacts:
    return SourceFacts(resident_id=1, conditions=frozenset(conditions), ldl=ldl)


def _relative(source_is: Relation, age: int, *own: HistoryCondition, rid: int = 2) -> RelativeFacts:
    return RelativeFacts(resident_id=rid, source_is=source_is, age=age, conditions=frozenset(own))


def _codes(source: SourceFacts, *relatives: RelativeFacts, **kw: object) -> list[tuple[int, AlertCode]]:
    return [(a.relative_id, a.code) for a in propose(source, relatives, **kw)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "relative", "expected"),
    [
        # FAMILY.htn — BPHS-2017 §筛查 high-risk item 3: first- or second-degree relatives
        pytest.param(
            _source(H.HYPERTENSION),
            _relative(R.FATHER, 40),
            [AlertCode.HTN],
            id="FAMILY.htn: father → child alerted",
        ),
        pytest.param(
            _source(H.HYPERTENSION),
            _relative(R.GRANDPARENT, 30),
            [AlertCode.HTN],
            id="FAMILY.htn: second degree counts",
        ),
        pytest.param(
            _source(H.HYPERTENSION),
            _relative(R.SPOUSE, 50),
            [],
            id="FAMILY.htn: a spouse shares no inherited risk",
        ),
        pytest.param(
            _source(H.HYPERTENSION),
            _relative(R.FATHER, 17),
            [],
            id="FAMILY.htn: children under 18 are not screened",
        ),
        pytest.param(
            _source(H.HYPERTENSION), _relative(R.FATHER, 18), [AlertCode.HTN], id="FAMILY.htn: 18 is screened"
        ),
        pytest.param(
            _source(H.HYPERTENSION),
            _relative(R.SIBLING, 50, H.HYPERTENSION),
            [],
            id="FAMILY.htn: a hypertensive relative is followed up, not alerted",
        ),
        # FAMILY.dm — CDRS family history (+6), first-degree, ages 20–74
        pytest.param(
            _source(H.DIABETES),
            _relative(R.MOTHER, 45),
            [AlertCode.DM],
            id="FAMILY.dm: mother → child alerted",
        ),
        pytest.param(
            _source(H.DIABETES),
            _relative(R.GRANDPARENT, 45),
            [],
            id="FAMILY.dm: second degree is not the CDRS item",
        ),
        pytest.param(
            _source(H.DIABETES),
            _relative(R.CHILD, 74),
            [AlertCode.DM],
            id="FAMILY.dm: 74 is in the CDRS range",
        ),
        pytest.param(
            _source(H.DIABETES), _relative(R.CHILD, 75), [], id="FAMILY.dm: 75 is past the CDRS range"
        ),
        pytest.param(
            _source(H.DIABETES), _relative(R.CHILD, 19), [], id="FAMILY.dm: 19 is before the CDRS range"
        ),
        # FAMILY.stroke — 8+2 family-history factor, ages ≥40
        pytest.param(
            _source(H.STROKE),
            _relative(R.SIBLING, 40),
            [AlertCode.STROKE],
            id="FAMILY.stroke: sibling aged 40 alerted",
        ),
        pytest.param(
            _source(H.STROKE), _relative(R.SIBLING, 39), [], id="FAMILY.stroke: under 40 is not screened"
        ),
        pytest.param(
            _source(H.STROKE),
            _relative(R.SIBLING, 60, H.STROKE),
            [],
            id="FAMILY.stroke: a relative with a stroke is high risk already",
        ),
        # FAMILY.copd — COPD-SQ family item: COPD, asthma, chronic bronchitis, emphysema; ages ≥40
        pytest.param(
            _source(H.COPD), _relative(R.CHILD, 41), [AlertCode.COPD], id="FAMILY.copd: COPD in a parent"
        ),
        pytest.param(
            _source(H.ASTHMA), _relative(R.CHILD, 41), [AlertCode.COPD], id="FAMILY.copd: asthma counts"
        ),
        pytest.param(
            _source(H.EMPHYSEMA),
            _relative(R.FATHER, 41),
            [AlertCode.COPD],
            id="FAMILY.copd: emphysema counts",
        ),
        pytest.param(_source(H.COPD), _relative(R.CHILD, 39), [], id="FAMILY.copd: under 40 is not screened"),
        # FAMILY.fh — LDL-C ≥4.9 suggests familial hypercholesterolaemia: first-degree relatives
        pytest.param(
            _source(ldl=4.9), _relative(R.CHILD, 30), [AlertCode.FH], id="FAMILY.fh: LDL-C 4.9 alerts a child"
        ),
        pytest.param(
            _source(ldl=4.89), _relative(R.CHILD, 30), [], id="FAMILY.fh: LDL-C below 4.9 proposes nothing"
        ),
        pytest.param(
            _source(ldl=6.0), _relative(R.UNCLE_AUNT, 30), [], id="FAMILY.fh: second degree is not alerted"
        ),
        pytest.param(
            _source(ldl=6.0),
            _relative(R.CHILD, 30, H.DYSLIPIDAEMIA),
            [],
            id="FAMILY.fh: a managed relative is not alerted",
        ),
        # nothing confirmed, nothing proposed
        pytest.param(_source(), _relative(R.FATHER, 50), [], id="FAMILY: no condition, no alert"),
        pytest.param(
            _source(H.OBESITY), _relative(R.FATHER, 50), [], id="FAMILY: obesity raises no family alert"
        ),
    ],
)
def test_clauses(source: SourceFacts, relative: RelativeFacts, expected: list[AlertCode]) -> None:
    assert [code for _rid, code in _codes(source, relative)] == expected


def test_several_conditions_and_relatives_in_order() -> None:
    source = _source(H.HYPERTENSION, H.DIABETES, ldl=5.2)
    son = _relative(R.FATHER, 35, rid=3)
    wife = _relative(R.SPOUSE, 60, rid=2)
    grandson = _relative(R.GRANDPARENT, 12, rid=4)
    got = propose(source, (wife, son, grandson))
    assert [(a.relative_id, a.code) for a in got] == [
        (3, AlertCode.HTN),
        (3, AlertCode.DM),
        (3, AlertCode.FH),
    ]
    fh = got[2]
    assert fh.condition is H.DYSLIPIDAEMIA
    assert fh.values == {"ldl": 5.2}
    assert fh.relation is R.FATHER
    assert fh.degree == 1
    assert fh.source_id == 1


def test_an_alert_is_raised_once() -> None:
    source = _source(H.HYPERTENSION, H.DIABETES)
    son = _relative(R.FATHER, 35, rid=3)
    assert _codes(source, son, already=[(3, AlertCode.HTN)]) == [(3, AlertCode.DM)]


def test_copd_names_copd_before_the_other_airway_diseases() -> None:
    got = propose(_source(H.ASTHMA, H.COPD), (_relative(R.CHILD, 50),))
    assert [a.condition for a in got] == [H.COPD]
    got = propose(_source(H.CHRONIC_BRONCHITIS), (_relative(R.CHILD, 50),))
    assert [a.condition for a in got] == [H.CHRONIC_BRONCHITIS]


def test_the_source_is_never_its_own_relative() -> None:
    assert propose(_source(H.HYPERTENSION), (_relative(R.SIBLING, 50, rid=1),)) == ()


def test_settings_override_the_unconfirmed_choices() -> None:
    """[U] degrees and thresholds are settings: a site may read 'family history of stroke' as second degree too."""
    wider = FamilySettings(stroke_degrees=(1, 2), fh_ldl_mmol=4.1)
    assert _codes(_source(H.STROKE), _relative(R.GRANDPARENT, 45), settings=wider) == [(2, AlertCode.STROKE)]
    assert _codes(_source(ldl=4.5), _relative(R.CHILD, 30), settings=wider) == [(2, AlertCode.FH)]


def test_every_alert_cites_a_registered_clause_with_its_confidence() -> None:
    source = _source(H.HYPERTENSION, H.DIABETES, H.STROKE, H.COPD, ldl=5.0)
    got = propose(source, (_relative(R.CHILD, 50),))
    assert {a.code for a in got} == set(AlertCode)
    for alert in got:
        assert alert.clauses[0].startswith("FAMILY."), alert
        for c in alert.clauses:
            assert c in CLAUSES
        assert alert.summary
    assert CLAUSES[family.CL_HTN].confidence is Confidence.V
    assert CLAUSES[family.CL_COPD].confidence is Confidence.U
    assert CLAUSES[family.CL_FH].confidence is Confidence.U
