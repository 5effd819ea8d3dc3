"""file://, preview:// and usb:// transports, and the printer URL grammar (parse_url / open_transport)."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import pytest

from hardware.printer.errors import PrinterError, PrinterState
from hardware.printer.transport import (
    FileTarget,
    PreviewTarget,
    SerialTarget,
    Target,
    TcpTarget,
    UsbTarget,
    open_transport,
    parse_url,
)

S = PrinterState
TICKET = b"\x1b@\x1c&" + "A001 全科门诊\n".encode("gbk") + b"\x1dV\x00"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --- URLs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("tcp://192.168.1.50:9100", TcpTarget(host="192.168.1.50", port=9100)),
        ("tcp://printer.local", TcpTarget(host="printer.local", port=9100)),
        ("tcp://[::1]:9101/", TcpTarget(host="::1", port=9101)),
        ("serial:///dev/ttyUSB0", SerialTarget(port="/dev/ttyUSB0")),
        (
            "serial:///dev/ttyS0?baudrate=19200&rtscts=1&dsrdtr=false&xonxoff=no",
            SerialTarget(port="/dev/ttyS0", baudrate=19200, rtscts=True),
        ),
        ("serial://COM3?baudrate=115200", SerialTarget(port="COM3", baudrate=115200)),
        ("serial://loop://", SerialTarget(port="loop://")),
        ("usb://0416:5011", UsbTarget(vid=0x0416, pid=0x5011)),
        ("usb://04B8:0E15/", UsbTarget(vid=0x04B8, pid=0x0E15)),
        ("file:///dev/usb/lp0", FileTarget(path="/dev/usb/lp0")),
        ("file://var/out.bin", FileTarget(path="var/out.bin")),
        ("preview://var/tickets", PreviewTarget(directory="var/tickets")),
        ("preview:///srv/onestop/tickets", PreviewTarget(directory="/srv/onestop/tickets")),
        ("TCP://10.0.0.2", TcpTarget(host="10.0.0.2")),
    ],
)
def test_parse_url(url: str, target: Target) -> None:
    assert parse_url(url) == target


@pytest.mark.parametrize(
    ("url", "what"),
    [
        pytest.param("192.168.1.50:9100", "expected SCHEME://", id="no scheme"),
        pytest.param("lpt://1", "unknown scheme 'lpt'", id="unknown scheme"),
        pytest.param("tcp://:9100", "missing host", id="tcp without host"),
        pytest.param("tcp://10.0.0.2:http", "bad port", id="tcp port not a number"),
        pytest.param("tcp://10.0.0.2:70000", "bad port", id="tcp port too big"),
        pytest.param("tcp://10.0.0.2:0", "bad port", id="tcp port 0"),
        pytest.param("tcp://10.0.0.2:9100/queue", "no user, path or query", id="tcp with a path"),
        pytest.param("tcp://10.0.0.2:9100?x=1", "no user, path or query", id="tcp with a query"),
        pytest.param("serial://", "missing device path", id="serial without path"),
        pytest.param("serial://?baudrate=9600", "missing device path", id="serial with only a query"),
        pytest.param("serial:///dev/ttyS0?baudrate=fast", "bad baudrate 'fast'", id="serial baudrate"),
        pytest.param("serial:///dev/ttyS0?baudrate=0", "bad baudrate '0'", id="serial baudrate 0"),
        pytest.param("serial:///dev/ttyS0?rtscts=maybe", "bad rtscts 'maybe'", id="serial flag"),
        pytest.param("serial:///dev/ttyS0?parity=E", "unknown option 'parity'", id="serial unknown option"),
        pytest.param("serial:///dev/ttyS0?baudrate", "malformed query", id="serial malformed query"),
        pytest.param("usb://", "expected usb://VID:PID", id="usb without ids"),
        pytest.param("usb://416:5011", "expected usb://VID:PID", id="usb short id"),
        pytest.param("usb://0416-5011", "expected usb://VID:PID", id="usb wrong separator"),
        pytest.param("usb://04g6:5011", "expected usb://VID:PID", id="usb not hex"),
        pytest.param("file://", "missing path", id="file without path"),
        pytest.param("preview://", "missing directory", id="preview without directory"),
    ],
)
def test_malformed_urls_name_the_url_and_the_fault(url: str, what: str) -> None:
    with pytest.raises(ValueError, match="printer URL") as caught:
        open_transport(url)
    assert repr(url) in str(caught.value)
    assert what in str(caught.value)


def test_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match="timeout_s"):
        open_transport("tcp://127.0.0.1", timeout_s=0)


def test_opening_connects_to_nothing() -> None:
    # Lazy: a printer that is off when the API starts must not stop it.
    transport = open_transport("tcp://192.0.2.1:9100", timeout_s=0.2)  # TEST-NET-1: nothing answers there
    assert transport.url == "tcp://192.0.2.1:9100"
    transport.close()


# --- file:// -----------------------------------------------------------------------------------------


def test_file_appends_each_job(tmp_path: Path) -> None:
    path = tmp_path / "printer.bin"
    transport = open_transport(f"file://{path}", timeout_s=0.5)
    status = transport.status()
    assert status.state is S.UNKNOWN
    assert status.detail == "无法查询状态（文件或预览打印机）"
    transport.send(b"first\n")
    transport.send(TICKET)
    assert path.read_bytes() == b"first\n" + TICKET
    transport.close()


def test_file_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    open_transport("file://out.bin").send(b"x")
    assert (tmp_path / "out.bin").read_bytes() == b"x"


def test_file_in_a_missing_directory_is_refused(tmp_path: Path) -> None:
    transport = open_transport(f"file://{tmp_path}/absent/printer.bin")
    status = transport.status()
    assert status.state is S.REFUSED
    assert "does not exist" in status.reason
    with pytest.raises(PrinterError) as caught:
        transport.send(b"x")
    assert caught.value.state is S.REFUSED


def test_a_missing_device_is_refused_and_never_created() -> None:
    path = Path("/dev/onestop-test-absent-lp9")
    transport = open_transport(f"file://{path}")
    status = transport.status()
    assert status.state is S.REFUSED
    assert "unplugged" in status.reason
    with pytest.raises(PrinterError) as caught:
        transport.send(b"x")
    assert caught.value.state is S.REFUSED
    assert not path.exists()


def test_a_directory_is_refused(tmp_path: Path) -> None:
    transport = open_transport(f"file://{tmp_path}")
    assert transport.status().state is S.REFUSED
    with pytest.raises(PrinterError) as caught:
        transport.send(b"x")
    assert caught.value.state is S.REFUSED


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_file_without_permission_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ro.bin"
    path.write_bytes(b"")
    path.chmod(0o444)
    transport = open_transport(f"file://{path}")
    status = transport.status()
    assert status.state is S.REFUSED
    assert "permission" in status.reason
    with pytest.raises(PrinterError) as caught:
        transport.send(b"x")
    assert caught.value.state is S.REFUSED


def test_a_device_that_stops_taking_data_is_no_answer_not_a_hang(tmp_path: Path) -> None:
    # A FIFO whose reader never reads stands in for a usblp device that stopped taking data (paper out).
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        transport = open_transport(f"file://{fifo}", timeout_s=0.3)
        started = time.monotonic()
        with pytest.raises(PrinterError) as caught:
            transport.send(b"z" * (4 << 20))  # far more than a pipe buffer
        assert time.monotonic() - started < 1.5
        assert caught.value.state is S.NO_ANSWER
    finally:
        os.close(reader)


def test_a_device_that_goes_away_mid_job_is_disconnected(tmp_path: Path) -> None:
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    got = bytearray()

    def unplug_after_some_bytes() -> None:
        deadline = time.monotonic() + 2
        while len(got) < 1000 and time.monotonic() < deadline:
            try:
                got.extend(os.read(reader, 1000 - len(got)))
            except BlockingIOError:
                time.sleep(0.005)
        os.close(reader)

    thread = threading.Thread(target=unplug_after_some_bytes)
    transport = open_transport(f"file://{fifo}", timeout_s=1.0)
    thread.start()
    try:
        with pytest.raises(PrinterError) as caught:
            transport.send(b"w" * (4 << 20))
    finally:
        thread.join(timeout=5)
    assert caught.value.state is S.DISCONNECTED
    assert len(got) == 1000


def test_a_fifo_with_no_reader_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    with pytest.raises(PrinterError) as caught:
        open_transport(f"file://{fifo}").send(b"x")
    assert caught.value.state is S.REFUSED  # ENXIO: nobody on the other end, like a device not ready


# --- preview:// ---------------------------------------------------------------------------------------


def test_preview_writes_the_job_and_one_png_per_ticket(tmp_path: Path) -> None:
    directory = tmp_path / "var" / "tickets"
    transport = open_transport(f"preview://{directory}", paper_mm=58)
    assert transport.status().state is S.UNKNOWN
    assert directory.is_dir()  # created by status, so a wrong path shows before the first ticket
    transport.send(TICKET + TICKET.replace(b"A001", b"A002"))
    transport.send(TICKET)
    bins = sorted(directory.glob("*.bin"))
    assert [p.read_bytes() for p in bins] == [TICKET + TICKET.replace(b"A001", b"A002"), TICKET]
    first, second = (p.stem for p in bins)
    assert first.endswith("-001")
    assert second.endswith("-002")
    pngs = sorted(p.name for p in directory.glob("*.png"))
    assert pngs == [f"{first}-1.png", f"{first}-2.png", f"{second}-1.png"]
    for png in directory.glob("*.png"):
        assert png.read_bytes().startswith(PNG_MAGIC)


def test_preview_never_overwrites_an_earlier_job(tmp_path: Path) -> None:
    first = open_transport(f"preview://{tmp_path}")
    second = open_transport(f"preview://{tmp_path}")  # a restarted process: its counter starts at 1 again
    first.send(TICKET)
    second.send(TICKET)
    assert len(list(tmp_path.glob("*.bin"))) == 2


def test_preview_keeps_a_job_it_cannot_draw(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    transport = open_transport(f"preview://{tmp_path}")
    with caplog.at_level(logging.ERROR, logger="hardware.printer.local"):
        transport.send(b"\x1b\xff not ESC/POS")
    assert [p.read_bytes() for p in tmp_path.glob("*.bin")] == [b"\x1b\xff not ESC/POS"]
    assert not list(tmp_path.glob("*.png"))
    assert "no preview" in caplog.text


def test_preview_in_a_place_that_cannot_be_a_directory_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    transport = open_transport(f"preview://{blocker}/tickets")
    assert transport.status().state is S.REFUSED
    with pytest.raises(PrinterError) as caught:
        transport.send(TICKET)
    assert caught.value.state is S.REFUSED


# --- usb:// -------------------------------------------------------------------------------------------


def test_usb_without_the_device_is_refused_with_a_clear_message() -> None:
    # ffff:fffe is no real device. Without pyusb or libusb this is refused for that reason instead; either
    # way it is REFUSED with a message saying what to do, never an exception or a hang.
    transport = open_transport("usb://ffff:fffe", timeout_s=0.5)
    status = transport.status()
    assert status.state is S.REFUSED
    assert any(hint in status.reason for hint in ("no USB device ffff:fffe", "install pyusb", "libusb-1.0"))
    with pytest.raises(PrinterError) as caught:
        transport.send(TICKET)
    assert caught.value.state is S.REFUSED
    assert caught.value.message == status.reason
    transport.close()
