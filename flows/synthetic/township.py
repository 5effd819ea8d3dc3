"""The synthetic township: its layout, then its households streamed batch by batch, and their counts."""

from __future__ import annotations

import datetime as dt
import math
import random
import zoneinfo
from collections.abc import Collection, Iterator, Mapping
from typing import Final

from flows.errors import InvalidInput
from flows.identity import make_id_number, record_number, record_number_prefix
from flows.model import Role, Sex
from flows.synthetic import history
from flows.synthetic.conditions import draw_conditions
from flows.synthetic.model import (
    Batch,
    Layout,
    SyntheticContract,
    SyntheticDiagnosis,
    SyntheticFollowUp,
    SyntheticHousehold,
    SyntheticResident,
    SyntheticStaff,
    SyntheticTeam,
    SyntheticVisit,
    TownshipSpec,
    Village,
    utc_at,
)
from flows.synthetic.names import draw_given_name, draw_phone, draw_surname
from flows.synthetic.population import draw_birth_date, draw_person, form_households

_VILLAGE_NAMES: Final = (
    "王庄",
    "李家",
    "张湾",
    "东河",
    "西山",
    "南岗",
    "北桥",
    "刘集",
    "陈圩",
    "杨楼",
    "周营",
    "吴店",
    "徐庄",
    "孙岗",
    "马集",
    "朱湾",
    "胡庄",
    "郭楼",
    "何圩",
    "高桥",
    "林场",
    "罗店",
    "郑集",
    "梁庄",
    "谢湾",
    "宋楼",
    "唐岗",
    "许庄",
    "韩集",
    "冯圩",
)
_NUMERALS: Final = "一二三四五六"
BLOCK: Final = 500  # people whose households form together: a hamlet's worth, enough couples to pair
MAX_RESIDENTS: Final = 1_000_000  # 5-digit record sequences per village × 30 villages, with room to spare


