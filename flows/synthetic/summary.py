"""Counts of a generated township: what the tests check, the CLI prints and the loader compares."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from flows.model import ContractStatus, Sex
from flows.rules.base import age_on
from flows.synthetic.conditions import is_key_population
from flows.synthetic.model import Batch, Layout, Township, TownshipSpec
from flows.synthetic.township import generate, layout


class Counter:
    """Adds batches up into a Township summary (the loader counts while it writes)."""

    _FIELDS: Final = tuple(f for f in Township.__struct_fields__ if f != "conditions")

    def __init__(self, spec: TownshipSpec, plan: Layout):
        self.today = spec.today
        self.n = dict.fromkeys(self._FIELDS, 0)
        self.n.update(villages=len(plan.villages), teams=len(plan.teams), staff=len(plan.staff))
        self.conditions: dict[str, int] = {}

    def add(self, batch: Batch) -> None:
        n = self.n
        active = {c.resident_id for c in batch.contracts if c.status is ContractStatus.ACTIVE}
        n["households"] += len(batch.households)
        n["contracts"] += len(batch.contracts)
        n["active_contracts"] += len(active)
        n["diagnoses"] += len(batch.diagnoses)
        n["visits"] += len(batch.visits)
        n["visit_events"] += batch.event_count
        n["observations"] += batch.observation_count
        n["follow_ups"] += len(batch.follow_ups)
        for f in batch.follow_ups:
            if f.done_at is None:
                n["open_bookings"] += 1
                n["overdue_bookings"] += f.due_date < self.today
        for r in batch.residents:
            age = age_on(r.birth_date, self.today)
            key = is_key_population(age, r.conditions)
            for name, hit in (
                ("residents", True),
                ("male", r.sex is Sex.MALE),
                ("adults", age >= 18),
                ("aged_40_plus", age >= 40),
                ("aged_60_plus", age >= 60),
                ("aged_65_plus", age >= 65),
                ("key_population", key),
                ("key_population_signed", key and r.id in active),
                ("others_signed", not key and r.id in active),
            ):
                n[name] += hit
            for c in r.conditions:
                self.conditions[c.value] = self.conditions.get(c.value, 0) + 1

    def result(self) -> Township:
        return Township(**self.n, conditions=dict(self.conditions))


def summarise(spec: TownshipSpec, batches: Iterable[Batch] | None = None) -> Township:
    """Generate (or take) the batches and count them."""
    plan = layout(spec)
    counter = Counter(spec, plan)
    for batch in generate(spec, plan) if batches is None else batches:
        counter.add(batch)
    return counter.result()
