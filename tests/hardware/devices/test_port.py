"""open_port: every kind of URL a device can have, the line settings, exclusivity and the error messages."""

from __future__ import annotations

import socket
import termios
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial

from hardware.devices.base import DeviceSimulator, LineSettings
from hardware.devices.port import PortError, open_port
from hardware.devices.simport import SimPort
from tests.support.pty_device import PtyDevice

LINE = LineSettings()


@pytest.fixture
def pty(tmp_path: Path) -> Iterator[PtyDevice]:
    device = PtyDevice(tmp_path)
    yield device
    device.close()


class _Silent(DeviceSimulator):
    def step(self, now: float, received: bytes) -> tuple[bytes, float]:
        return b"", now + 60


def test_loop_url_reads_back_what_was_written() -> None:
    port = open_port("loop://", LINE, timeout=1.0)
    try:
        assert port.write(b"abc\r\n") == 5
        assert port.read(5) == b"abc\r\n"
    finally:
        port.close()


def test_socket_url_talks_to_a_tcp_server() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    got = bytearray()

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            got.extend(conn.recv(16))
            conn.sendall(b"pong\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    port = open_port(f"socket://127.0.0.1:{server.getsockname()[1]}", LINE, timeout=2.0)
    try:
        port.write(b"ping")
        assert port.read(6) == b"pong\r\n"
    finally:
        port.close()
        thread.join(timeout=2)
        server.close()
    assert bytes(got) == b"ping"


def test_pty_path_gets_the_line_settings(pty: PtyDevice) -> None:
    line = LineSettings(baudrate=19200, bytesize=7, parity="O", stopbits=2)
    port = open_port(pty.url, line, timeout=0.5)
    try:
        assert isinstance(port, serial.Serial)
        assert (port.baudrate, port.bytesize, port.parity, port.stopbits) == (19200, 7, "O", 2)
        # What reached the tty itself. A Linux pty forces CS8 and clears PARENB whatever it is told, so only
        # the speed, the stop bits and the odd-parity flag can be read back.
        _iflag, _oflag, cflag, _lflag, ispeed, ospeed, _cc = termios.tcgetattr(pty.slave_fd)
        assert ispeed == ospeed == termios.B19200
        assert cflag & termios.CSTOPB
        assert cflag & termios.PARODD
        pty.write_now(b"hi")
        assert port.read(2) == b"hi"
    finally:
        port.close()


def test_stale_bytes_from_before_opening_are_dropped(pty: PtyDevice) -> None:
    pty.write_now(b"half a frame from before we list")
    port = open_port(pty.url, LINE, timeout=0.2)
    try:
        assert port.read(64) == b""
        pty.write_now(b"fresh\n")
        assert port.read(6) == b"fresh\n"
    finally:
        port.close()


def test_a_second_open_of_the_same_device_is_refused_as_busy(pty: PtyDevice) -> None:
    first = open_port(pty.url, LINE, timeout=0.2)
    try:
        with pytest.raises(PortError, match="busy") as caught:
            open_port(pty.url, LINE, timeout=0.2)
        assert pty.url in str(caught.value)
    finally:
        first.close()
    open_port(pty.url, LINE, timeout=0.2).close()  # closing released the lock


def test_a_missing_path_names_the_path(tmp_path: Path) -> None:
    missing = str(tmp_path / "ttyUSB9")
    with pytest.raises(PortError, match="no such device") as caught:
        open_port(missing, LINE, timeout=0.2)
    assert str(caught.value).startswith(f"{missing}: ")


@pytest.mark.parametrize(
    ("url", "line", "expected"),
    [
        pytest.param("nosuch://x", LINE, "nosuch://x: bad URL", id="unknown-scheme"),
        pytest.param("loop://", LineSettings(parity="X"), "bad line settings: parity 'X'", id="parity"),
        pytest.param("loop://", LineSettings(bytesize=9), "bad line settings", id="bytesize"),
        pytest.param("socket://127.0.0.1:1", LINE, "socket://127.0.0.1:1: cannot open", id="refused"),
        pytest.param("sim://bp", LINE, "sim://bp: a sim:// URL needs a simulator", id="sim-no-factory"),
    ],
)
def test_bad_urls_and_settings_become_port_errors(url: str, line: LineSettings, expected: str) -> None:
    with pytest.raises(PortError, match=expected.replace("(", r"\(").replace("?", r"\?")):
        open_port(url, line, timeout=0.2)


def test_sim_url_wraps_the_simulator() -> None:
    port = open_port("sim://bp?seed=7", LINE, timeout=0.05, simulator=_Silent)
    try:
        assert isinstance(port, SimPort)
        assert port.name == "sim://bp?seed=7"
        assert port.read(1) == b""
    finally:
        port.close()


def test_sim_url_with_a_bad_seed_is_a_bad_url() -> None:
    with pytest.raises(PortError, match="bad URL"):
        open_port("sim://bp?seed=x", LINE, timeout=0.05, simulator=_Silent)
