"""A synthetic rural township for demos and benchmarks: pure and deterministic for a seed (`onestop demo-data`)."""

from flows.synthetic.history import closed_at, visit_events
from flows.synthetic.measures import LAB_CODES, UNITS
from flows.synthetic.model import (
    Batch,
    Layout,
    SyntheticContract,
    SyntheticDiagnosis,
    SyntheticFollowUp,
    SyntheticHousehold,
    SyntheticObservation,
    SyntheticResident,
    SyntheticStaff,
    SyntheticTeam,
    SyntheticVisit,
    Township,
    TownshipSpec,
    Village,
)
from flows.synthetic.summary import Counter, age_on, summarise
from flows.synthetic.township import MAX_RESIDENTS, check_size, generate, layout

__all__ = [
    "LAB_CODES",
    "MAX_RESIDENTS",
    "UNITS",
    "Batch",
    "Counter",
    "Layout",
    "SyntheticContract",
    "SyntheticDiagnosis",
    "SyntheticFollowUp",
    "SyntheticHousehold",
    "SyntheticObservation",
    "SyntheticResident",
    "SyntheticStaff",
    "SyntheticTeam",
    "SyntheticVisit",
    "Township",
    "TownshipSpec",
    "Village",
    "age_on",
    "check_size",
    "closed_at",
    "generate",
    "layout",
    "summarise",
    "visit_events",
]
