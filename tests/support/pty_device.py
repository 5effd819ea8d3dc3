"""A pseudo-terminal playing a serial device: the test holds the master side, the code under test opens the
slave's /dev/pts/N through a stable symlink, as it would open /dev/serial/by-id/usb-….

Unplugging closes the master (what pulling a USB-serial adapter out looks like to the reader: EIO or an
empty read); plugging in again makes a new pty and re-points the symlink, as udev re-points a by-id link.
Bytes to the host go through a writer thread, so a test can cut a frame into chunks with gaps between them.
"""

from __future__ import annotations

import os
import queue
import select
import threading
import time
import tty
from pathlib import Path

_Chunk = tuple[bytes, float, threading.Event] | None


class _Plug:
    """One pty and its two threads: the writer (test → host) and the listener (host → test)."""

    def __init__(self, device: PtyDevice) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # no echo or line editing before pyserial configures the port itself
        self.path = os.ttyname(self.slave)
        self._device = device
        self._stop = threading.Event()
        self.outbox: queue.Queue[_Chunk] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._write_loop, name="pty-writer", daemon=True),
            threading.Thread(target=self._listen_loop, name="pty-listener", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def close(self) -> None:
        self._stop.set()
        self.outbox.put(None)
        for thread in self._threads:
            thread.join(timeout=5)
            assert not thread.is_alive()
        # Master first: the host's next read fails (EIO); the /dev/pts/N node goes with the last fd.
        os.close(self.master)
        os.close(self.slave)

    def _write_loop(self) -> None:
        while (item := self.outbox.get()) is not None:
            data, gap, done = item
            if gap:
                time.sleep(gap)  # a pause between chunks, as a slow device or a USB-serial adapter makes
            self._device.last_write_at = time.monotonic()
            os.write(self.master, data)
            done.set()

    def _listen_loop(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                self._device.record(os.read(self.master, 4096))


class PtyDevice:
    """A serial device on a pty behind the symlink `link` (use `url` as the device's URL)."""

    def __init__(self, tmp_path: Path, name: str = "usb-Test_Device-if00-port0") -> None:
        self.link = tmp_path / name
        self.last_write_at = 0.0  # time.monotonic() just before the last chunk went out
        self._received = bytearray()
        self._cond = threading.Condition()
        self._plug: _Plug | None = None
        self.plug()

    @property
    def url(self) -> str:
        return str(self.link)

    @property
    def path(self) -> str:
        """The current /dev/pts/N."""
        assert self._plug is not None, "unplugged"
        return self._plug.path

    @property
    def slave_fd(self) -> int:
        """The test's own fd on the slave side, for reading back termios settings."""
        assert self._plug is not None, "unplugged"
        return self._plug.slave

    def plug(self) -> None:
        assert self._plug is None, "already plugged in"
        self._plug = _Plug(self)
        spare = self.link.with_name(self.link.name + ".new")
        os.symlink(self._plug.path, spare)
        os.replace(spare, self.link)  # atomic, like udev re-pointing a by-id link

    def unplug(self) -> None:
        assert self._plug is not None, "already unplugged"
        plug, self._plug = self._plug, None
        plug.close()

    def close(self) -> None:
        if self._plug is not None:
            self.unplug()
        self.link.unlink(missing_ok=True)

    def send(self, *chunks: bytes, gap: float = 0.0) -> threading.Event:
        """Queue `chunks` for the host, `gap` seconds apart; the event is set once the last is written."""
        assert self._plug is not None, "unplugged"
        done = threading.Event()
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            self._plug.outbox.put((chunk, gap if index else 0.0, done if last else threading.Event()))
        return done

    def write_now(self, data: bytes) -> None:
        """Write on the caller's thread, bypassing the writer (for bytes sent before the host listens)."""
        assert self._plug is not None, "unplugged"
        os.write(self._plug.master, data)

    def record(self, data: bytes) -> None:
        with self._cond:
            self._received += data
            self._cond.notify_all()

    def wait_received(self, expected: bytes, timeout: float = 5.0) -> bytes:
        """Wait until the host has sent something containing `expected`; all it sent so far."""
        with self._cond:
            assert self._cond.wait_for(lambda: expected in self._received, timeout), bytes(self._received)
            return bytes(self._received)
