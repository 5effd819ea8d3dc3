"""The worklists of what runs out (flows.worklists): contracts and long-term prescriptions ending within a
window, and referrals up or emergency awaiting their result — one indexed query each, paged, with the count.

- contracts expiring: in force, ending within the window (contract.end_date index), not followed by a later
  contract (flows.rules.contracts.expiring_contracts, as one SQL predicate);
- long-term prescriptions ending within the window (prescription.end_date index), not stopped, with no newer
  prescription of the same drug (prescription.resident index);
- referrals up or emergency open or accepted, i.e. awaiting their result (referral.status index), oldest first.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from db import convert
from db.engine import Database
from db.tables import FollowUp
from db.worklist_people import PEOPLE, conditions_of, count, in_team, marks, who
from flows.appointments import ReferralDirection, ReferralUrgency
from flows.worklists import (
    ContractExpiring,
    ContractsPage,
    PrescriptionExpiring,
    PrescriptionsPage,
    ReferralAwaiting,
    ReferralsPage,
)


async def contracts_expiring(
    db: Database, *, today: dt.date, days: int, team_id: int | None, limit: int, offset: int
) -> ContractsPage:
    """Contracts in force ending within `days`, not followed by a later contract (expiring_contracts), by end."""
    team = "" if team_id is None else " AND k.team = {}"
    where = (
        "FROM contract k JOIN resident r ON r.id = k.resident JOIN family_doctor_team t ON t.id = k.team "
        "WHERE k.end_date >= {} AND k.end_date <= {} AND k.start_date <= {} AND k.status <> 'terminated'"
        f"{team} AND NOT EXISTS (SELECT 1 FROM contract n WHERE n.resident = k.resident AND n.id <> k.id "
        "AND n.status <> 'terminated' AND n.start_date > k.end_date)"
    )
    args: list[Any] = [today, today + dt.timedelta(days=days), today, *([team_id] if team_id else [])]
    total = await count(f"SELECT k.id {where}", args)
    rows = await FollowUp.raw(
        f"SELECT k.id, k.team, t.name AS team_name, k.package, k.start_date, k.end_date, {PEOPLE} {where} "
        f"ORDER BY k.end_date, k.id LIMIT {int(limit)} OFFSET {int(offset)}",
        *args,
    )
    conditions = await conditions_of(r["rid"] for r in rows)
    items = []
    for row in rows:
        end = convert.as_date(row["end_date"])
        items.append(
            ContractExpiring(
                resident=who(row, conditions),
                contract_id=row["id"],
                team_id=row["team"],
                team_name=row["team_name"],
                package=row["package"],
                start_date=convert.as_date(row["start_date"]),
                end_date=end,
                days_left=(end - today).days,
            )
        )
    return ContractsPage(total=total, items=tuple(items))


async def prescriptions_expiring(
    db: Database, *, today: dt.date, days: int, team_id: int | None, limit: int, offset: int
) -> PrescriptionsPage:
    """Long-term prescriptions (长期处方) ending within `days`, not stopped, no newer one of the same drug."""
    team, team_args = in_team("p.resident", team_id, today)
    where = (
        "FROM prescription p JOIN resident r ON r.id = p.resident "
        "WHERE p.end_date >= {} AND p.end_date <= {} AND p.long_term = {} AND p.stop_reason IS NULL"
        f"{team} AND NOT EXISTS (SELECT 1 FROM prescription n WHERE n.resident = p.resident "
        "AND n.drug = p.drug AND n.id <> p.id "
        "AND (n.start_date > p.start_date OR (n.start_date = p.start_date AND n.id > p.id)))"
    )
    args: list[Any] = [today, today + dt.timedelta(days=days), True, *team_args]
    total = await count(f"SELECT p.id {where}", args)
    rows = await FollowUp.raw(
        f"SELECT p.id, p.drug, p.dose, p.frequency, p.start_date, p.end_date, {PEOPLE} {where} "
        f"ORDER BY p.end_date, r.id, p.id LIMIT {int(limit)} OFFSET {int(offset)}",
        *args,
    )
    conditions = await conditions_of(r["rid"] for r in rows)
    items = []
    for row in rows:
        end = convert.as_date(row["end_date"])
        items.append(
            PrescriptionExpiring(
                resident=who(row, conditions),
                prescription_id=row["id"],
                drug=row["drug"],
                dose=row["dose"],
                frequency=row["frequency"],
                start_date=convert.as_date(row["start_date"]),
                end_date=end,
                days_left=(end - today).days,
            )
        )
    return PrescriptionsPage(total=total, items=tuple(items))


AWAITING = (ReferralDirection.UP.value, ReferralDirection.EMERGENCY.value)


async def referrals_awaiting(
    db: Database, *, today: dt.date, tz: str, team_id: int | None, limit: int, offset: int
) -> ReferralsPage:
    """Referrals up or emergency with no result yet (open, or accepted by the other side), oldest first: the
    states db.visit_referrals.record_result accepts a result in."""
    zone = zoneinfo.ZoneInfo(tz)
    team, team_args = in_team("f.resident", team_id, today)
    where = (
        "FROM referral f JOIN resident r ON r.id = f.resident WHERE f.status IN ('open', 'accepted') "
        f"AND f.direction IN ({marks(len(AWAITING))}){team}"
    )
    args: list[Any] = [*AWAITING, *team_args]
    total = await count(f"SELECT f.id {where}", args)
    rows = await FollowUp.raw(
        f"SELECT f.id, f.direction, f.urgency, f.reasons, f.destination, f.department, f.created_at, "
        f"{PEOPLE} {where} ORDER BY f.created_at, f.id LIMIT {int(limit)} OFFSET {int(offset)}",
        *args,
    )
    conditions = await conditions_of(r["rid"] for r in rows)
    items = tuple(
        ReferralAwaiting(
            resident=who(row, conditions),
            referral_id=row["id"],
            direction=ReferralDirection(row["direction"]),
            urgency=ReferralUrgency(row["urgency"]),
            reasons=row["reasons"],
            destination=row["destination"],
            department=row["department"],
            created_at=convert.timestamp(row["created_at"]),
            days_since=(today - convert.local_date(row["created_at"], zone)).days,
        )
        for row in rows
    )
    return ReferralsPage(total=total, items=items)
