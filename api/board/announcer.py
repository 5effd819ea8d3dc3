"""In-process publish/subscribe of board calls: each committed call fans out to every open board (and is
spoken once, when a speech engine is configured)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Final

from api.board.speech import Speaker
from flows.queue import ON_BOARD, BoardCall
from onestop.config import BoardConfig

BOUND: Final = 64  # calls a board may fall behind by; far more than a waiting room makes between two reads


class Subscription:
    """One board's feed: the calls published since it subscribed, oldest first.

    A subscriber that falls `bound` calls behind loses the oldest ones (`dropped` counts them) rather than
    hold up the publisher, which runs right after a doctor's call is committed.
    """

    def __init__(self, bound: int) -> None:
        self._queue: asyncio.Queue[BoardCall] = asyncio.Queue(bound)
        self.dropped = 0

    def put(self, call: BoardCall) -> None:
        if self._queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self._queue.get_nowait()
                self.dropped += 1
        self._queue.put_nowait(call)

    async def next(self, within_s: float | None = None) -> BoardCall | None:
        """The next call, or None when `within_s` seconds pass without one (time for a keep-alive)."""
        try:
            return await asyncio.wait_for(self._queue.get(), within_s)
        except TimeoutError:
            return None

    def __aiter__(self) -> AsyncIterator[BoardCall]:
        return self

    async def __anext__(self) -> BoardCall:
        return await self._queue.get()


class CallAnnouncer:
    """Fan-out of `BoardCall`s to the open boards' event streams, plus the spoken call.

    `publish` is synchronous and never blocks: call it on the event loop once the call is committed. The
    subscribers live in this process only: one API per site serves every board of the site.
    """

    def __init__(
        self, board: BoardConfig | None = None, *, speaker: Speaker | None = None, bound: int = BOUND
    ) -> None:
        """Speech from `board.speech` (none without a board config), unless a `speaker` is given."""
        self.speaker = speaker or (Speaker.from_setting(board.speech) if board else Speaker())
        self.bound = bound
        self._subscribers: set[Subscription] = set()

    @classmethod
    def from_config(cls, board: BoardConfig) -> CallAnnouncer:
        return cls(board)

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    def publish(self, call: BoardCall) -> None:
        for subscription in tuple(self._subscribers):
            subscription.put(call)
        # Only a call or recall is spoken; any other status (a later move on the same ticket) only updates
        # the boards.
        if call.status in ON_BOARD:
            self.speaker.say(call.label, call.room)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[Subscription]:
        """`async with announcer.subscribe() as feed: async for call in feed: …` — unsubscribed on exit."""
        subscription = Subscription(self.bound)
        self._subscribers.add(subscription)
        try:
            yield subscription
        finally:
            self._subscribers.discard(subscription)

    async def aclose(self) -> None:
        """Stop the speech worker (the API's shutdown)."""
        await self.speaker.aclose()
