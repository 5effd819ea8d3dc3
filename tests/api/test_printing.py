"""Triage to a printed ticket against a fake ESC/POS printer on loopback: every fault, then recovery —
every ticket issued is printed, none lost, none printed twice; expired jobs wait for staff."""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from hardware.printer.decode import Cut, DecodeError, Qr, decode, text_of
from onestop.config import ApiConfig, BoardConfig, DatabaseConfig, PrinterConfig, Settings
from tests.api.helpers import Api, api_of, id_number
from tests.api.queueing import issue, to_triage
from tests.support.fake_printer import FakePrinter, Mode
from tests.support.server import LiveServer, live_server

PUBLIC = "http://192.168.1.10:8750"


@pytest.fixture
def fake_printer() -> Iterator[FakePrinter]:
    with FakePrinter() as printer:
        yield printer


def printer_settings(db_config: DatabaseConfig, url: str, **printer: Any) -> Settings:
    options: dict[str, Any] = {"timeout_s": 0.3, "expire_s": 60.0, "idle_check_s": 0.3, **printer}
    return Settings(
        database=db_config,
        printer=PrinterConfig(url=url, **options),
        board=BoardConfig(speech="off"),
        api=ApiConfig(public_url=PUBLIC),
    )


@pytest.fixture
def api_settings(db_config: DatabaseConfig, fake_printer: FakePrinter) -> Settings:
    return printer_settings(db_config, fake_printer.url)