def layout(spec: TownshipSpec) -> Layout:
    """Villages (101–1xx), 4–6 family-doctor teams each serving neighbouring villages, a doctor and a nurse each."""
    rng = random.Random(f"{spec.seed}:layout")
    n_villages = max(6, min(len(_VILLAGE_NAMES), math.ceil(spec.residents / 1500)))
    n_teams = 4 if spec.residents < 20_000 else 5 if spec.residents < 60_000 else 6
    villages = tuple(
        Village(code=f"{101 + v}", name=_VILLAGE_NAMES[v] + "村", team_index=v * n_teams // n_villages)
        for v in range(n_villages)
    )
    teams = tuple(
        SyntheticTeam(
            id=t + 1,
            name=f"家庭医生{_NUMERALS[t]}队",
            room=f"{t + 1}号诊室",
            phone=f"0517-8600 12{t + 1:02d}",
        )
        for t in range(n_teams)
    )
    staff: list[SyntheticStaff] = []
    for team in teams:
        for role in (Role.DOCTOR, Role.NURSE):
            sex = Sex.MALE if rng.random() < (0.6 if role is Role.DOCTOR else 0.1) else Sex.FEMALE
            name = draw_surname(rng) + draw_given_name(rng, sex, rng.randint(1970, 1998))
            staff.append(
                SyntheticStaff(
                    id=len(staff) + 1,
                    username=f"demo-{role.value}-{team.id}",
                    display_name=name,
                    role=role,
                    team_id=team.id,
                )
            )
    return Layout(villages=villages, teams=teams, staff=tuple(staff))


def check_size(residents: int) -> None:
    if not 1 <= residents <= MAX_RESIDENTS:
        raise InvalidInput(f"residents must be 1–{MAX_RESIDENTS:,}, got {residents}", field="residents")


def generate(
    spec: TownshipSpec,
    plan: Layout | None = None,
    *,
    taken_id_numbers: Collection[str] = frozenset(),
    record_start: Mapping[str, int] | None = None,
) -> Iterator[Batch]:
    """Whole households, batch by batch, until `spec.residents` residents exist. Same inputs → same batches.

    To add a township beside existing residents, pass their ID numbers (never reissued) and the last record
    sequence used per 12-digit prefix (numbering continues after it).
    """
    check_size(spec.residents)
    plan = plan or layout(spec)
    rng = random.Random(spec.seed)
    # Histories draw from their own stream: changing a clinical rule of the history never changes who lives here.
    lives = random.Random(f"{spec.seed}:history")
    tz = zoneinfo.ZoneInfo(spec.timezone)
    weights = [rng.uniform(0.6, 1.4) for _ in plan.villages]
    by_role = {(s.team_id, s.role): s.id for s in plan.staff}
    staff = {
        team.id: (by_role[(team.id, Role.NURSE)], by_role[(team.id, Role.DOCTOR)]) for team in plan.teams
    }
    state = _State(spec, plan, tz, taken_id_numbers, record_start or {})
    ids = history.Ids()
    batch = _Parts()
    made = 0
    while made < spec.residents:
        # Households form within blocks of a fixed size, so the batch size only decides where the stream is
        # cut, never who lives with whom.
        n = min(BLOCK, spec.residents - made)
        people = [draw_person(rng) for _ in range(n)]
        residents: list[SyntheticResident] = []
        ages: list[int] = []
        for members in form_households(rng, people):
            village = rng.choices(plan.villages, weights=weights)[0]
            hh_id = state.next_household
            state.next_household += 1
            address = state.address(rng, village)
            first_id = state.next_resident
            surname = draw_surname(rng)
            for k, i in enumerate(members):
                age, sex = people[i]
                # Children take the head's surname; a spouse or a parent who joined keeps their own.
                own = surname if k == 0 or age < people[members[0]][0] - 15 else draw_surname(rng)
                residents.append(
                    state.resident(
                        rng, age, sex, surname=own, village=village, household_id=hh_id, address=address
                    )
                )
                ages.append(age)
            batch.households.append(
                SyntheticHousehold(
                    id=hh_id,
                    address=address,
                    village_code=village.code,
                    head_resident_id=first_id,
                    member_ids=tuple(range(first_id, state.next_resident)),
                )
            )
        made += n
        for r, age in zip(residents, ages, strict=True):
            c = history.contracts(lives, r, age, today=spec.today, ids=ids, tz=tz)
            batch.contracts += c
            d = history.diagnoses(lives, r, age, today=spec.today, ids=ids, tz=tz)
            batch.diagnoses += d
            v, f = history.visits(
                lives, r, age, c, d, today=spec.today, years=spec.history_years, staff=staff, ids=ids, tz=tz
            )
            batch.visits += v
            batch.follow_ups += f
        batch.residents += residents
        if len(batch.residents) >= spec.batch_residents or made >= spec.residents:
            yield batch.seal()
            batch = _Parts()


class _Parts:
    """A batch being filled."""

    def __init__(self) -> None:
        self.households: list[SyntheticHousehold] = []
        self.residents: list[SyntheticResident] = []
        self.contracts: list[SyntheticContract] = []
        self.diagnoses: list[SyntheticDiagnosis] = []
        self.visits: list[SyntheticVisit] = []
        self.follow_ups: list[SyntheticFollowUp] = []

    def seal(self) -> Batch:
        return Batch(
            households=tuple(self.households),
            residents=tuple(self.residents),
            contracts=tuple(self.contracts),
            diagnoses=tuple(self.diagnoses),
            visits=tuple(self.visits),
            follow_ups=tuple(self.follow_ups),
        )


class _State:
    """What must stay unique across batches: ID-number sequences, record sequences, house numbers."""

    def __init__(
        self,
        spec: TownshipSpec,
        plan: Layout,
        tz: dt.tzinfo,
        taken: Collection[str],
        record_start: Mapping[str, int],
    ):
        self.spec, self.tz, self.taken = spec, tz, taken
        self.team_of = {v.code: plan.teams[v.team_index].id for v in plan.villages}
        self.prefix = {
            v.code: record_number_prefix(spec.region_code, spec.township_code, v.code) for v in plan.villages
        }
        self.record_seq = {code: record_start.get(prefix, 0) for code, prefix in self.prefix.items()}
        self.house_no = dict.fromkeys(self.prefix, 0)
        self.id_seq: dict[tuple[dt.date, Sex], int] = {}
        self.next_household = 1
        self.next_resident = 1
        self.window = spec.today - dt.timedelta(days=365 * spec.history_years)

    def address(self, rng: random.Random, village: Village) -> str:
        self.house_no[village.code] += 1
        group = rng.randint(1, 12)
        return f"{self.spec.township_name}{village.name}{group}组{self.house_no[village.code]}号"

    def id_number(self, birth: dt.date, sex: Sex) -> str:
        """GB-11643 sequences are unique per (birth date, sex) in a county: 100 a day, then the day before."""
        while True:
            used = self.id_seq.get((birth, sex), 0)
            if used >= 100:
                birth -= dt.timedelta(days=1)
                continue
            self.id_seq[(birth, sex)] = used + 1
            number = make_id_number(self.spec.region_code, birth, (used * 37 + birth.toordinal()) % 100, sex)
            if number not in self.taken:
                return number

    def resident(
        self,
        rng: random.Random,
        age: int,
        sex: Sex,
        *,
        surname: str,
        village: Village,
        household_id: int,
        address: str,
    ) -> SyntheticResident:
        birth = draw_birth_date(rng, age, self.spec.today)
        number = self.id_number(birth, sex)
        self.record_seq[village.code] += 1
        created_day = max(
            birth + dt.timedelta(days=rng.randint(30, 120)),
            self.window - dt.timedelta(days=rng.randrange(1, 5 * 365)),
        )
        created_day = max(birth, min(created_day, self.spec.today - dt.timedelta(days=1)))
        created = utc_at(created_day, 8 + rng.randrange(9), rng.randrange(60), self.tz)
        phone = None
        if age >= 16 and rng.random() < (0.6 if age >= 80 else 0.95):
            phone = draw_phone(rng)
        r = SyntheticResident(
            id=self.next_resident,
            household_id=household_id,
            id_number=number,
            name=surname + draw_given_name(rng, sex, birth.year),
            sex=sex,
            birth_date=birth,
            record_number=record_number(self.prefix[village.code], self.record_seq[village.code]),
            village_code=village.code,
            team_id=self.team_of[village.code],
            created_at=created,
            phone=phone,
            address=address,
            conditions=draw_conditions(rng, age, sex),
        )
        self.next_resident += 1
        return r
