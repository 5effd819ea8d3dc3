"""A synthetic rural township for demos and benchmarks: pure and deterministic for a seed (`onestop demo-data`)."""

from flows.synthetic.history import visit_events
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
    utc_at,
)
from flows.synthetic.summary import Counter, summarise
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
    "check_size",
    "generate",
    "layout",
    "summarise",
    "utc_at",
    "visit_events",
]