def wait_for(what: str, check: Callable[[], Any], timeout_s: float = 8.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def job(client: httpx.Client, job_id: int) -> dict[str, Any]:
    answer = client.get(f"/api/v1/print-jobs/{job_id}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def printed_tickets(printer: FakePrinter) -> list[list[str]]:
    """The text lines of every COMPLETE ticket (ending with a cut) the printer received, per connection.
    A connection cut off in the middle of a job holds a partial ticket: it is not counted as printed."""
    tickets: list[list[str]] = []
    for data in printer.connections:
        try:
            tokens = decode(data)
        except DecodeError:
            tokens = decode(_complete_prefix(data))
        current: list[Any] = []
        for token in tokens:
            current.append(token)
            if isinstance(token, Cut):
                tickets.append(text_of(current))
                current = []
    return tickets


def _complete_prefix(data: bytes) -> bytes:
    """The bytes up to the last cut (GS V 0) of a connection that was closed mid-job."""
    end = data.rfind(b"\x1dV\x00")
    return data[: end + 3] if end >= 0 else b""


def labels_printed(printer: FakePrinter) -> list[str]:
    found: list[str] = []
    for lines in printed_tickets(printer):
        found.extend(
            line.strip() for line in lines if line.strip()[:1] in "ABSP" and line.strip()[1:].isdigit()
        )
    return found


def test_a_ticket_prints_with_number_room_masked_name_and_qr(api: Api, fake_printer: FakePrinter) -> None:
    visit = to_triage(api, 1, name="张三丰")
    issued = issue(api, visit["id"])
    done = wait_for("printed", lambda: job(api.nurse, issued["print_job_id"])["status"] == "printed")
    assert done
    [ticket] = printed_tickets(fake_printer)
    text = "\n".join(ticket)
    assert "A001" in text
    assert "全科诊室" in text
    assert "张*丰" in text
    assert "张三丰" not in text
    assert "示范镇卫生院" in text
    tokens = decode(fake_printer.connections[0])
    [qr] = [t for t in tokens if isinstance(t, Qr)]
    assert qr.payload.startswith(f"{PUBLIC}/p/")
    # The QR opens the visit's patient page: the number and the masked name, nothing more personal.
    page = api.anon.get(qr.payload.removeprefix(PUBLIC))
    assert page.status_code == 200
    assert "A001" in page.text
    assert "张*丰" in page.text
    assert "张三丰" not in page.text
    assert id_number(1) not in page.text


FAULTS: list[tuple[Mode, str]] = [
    ("paper_out", "paper_out"),
    ("cover_open", "cover_open"),
    ("offline", "offline"),
    ("error", "error"),
    ("no_answer", "no_answer"),
    ("refuse", "refused"),
]


@pytest.mark.parametrize(("mode", "state"), FAULTS, ids=[m for m, _ in FAULTS])
def test_a_fault_holds_the_tickets_then_recovery_prints_each_once(
    api: Api, fake_printer: FakePrinter, mode: Mode, state: str
) -> None:
    fake_printer.set_mode(mode)
    visits = [to_triage(api, 10 + i) for i in range(3)]
    jobs = [issue(api, v["id"])["print_job_id"] for v in visits]
    # Triage did not wait for the printer: all three tickets exist and wait in the database.
    wait_for(
        f"the fault {state} reported",
        lambda: (
            job(api.nurse, jobs[0])["printer_state"] == state and job(api.nurse, jobs[0])["attempts"] >= 1
        ),
    )
    report = api.nurse.get("/api/v1/printer").json()
    assert report["state"] == state
    assert not report["can_print"]
    assert report["queued"] == 3
    assert labels_printed(fake_printer) == []  # nothing went out while the printer was faulty
    fake_printer.set_mode("ok")
    wait_for("all printed", lambda: all(job(api.nurse, j)["status"] == "printed" for j in jobs), timeout_s=15)
    assert sorted(labels_printed(fake_printer)) == ["A001", "A002", "A003"]  # none lost, none twice
    assert api.nurse.get("/api/v1/printer").json()["state"] == "ready"


def test_paper_near_end_prints_and_warns(api: Api, fake_printer: FakePrinter) -> None:
    fake_printer.set_mode("near_end")
    issued = issue(api, to_triage(api, 20)["id"])
    wait_for("printed", lambda: job(api.nurse, issued["print_job_id"])["status"] == "printed")
    assert job(api.nurse, issued["print_job_id"])["printer_state"] == "paper_near_end"
    report = api.nurse.get("/api/v1/printer").json()
    assert report["state"] == "paper_near_end"
    assert report["can_print"]


def test_the_printer_closing_the_socket_mid_job_reprints_that_ticket_whole_once(
    api: Api, fake_printer: FakePrinter
) -> None:
    fake_printer.set_mode("close_mid_job", close_after=40, once=True)
    issued = issue(api, to_triage(api, 21)["id"])
    wait_for("printed", lambda: job(api.nurse, issued["print_job_id"])["status"] == "printed", timeout_s=15)
    done = job(api.nurse, issued["print_job_id"])
    assert done["attempts"] == 2
    assert labels_printed(fake_printer) == ["A001"]
    assert len(fake_printer.connections) >= 2  # the first was cut off, the retry reconnected


def test_an_expired_job_is_never_replayed_and_staff_reprint_it(
    db_config: DatabaseConfig, fake_printer: FakePrinter
) -> None:
    settings = printer_settings(db_config, fake_printer.url, expire_s=1.0)
    fake_printer.set_mode("paper_out")
    with live_server(settings, migrate=False) as server, _api(server) as api:
        issued = issue(api, to_triage(api, 30)["id"])
        wait_for("expired", lambda: job(api.nurse, issued["print_job_id"])["status"] == "expired")
        offered = api.nurse.get("/api/v1/print-jobs/offered").json()
        assert [j["id"] for j in offered] == [issued["print_job_id"]]
        fake_printer.set_mode("ok")  # paper loaded: the old ticket must NOT come out by itself
        time.sleep(1.0)
        assert labels_printed(fake_printer) == []
        again = api.nurse.post(f"/api/v1/print-jobs/{issued['print_job_id']}/reprint")
        assert again.status_code == 201, again.text
        new = again.json()
        assert new["kind"] == "reprint"
        assert new["reprint_of"] == issued["print_job_id"]
        wait_for("reprinted", lambda: job(api.nurse, new["id"])["status"] == "printed")
        [ticket] = printed_tickets(fake_printer)
        assert any("补打" in line for line in ticket)
        assert labels_printed(fake_printer) == ["A001"]


def test_a_restart_resumes_queued_jobs_and_never_resends_an_uncertain_one(
    db_config: DatabaseConfig, fake_printer: FakePrinter
) -> None:
    settings = printer_settings(db_config, fake_printer.url)
    fake_printer.set_mode("refuse")
    with live_server(settings, migrate=False) as server, _api(server) as api:
        queued = issue(api, to_triage(api, 40)["id"])["print_job_id"]
        sending = issue(api, to_triage(api, 41)["id"])["print_job_id"]
        wait_for("attempted", lambda: job(api.nurse, queued)["attempts"] >= 1)
    # The API stopped. Say it had been killed while the second job was going out:
    _mark_sending(settings, sending)
    fake_printer.set_mode("ok")
    with live_server(settings, migrate=False) as server, _api(server) as api:
        wait_for("resumed", lambda: job(api.nurse, queued)["status"] == "printed")
        assert job(api.nurse, sending)["status"] == "uncertain"
        time.sleep(0.5)
        assert labels_printed(fake_printer) == ["A001"]  # A002 may be on paper already: staff decide


def _mark_sending(settings: Settings, job_id: int) -> None:
    """Leave a job as a killed API would: status `sending`, bytes perhaps half out."""
    from db.engine import close, connect
    from db.tables import PrintJob
    from tests.conftest import run_sync

    async def mark() -> None:
        db = await connect(settings.database)
        try:
            await PrintJob.update({PrintJob.status: "sending"}).where(PrintJob.id == job_id)
        finally:
            await close(db)

    run_sync(mark())


_servers = itertools.count(1)


def _api(server: LiveServer) -> contextlib.AbstractContextManager[Api]:
    """Staff for a server the test started itself (usernames unique across its servers)."""
    return api_of(server, f"{next(_servers)}x")


def test_each_ticket_prints_at_once_without_waiting_for_the_idle_check(
    db_config: DatabaseConfig, fake_printer: FakePrinter
) -> None:
    """A wake-up lost between 'no job found' and the wait would leave a ticket for idle_check_s (60 s
    here): one after another, each must reach the printer within a few seconds."""
    settings = printer_settings(db_config, fake_printer.url, idle_check_s=60.0)
    with live_server(settings, migrate=False) as server, _api(server) as api:
        for seq in range(50, 62):
            job_id: int = issue(api, to_triage(api, seq)["id"])["print_job_id"]

            def printed(job_id: int = job_id) -> bool:
                return bool(job(api.nurse, job_id)["status"] == "printed")

            wait_for("printed", printed, 3.0)
