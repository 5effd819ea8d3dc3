"""TUI test fixtures: a compiled catalog, a live API on loopback with a nurse and residents, the screenshot dir."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from db import tables
from db.engine import Database
from db.staff import create_team
from flows.identity import make_id_number
from flows.model import Role, Sex
from onestop.config import BoardConfig, DatabaseConfig, PrinterConfig, Settings
from tests.support.server import add_staff, bearer, live_server, login
from tests.tui.helpers import DeskApi, Resident

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalog() -> None:
    """The .mo is a build product (./run compiles it); compile here too when it is missing or stale."""
    for po in (ROOT / "tui" / "locale").glob("*/LC_MESSAGES/onestop.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        with mo.open("wb") as f:
            write_mo(f, catalog)


@pytest.fixture(autouse=True)
def language_as_at_start() -> Iterator[None]:
    """The interface language is the process's (an app activates its own): every test starts in English, as
    it would alone, whatever the app of the test before it activated."""
    yield
    from tui import i18n

    i18n.activate("en")


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# --- a live API with a nurse and a small village ---------------------------------------------------------

PASSWORD = "correct horse battery"


def _register(client: httpx.Client, name: str, id_number: str, phone: str | None) -> Resident:
    answer = client.post("/api/v1/residents", json={"id_number": id_number, "name": name, "phone": phone})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    return Resident(body["id"], name, id_number, body["record_number"], phone)


async def _clinical_record(db: Database, resident_id: int, staff_id: int, now: dt.datetime) -> str:
    """A signed contract, a confirmed diagnosis and one measurement: the API has no endpoints for these yet."""
    team = await create_team(db, name="第一家庭医生团队", room="全科诊室2")
    await tables.Contract.insert(
        tables.Contract(
            resident=resident_id,
            team=team.id,
            package="basic",
            start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2035, 12, 31),
            status="active",
            signed_by=staff_id,
            created_at=now,
        )
    )
    await tables.Diagnosis.insert(
        tables.Diagnosis(
            resident=resident_id,
            condition="hypertension",
            icd10="I10",
            status="confirmed",
            diagnosed_at=now,
            diagnosed_by=staff_id,
        )
    )
    await tables.Observation.insert(
        tables.Observation(
            resident=resident_id, code="sbp", value=152.0, unit="mmHg", source="device", observed_at=now
        )
    )
    return team.name


@pytest.fixture
def desk_settings(db_config: DatabaseConfig, tmp_path: Path) -> Settings:
    """The API's settings for the desk tests; a test module overrides it (e.g. a faulty printer)."""
    return Settings(
        database=db_config,
        printer=PrinterConfig(url=f"preview://{tmp_path / 'tickets'}"),
        board=BoardConfig(speech="off"),
    )


@pytest.fixture
def desk_api(desk_settings: Settings) -> Iterator[DeskApi]:
    """The real API on loopback over `db_config`, a nurse account, three residents in one household."""
    with live_server(desk_settings) as server:
        staff = add_staff(server, "nurse1", Role.NURSE, PASSWORD, display_name="王护士")
        token = login(server.base_url, "nurse1", PASSWORD)
        with httpx.Client(base_url=server.base_url, headers=bearer(token), timeout=10) as client:
            people = [
                _register(
                    client,
                    "张三丰",
                    make_id_number("320923", dt.date(1960, 5, 17), 12, Sex.MALE),
                    "13812345678",
                ),
                _register(
                    client,
                    "李秀英",
                    make_id_number("320923", dt.date(1962, 8, 3), 21, Sex.FEMALE),
                    "13955552468",
                ),
                _register(
                    client, "张小明", make_id_number("320923", dt.date(1990, 1, 9), 33, Sex.MALE), None
                ),
            ]
            household = client.post("/api/v1/households", json={"address": "示范镇东村3组12号"})
            assert household.status_code == 201, household.text
            for person in people:
                added = client.post(
                    f"/api/v1/households/{household.json()['id']}/members", json={"resident_id": person.id}
                )
                assert added.status_code == 200, added.text
            visit = client.post("/api/v1/visits", json={"resident_id": people[0].id})
            assert visit.status_code == 201, visit.text
        team_name = server.run(_clinical_record(server.database, people[0].id, staff.id, server.clock()))
        yield DeskApi(
            server=server,
            base_url=server.base_url,
            username="nurse1",
            password=PASSWORD,
            display_name="王护士",
            residents={p.name: p for p in people},
            team_name=team_name,
        )


@pytest.fixture
def dead_url() -> str:
    """A loopback URL where nothing listens (the port was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def doctor_api(desk_api: DeskApi) -> DeskApi:
    """The desk's API with a doctor (`doctor1`, 王医生) of the village's team; the returned DeskApi logs in
    as the doctor (the nurse's account stays, for the desk's part: tests.tui.doctor_support.queue_visit)."""
    from tests.tui.doctor_support import DOCTOR, DOCTOR_NAME, add_doctor

    add_doctor(desk_api, PASSWORD)
    return DeskApi(
        server=desk_api.server,
        base_url=desk_api.base_url,
        username=DOCTOR,
        password=PASSWORD,
        display_name=DOCTOR_NAME,
        residents=desk_api.residents,
        team_name=desk_api.team_name,
    )
