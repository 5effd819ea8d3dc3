"""A server-sent-events client for tests and benches, on a plain socket speaking HTTP/1.0.

HTTP/1.0 makes the body simply run until the connection closes, and a plain socket can be shut down from
another thread: `close()` ends the server's stream at once, which an httpx stream read on a worker thread
cannot (the server would then hold its shutdown for its graceful timeout).
"""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

Event = tuple[str, dict[str, Any]]


class SseClient:
    """Reads `path` on a thread; every event goes to `on_event` (with its arrival time) and to `items`."""

    def __init__(
        self,
        base_url: str,
        path: str,
        *,
        authorization: str | None = None,
        on_event: Callable[[str, dict[str, Any], float], None] | None = None,
    ) -> None:
        self.items: queue.Queue[Event] = queue.Queue()
        self._on_event = on_event
        self._ready = threading.Event()
        url = httpx.URL(base_url)
        self._sock = socket.create_connection((url.host, url.port or 80), timeout=10)
        self._sock.settimeout(None)
        auth = f"Authorization: {authorization}\r\n" if authorization else ""
        self._sock.sendall(f"GET {path} HTTP/1.0\r\nHost: {url.host}\r\n{auth}\r\n".encode())
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        assert self._ready.wait(10), f"{path}: the stream did not subscribe"

    def _read(self) -> None:
        with contextlib.suppress(OSError, ValueError), self._sock.makefile("rb") as body:
            status = body.readline()
            assert b" 200 " in status, status
            while body.readline() not in {b"\r\n", b""}:  # the headers
                pass
            event = ""
            for raw in body:
                line = raw.decode().rstrip("\r\n")
                if line == ": subscribed":
                    self._ready.set()
                elif line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    at = time.monotonic()
                    data = json.loads(line[6:]) if line[6:] else {}
                    if self._on_event is not None:
                        self._on_event(event, data, at)
                    self.items.put((event, data))

    def next(
        self, kind: str, match: Callable[[dict[str, Any]], bool] = lambda _: True, within_s: float = 5.0
    ) -> dict[str, Any]:
        """The next `kind` event that matches (earlier others are passed over)."""
        deadline = time.monotonic() + within_s
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {kind} event in {within_s} s"
            event, data = self.items.get(timeout=remaining)
            if event == kind and match(data):
                return data

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        self._thread.join(5)
