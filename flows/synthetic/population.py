"""Ages, sexes and households of a rural township: who lives here, how old, and with whom."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Final

from flows.model import Sex

# Age pyramid of a rural township, percent of residents per 5-year band (0–4, 5–9, …, 95–99).
# Anchored on 第七次全国人口普查 (2020): in 乡村 the shares aged ≥60 and ≥65 are 23.81 % and 17.72 %
# (国家统计局, 2021-05-11, 7.99 and 6.61 points above the towns); nationally 0–14 are 17.95 %. The band-by-band
# split within those totals is our estimate [U]: few 20–34-year-olds (they work in the cities), a bulge at 45–59.
AGE_BANDS: Final = (
    5.5, 6.5, 6.5, 5.5, 4.5, 5.0, 6.0, 5.5, 5.3, 8.0, 9.0, 8.9,  # 0–59: 76.2 %
    6.1,  # 60–64: 23.8 − 17.7
    6.3, 4.9, 3.2, 2.0, 0.9, 0.3, 0.1,  # ≥65: 17.7 %
)  # fmt: skip
_BAND_CUM: Final = tuple(itertools.accumulate(AGE_BANDS))
SHARE_60_PLUS: Final = sum(AGE_BANDS[12:]) / 100
SHARE_65_PLUS: Final = sum(AGE_BANDS[13:]) / 100


def male_share(age: int) -> float:
    """More boys at birth in rural China, more widows at old age (七普 rural sex ratio above the national 105)."""
    if age < 20:
        return 0.53
    if age < 60:
        return 0.51
    if age < 70:
        return 0.50
    if age < 80:
        return 0.48
    return 0.42


def draw_person(rng: random.Random) -> tuple[int, Sex]:
    band = rng.choices(range(len(AGE_BANDS)), cum_weights=_BAND_CUM)[0]
    age = band * 5 + rng.randrange(5)
    return age, Sex.MALE if rng.random() < male_share(age) else Sex.FEMALE


def draw_birth_date(rng: random.Random, age: int, today: dt.date) -> dt.date:
    """A birth date that makes the person exactly `age` on `today`."""
    year = today.year - age
    try:
        last = today.replace(year=year)
    except ValueError:  # 29 February in a common year
        last = dt.date(year, 2, 28)
    return last - dt.timedelta(days=rng.randrange(365))


def _married_share(age: int) -> float:
    if age < 22:
        return 0.0
    if age < 30:
        return 0.6
    if age < 70:
        return 0.9
    return 0.7  # widowhood


def form_households(rng: random.Random, people: list[tuple[int, Sex]]) -> list[list[int]]:
    """Group people (age, sex) into households of 1–5; each list holds indices, the head first.

    Couples of similar age form the core; children and unmarried young adults join a core 22–34 years older;
    about half of the widowed elderly live with a child's family, the rest alone (空巢). The ages and sexes are
    drawn first, so the pyramid stays exactly as drawn whatever the grouping does.
    """
    women_by_age: dict[int, list[int]] = {}
    for i, (age, sex) in enumerate(people):
        if sex is Sex.FEMALE and age >= 20:
            women_by_age.setdefault(age, []).append(i)
    units: list[list[int]] = []
    placed = [False] * len(people)
    men = [i for i, (age, sex) in enumerate(people) if sex is Sex.MALE and age >= 22]
    for i in men:
        age = people[i][0]
        if rng.random() >= _married_share(age):
            continue
        for delta in (2, 1, 3, 0, 4, 5, -1, 6, 7, -2, 8, -3):
            bucket = women_by_age.get(age - delta)
            if bucket:
                wife = bucket.pop()
                units.append([i, wife])
                placed[i] = placed[wife] = True
                break
    by_core_age: dict[int, list[int]] = {}
    for u, members in enumerate(units):
        by_core_age.setdefault(people[members[1]][0], []).append(u)

    def join(person: int, core_age: int, spread: int) -> bool:
        for delta in range(spread + 1):
            for age in (core_age - delta, core_age + delta):
                candidates = [u for u in by_core_age.get(age, ()) if len(units[u]) < 5]
                if candidates:
                    units[rng.choice(candidates)].append(person)
                    placed[person] = True
                    return True
        return False

    # Children and young unmarried adults live with their parents; the youngest are placed first so that the
    # five-member cap falls on grown children, who can live alone.
    young = sorted(
        (i for i in range(len(people)) if not placed[i] and people[i][0] < 35), key=lambda i: people[i][0]
    )
    for i in young:
        age = people[i][0]
        if not join(i, age + rng.randint(22, 34), 8) and not join(i, age + 40, 20) and age >= 18:
            units.append([i])
            placed[i] = True
    for i in range(len(people)):
        if placed[i]:
            continue
        age = people[i][0]
        if age >= 60 and rng.random() < 0.5 and join(i, age - rng.randint(24, 34), 6):
            continue
        if age < 18 and join(i, age + 30, 40):  # an orphan-like leftover: with the nearest older family
            continue
        units.append([i])
        placed[i] = True
    return units
