"""Loading the synthetic township into the real tables, on SQLite and PostgreSQL, read back by the stores."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from db.demo_load import TownshipCounts, load_township, staff_joined, township_name
from db.engine import Database
from db.households import create_household
from db.indicators import hearts_cohort, indicators, overdue
from db.pinyin import name_initials
from db.residents import create_resident, get_resident, resident_summary, search_residents
from db.tables import Resident, Staff
from db.visits import get_visit, list_visits, open_visit
from flows.errors import Conflict, InvalidInput
from flows.model import Condition, NewHousehold, NewResident, Step
from flows.rules import indicators as ind
from flows.synthetic import TownshipSpec, generate, summarise, visit_events
from flows.synthetic.township import BLOCK
from onestop.config import SiteConfig
from tests.db.conftest import id_number

TODAY = dt.date(2025, 3, 3)
RESIDENTS = 300
SEED = 42

# table → the Township field it must equal
TABLE_FIELDS = {
    "family_doctor_team": "teams",
    "staff": "staff",
    "household": "households",
    "resident": "residents",
    "contract": "contracts",
    "diagnosis": "diagnoses",
    "visit": "visits",
    "visit_event": "visit_events",
    "observation": "observations",
    "follow_up": "follow_ups",
}


async def _count(table: str) -> int:
    rows = await Resident.raw(f"SELECT COUNT(*) AS n FROM {table}")
    return int(rows[0]["n"])


async def _load(database: Database, site: SiteConfig, **kwargs: object) -> TownshipCounts:
    options: dict[str, object] = {
        "residents": RESIDENTS,
        "seed": SEED,
        "site": site,
        "today": TODAY,
        **kwargs,
    }
    return await load_township(database, **options)  # type: ignore[arg-type]


async def test_rows_in_the_database_match_the_generated_township(
    database: Database, site: SiteConfig
) -> None:
    calls: list[tuple[int, int]] = []
    counts = await _load(
        database,
        site,
        residents=1100,
        batch_residents=BLOCK,
        progress=lambda done, total: calls.append((done, total)),
    )

    spec = TownshipSpec(
        residents=1100,
        seed=SEED,
        today=TODAY,
        region_code=site.region_code,
        township_code=site.township_code,
        township_name=township_name(site.name),
    )
    assert counts.township == summarise(spec)  # batch size and the database change nothing
    for table, field in TABLE_FIELDS.items():
        expected = getattr(counts.township, field)
        assert counts.rows[table] == expected, table
        assert await _count(table) == expected, table
    assert calls == [(0, 1100), (500, 1100), (1000, 1100), (1100, 1100)]


async def test_a_loaded_resident_is_found_by_initials_id_number_and_phone(
    database: Database, site: SiteConfig
) -> None:
    await _load(database, site)
    rows = await Resident.raw(
        "SELECT id, name, name_initials, id_number, phone FROM resident WHERE phone IS NOT NULL"
    )
    someone = rows[len(rows) // 2]
    assert someone["name_initials"] == name_initials(someone["name"])

    by_initials = await search_residents(database, someone["name_initials"], limit=200)
    assert someone["id"] in {hit.id for hit in by_initials}
    [by_id] = await search_residents(database, someone["id_number"])
    assert (by_id.id, by_id.matched_on) == (someone["id"], "id_number")
    assert someone["id"] in {
        hit.id for hit in await search_residents(database, someone["phone"][-4:], limit=200)
    }


async def test_visits_are_closed_with_their_events_and_show_in_the_summary(
    database: Database, site: SiteConfig
) -> None:
    await _load(database, site)
    open_rows = await Resident.raw(
        "SELECT COUNT(*) AS n FROM visit WHERE step <> 'done' OR closed_at IS NULL"
    )
    assert open_rows[0]["n"] == 0

    patient = (
        await Resident.raw(
            "SELECT resident FROM diagnosis WHERE condition = 'hypertension' "
            "AND resident IN (SELECT resident FROM visit) ORDER BY resident LIMIT 1"
        )
    )[0]["resident"]
    visits = await list_visits(database, resident_id=patient, limit=50)
    assert len(visits) >= 4
    visit = await get_visit(database, visits[0].id)
    assert visit.step is Step.DONE
    assert visit.closed_at == visit.events[-1].at
    assert [e.seq for e in visit.events] == list(range(1, len(visit.events) + 1))
    assert (visit.events[0].from_step, visit.events[-1].to_step) == (Step.INTAKE, Step.DONE)
    assert visit.opened_at < visit.events[0].at < visit.closed_at

    summary = await resident_summary(database, patient)
    assert "hypertension" in {c.value for c in summary.conditions}
    assert {"sbp", "dbp", "pulse", "weight"} <= {o.code for o in summary.latest}
    assert summary.household is not None
    assert patient in summary.household.member_ids


async def test_timestamps_read_back_as_the_instants_generated(database: Database, site: SiteConfig) -> None:
    """SQLite keeps timestamps as text that Piccolo reads as UTC: a local offset written there would shift them."""
    await _load(database, site)
    spec = TownshipSpec(residents=RESIDENTS, seed=SEED, today=TODAY, township_name=township_name(site.name))
    generated = next(v for b in generate(spec) for v in b.visits)
    loaded = await get_visit(database, generated.id)
    assert loaded.opened_at == generated.opened_at
    *_, (*_, last_at, _reason) = visit_events(generated)  # the generator's last move, stepped through
    assert loaded.closed_at == loaded.events[-1].at == last_at == generated.closed_at
    [row] = await Staff.select(Staff.created_at).where(Staff.username == "demo-nurse-1")
    assert row["created_at"] == staff_joined(spec)
    assert row["created_at"].astimezone(ZoneInfo(site.timezone)).time() == dt.time(7)


async def test_loading_into_a_database_with_residents_is_refused_and_writes_nothing(
    database: Database, site: SiteConfig
) -> None:
    first = await _load(database, site)
    before = {table: await _count(table) for table in TABLE_FIELDS}
    with pytest.raises(Conflict, match=f"already holds {RESIDENTS} residents"):
        await _load(database, site, seed=SEED + 1)
    assert {table: await _count(table) for table in TABLE_FIELDS} == before
    assert before["resident"] == first.township.residents


@pytest.mark.parametrize("size", [{"residents": 0}, {"batch_residents": 0}])
async def test_a_bad_size_is_refused_before_anything_is_written(
    database: Database, site: SiteConfig, size: dict[str, int]
) -> None:
    with pytest.raises(InvalidInput, match="must be"):
        await _load(database, site, **size)
    assert await _count("family_doctor_team") == await _count("staff") == 0


async def test_the_stores_continue_after_the_load(
    database: Database, site: SiteConfig, now: dt.datetime
) -> None:
    """Record-number counters and (on PostgreSQL) id sequences continue past the loaded rows."""
    await _load(database, site)
    loaded = await Resident.raw("SELECT MAX(record_number) AS n FROM resident WHERE village_code = '101'")
    household = await create_household(database, NewHousehold(address="新村1号"), now=now)
    new = await create_resident(
        database,
        NewResident(
            id_number=id_number(1, born=dt.date(1931, 1, 1)),
            name="新来",
            village_code="101",
            household_id=household.id,
        ),
        site=site,
        now=now,
    )
    assert int(new.record_number) == int(loaded[0]["n"]) + 1
    assert new.id == RESIDENTS + 1
    assert (await get_resident(database, new.id)).name == "新来"
    staff = (await Resident.raw("SELECT MIN(id) AS id FROM staff"))[0]["id"]
    visit = await open_visit(database, new.id, actor_id=staff, now=now, tz=site.timezone)
    assert visit.id == await _count("visit")


async def test_asked_to_add_a_second_township_it_continues_numbering(
    database: Database, site: SiteConfig
) -> None:
    first = await _load(database, site)
    second = await _load(database, site, allow_existing=True)  # same seed: every ID number would clash
    assert await _count("resident") == first.township.residents + second.township.residents
    assert await _count("family_doctor_team") == first.township.teams  # teams and staff reused by name
    rows = await Resident.raw(
        "SELECT COUNT(DISTINCT id_number) AS a, COUNT(DISTINCT record_number) AS b FROM resident"
    )
    assert rows[0]["a"] == rows[0]["b"] == 2 * RESIDENTS


async def test_loaded_follow_ups_give_the_indicators_of_the_generated_township(
    database: Database, site: SiteConfig
) -> None:
    """The follow-up rows read back (db.indicators) give what the pure indicators give on the generator's values."""
    await _load(database, site, residents=1000)
    spec = TownshipSpec(residents=1000, seed=SEED, today=TODAY, township_name=township_name(site.name))
    batches = list(generate(spec))
    tz = ZoneInfo(site.timezone)
    born = {r.id: r.birth_date for b in batches for r in b.residents}
    registered: dict[tuple[int, Condition], dt.date] = {}
    for d in (d for b in batches for d in b.diagnoses if d.condition in ind.MANAGED):
        registered[(d.resident_id, d.condition)] = d.diagnosed_on
    patients = [
        ind.Patient(resident_id=rid, condition=c, birth_date=born[rid], registered_on=on)
        for (rid, c), on in registered.items()
    ]
    follow_ups = [f for b in batches for f in b.follow_ups]
    records = [
        ind.FollowupRecord(
            resident_id=f.resident_id,
            condition=f.condition,
            done_on=done_at.astimezone(tz).date(),
            face_to_face=f.mode != "phone",
            sbp=f.sbp,
            dbp=f.dbp,
            fpg=f.fpg,
            staff_id=f.staff_id,
        )
        for done_at, f in sorted(((f.done_at, f) for f in follow_ups if f.done_at), key=lambda p: p[0])
    ]
    year = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    report = await indicators(database, start=year[0], end=year[1], today=TODAY, tz=site.timezone)
    assert report == ind.bphs_indicators(patients, records, start=year[0], end=year[1], today=TODAY)
    assert report.rate(ind.IndicatorCode.HTN_MANAGED_TO_SPEC).denominator > 50
    cohort = await hearts_cohort(database, at=TODAY, tz=site.timezone)
    assert cohort == ind.hearts_cohort(patients, records, at=TODAY, condition=Condition.HYPERTENSION)
    # Overdue: the loaded ids of the open bookings are not the generator's, so compare what identifies them.
    loaded = await overdue(database, today=TODAY, limit=None, tz=site.timezone)
    bookings = [
        ind.Booking(id=i, resident_id=f.resident_id, condition=f.condition, due_date=f.due_date)
        for i, f in enumerate(follow_ups)
        if f.done_at is None
    ]
    expected = ind.overdue_list(bookings, records, today=TODAY)
    assert sorted((i.resident_id, i.condition, i.due_date, i.reasons) for i in loaded) == sorted(
        (i.resident_id, i.condition, i.due_date, i.reasons) for i in expected
    )
    assert len(loaded) == summarise(spec, batches).overdue_bookings > 0
