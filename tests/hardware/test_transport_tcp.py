"""tcp:// against the fake printer on loopback: status per mode, silence, refusal, mid-job resets, recovery."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from hardware.printer.errors import PrinterError, PrinterState
from hardware.printer.transport import Transport, open_transport
from tests.support.fake_printer import FakePrinter, Mode

S = PrinterState
TIMEOUT = 0.5


@pytest.fixture
def fake() -> Iterator[FakePrinter]:
    with FakePrinter() as printer:
        yield printer


@pytest.fixture
def transport(fake: FakePrinter) -> Iterator[Transport]:
    t = open_transport(fake.url, timeout_s=TIMEOUT)
    yield t
    t.close()


@pytest.mark.parametrize(
    ("mode", "state", "answers"),
    [
        ("ok", S.READY, (0x12, 0x12, 0x12)),
        ("near_end", S.PAPER_NEAR_END, (0x12, 0x12, 0x1E)),
        ("paper_out", S.PAPER_OUT, (0x1A, 0x32, 0x72)),
        ("cover_open", S.COVER_OPEN, (0x1A, 0x16, 0x12)),
        ("offline", S.OFFLINE, (0x1A, 0x12, 0x12)),
        ("error", S.ERROR, (0x1A, 0x52, 0x12)),
        ("garbled", S.NO_ANSWER, (0x00, 0x00, 0x00)),
    ],
)
def test_status_per_mode(
    fake: FakePrinter, transport: Transport, mode: Mode, state: PrinterState, answers: tuple[int, int, int]
) -> None:
    fake.set_mode(mode)
    status = transport.status()
    assert status.state is state
    assert (status.printer, status.offline_cause, status.paper) == answers
    assert fake.received == b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"


def test_a_silent_printer_is_no_answer_within_the_timeout(fake: FakePrinter, transport: Transport) -> None:
    fake.set_mode("no_answer")
    started = time.monotonic()
    status = transport.status()
    elapsed = time.monotonic() - started
    assert status.state is S.NO_ANSWER
    assert status.detail == "打印机无应答"
    assert "DLE EOT 1" in status.reason
    assert TIMEOUT * 0.9 <= elapsed < 1.5  # stops at the first silence, not after three timeouts
    fake.set_mode("ok")
    assert transport.status().state is S.READY  # and the next call reconnects


def test_status_is_kept_on_one_connection(fake: FakePrinter, transport: Transport) -> None:
    for _ in range(3):
        assert transport.status().state is S.READY
    assert len(fake.connections) == 1


def test_refused(fake: FakePrinter, transport: Transport) -> None:
    fake.set_mode("refuse")
    status = transport.status()
    assert status.state is S.REFUSED
    assert "refused" in status.reason
    with pytest.raises(PrinterError) as caught:
        transport.send(b"\x1b@")
    assert caught.value.state is S.REFUSED


def test_nothing_listening_at_all_is_refused() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    status = open_transport(f"tcp://127.0.0.1:{port}", timeout_s=TIMEOUT).status()
    assert status.state is S.REFUSED


def test_send_delivers_the_exact_bytes(fake: FakePrinter, transport: Transport) -> None:
    job = b"\x1b@\x1c&" + "A001 全科门诊\n".encode("gbk") + bytes(range(256)) + b"\x1dV\x00"
    transport.send(job)
    transport.send(job)
    assert fake.wait_for_data(2 * len(job)) == job + job
    assert fake.connections == [job + job]  # one connection for both jobs


def test_status_then_send_strips_to_the_job(fake: FakePrinter, transport: Transport) -> None:
    assert transport.status().state is S.READY
    transport.send(b"ticket\n")
    assert fake.wait_for_data(7) == b"ticket\n"


def test_a_big_job_is_not_bounded_by_the_timeout_as_a_whole(fake: FakePrinter, transport: Transport) -> None:
    job = bytes(range(256)) * 8192  # 2 MiB through a 4 KiB receive buffer
    job = job.replace(b"\x10\x04", b"\x10\x05")  # keep DLE EOT out so the fake does not answer it
    transport.send(job)
    assert fake.wait_for_data(len(job)) == job


def test_printer_closing_mid_job_is_disconnected_then_the_next_job_reconnects(
    fake: FakePrinter, transport: Transport
) -> None:
    fake.set_mode("close_mid_job", close_after=100)
    # Bigger than what loopback can buffer (the sender's SO_SNDBUF autotunes to ~4 MiB), so the reset
    # reaches send() while it is still pushing.
    job = b"x" * (16 << 20)
    with pytest.raises(PrinterError) as caught:
        transport.send(job)
    assert caught.value.state is S.DISCONNECTED
    assert "mid-job" in caught.value.message
    assert fake.received == b"x" * 100
    assert fake.mode == "ok"  # once=True
    transport.send(b"again")  # the same transport object, a fresh connection
    assert fake.wait_for_data(105) == b"x" * 100 + b"again"
    assert fake.connections == [b"x" * 100, b"again"]


def test_a_small_job_lost_to_a_reset_is_reported_by_the_next_status(
    fake: FakePrinter, transport: Transport
) -> None:
    fake.set_mode("close_mid_job", close_after=3)
    transport.send(b"0123456789")  # fits in the socket buffer: the OS took it all, send() cannot know
    status = transport.status()
    assert status.state is S.DISCONNECTED
    assert "may not have printed" in status.reason
    assert transport.status().state is S.READY  # reported once; the printer itself is fine
    assert fake.connections == [b"012", b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"]


def test_a_status_answer_confirms_the_job(fake: FakePrinter, transport: Transport) -> None:
    transport.send(b"ticket")
    assert transport.status().state is S.READY
    fake.set_mode("refuse")  # dies after the confirmation: nothing was lost
    assert "may not have printed" not in transport.status().reason


def test_printer_switched_off_and_on_again_on_the_same_port(fake: FakePrinter, transport: Transport) -> None:
    port = fake.port
    assert transport.status().state is S.READY
    fake.set_mode("refuse")  # switched off: its connections die, the port refuses
    assert transport.status().state is S.REFUSED
    with pytest.raises(PrinterError) as caught:
        transport.send(b"lost")
    assert caught.value.state is S.REFUSED
    fake.set_mode("ok")  # switched on again
    assert fake.port == port
    assert transport.status().state is S.READY
    transport.send(b"after")
    assert fake.wait_for_data(5) == b"after"


def test_a_link_the_printer_closed_while_idle_is_reopened_before_a_job(
    fake: FakePrinter, transport: Transport
) -> None:
    assert transport.status().state is S.READY
    fake.set_mode("refuse")
    fake.set_mode("ok")  # a power cycle between two calls: the kept connection is dead
    transport.send(b"job")  # no status first: the dead link is found before a byte of the job is sent
    assert fake.wait_for_data(3) == b"job"
    assert fake.connections[-1] == b"job"


def test_a_stale_answer_is_not_taken_for_the_next_one(fake: FakePrinter, transport: Transport) -> None:
    fake.set_mode("paper_out")
    # A stray 10 04 04 inside a job: the printer answers it (0x72) and nobody reads that byte.
    transport.send(b"raster \x10\x04\x04 data")
    fake.wait_for_data(len(b"raster  data"))
    fake.set_mode("ok")
    status = transport.status()
    assert status.state is S.READY
    assert (status.printer, status.offline_cause, status.paper) == (0x12, 0x12, 0x12)


def test_close_is_idempotent_and_the_transport_stays_usable(fake: FakePrinter, transport: Transport) -> None:
    assert transport.status().state is S.READY
    transport.close()
    transport.close()
    assert transport.status().state is S.READY
    assert len(fake.connections) == 2
