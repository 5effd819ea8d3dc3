"""Spoken calls for the waiting-room board: one text-to-speech process at a time, never in the caller's way."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shlex
import shutil
import signal
from collections.abc import Sequence
from typing import Final

from flows.queue import call_phrase

log = logging.getLogger("onestop.api.board")

# espeak-ng's Mandarin voice; it reads "A001" letter by letter and the digits in Chinese, which is what a
# waiting room expects to hear.
ESPEAK: Final = ("espeak-ng", "-v", "cmn")
TIMEOUT_S: Final = 10.0  # a hung engine must not silence every later call
BACKLOG: Final = 16  # more calls than this waiting to be spoken: the oldest are stale, drop them


def resolve_speech(setting: str) -> tuple[str, ...]:
    """BoardConfig.speech → the command the phrase is appended to; empty for silence.

    "auto" is espeak-ng when it is on PATH (a board without it still works, silently); "off" is silence;
    anything else is a command line, split like a shell would (no shell runs it).
    """
    value = setting.strip()
    if value == "off":
        return ()
    if value == "auto":
        found = shutil.which(ESPEAK[0])
        return (found, *ESPEAK[1:]) if found else ()
    return tuple(shlex.split(value))


class Speaker:
    """Speaks `call_phrase(label, room)` for each call, in order, one process at a time.

    `say` is synchronous and returns at once: the phrase joins a small backlog that a background task on the
    running event loop works through, so calls never talk over each other and a slow or broken engine never
    delays (or fails) the call that was just committed. Errors are logged, never raised.
    """

    def __init__(self, command: Sequence[str] = (), *, timeout_s: float = TIMEOUT_S) -> None:
        self.command: tuple[str, ...] = tuple(command)
        self.timeout_s = timeout_s
        self._backlog: asyncio.Queue[str] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_setting(cls, setting: str) -> Speaker:
        return cls(resolve_speech(setting))

    @property
    def available(self) -> bool:
        return bool(self.command)

    def say(self, label: str, room: str) -> None:
        """Queue the call's phrase (call from the event loop). A no-op when no engine is configured."""
        if not self.command:
            return
        try:
            backlog = self._ensure_worker()
        except RuntimeError:  # no running loop: a wiring bug, but the call is committed; never fail it
            log.warning("speech skipped: say() was called outside the event loop")
            return
        if backlog.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                backlog.get_nowait()
                backlog.task_done()
            log.warning("speech is behind: dropped the oldest unspoken call")
        backlog.put_nowait(call_phrase(label, room))

    async def wait_idle(self) -> None:
        """Until every queued phrase has been spoken (or failed): for tests and an orderly shutdown."""
        if self._backlog is not None and self._loop is asyncio.get_running_loop():
            await self._backlog.join()

    async def aclose(self) -> None:
        """Stop speaking: cancel the worker (a running engine is killed)."""
        worker, self._worker, self._backlog, self._loop = self._worker, None, None, None
        if worker is not None and not worker.done():
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    def _ensure_worker(self) -> asyncio.Queue[str]:
        loop = asyncio.get_running_loop()
        if self._backlog is None or self._loop is not loop:
            # A new loop (tests run one per test; a restarted server) needs its own queue and worker.
            self._backlog, self._loop, self._worker = asyncio.Queue(BACKLOG), loop, None
        if self._worker is None or self._worker.done():
            self._worker = loop.create_task(self._run(self._backlog), name="onestop-board-speech")
        return self._backlog

    async def _run(self, backlog: asyncio.Queue[str]) -> None:
        while True:
            phrase = await backlog.get()
            try:
                await self._speak(phrase)
            finally:
                backlog.task_done()

    async def _speak(self, phrase: str) -> None:
        try:
            process = await asyncio.create_subprocess_exec(
                *self.command,
                phrase,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                # Its own process group, so a timeout kills what it started too (`sh -c "… | aplay"`).
                start_new_session=True,
            )
        except OSError as exc:
            log.warning("speech command %s cannot start: %s", shlex.join(self.command), exc)
            return
        try:
            _, err = await asyncio.wait_for(process.communicate(), self.timeout_s)
        except TimeoutError:
            log.warning(
                "speech command %s took over %.0f s: killed", shlex.join(self.command), self.timeout_s
            )
            await _kill(process)
            return
        except asyncio.CancelledError:
            await _kill(process)
            raise
        if process.returncode:
            detail = err.decode(errors="replace").strip()[:200]
            log.warning("speech command exited with %s: %s", process.returncode, detail or "(no message)")


async def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    # Read stderr to its end too, not just wait: that closes the pipe while the loop still runs.
    with contextlib.suppress(Exception):
        await asyncio.wait_for(process.communicate(), 2.0)
