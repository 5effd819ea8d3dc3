"""In-process publish/subscribe of board calls: each committed call fans out to every open board (and is
spoken once, when a speech engine is configured)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Final

from api.board.speech import Speaker
from api.pubsub import Hub, Subscription
from flows.queue import ON_BOARD, BoardCall
from onestop.config import BoardConfig

BOUND: Final = 64  # calls a board may fall behind by; far more than a waiting room makes between two reads


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
        self._hub: Hub[BoardCall] = Hub(bound)

    @classmethod
    def from_config(cls, board: BoardConfig) -> CallAnnouncer:
        return cls(board)

    @property
    def bound(self) -> int:
        return self._hub.bound

    @property
    def subscribers(self) -> int:
        return self._hub.subscribers

    def publish(self, call: BoardCall) -> None:
        self._hub.publish(call)
        # Only a call or recall is spoken; any other status (a later move on the same ticket) only updates
        # the boards.
        if call.status in ON_BOARD:
            self.speaker.say(call.label, call.room)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[Subscription[BoardCall]]:
        """`async with announcer.subscribe() as feed: async for call in feed: …` — unsubscribed on exit."""
        async with self._hub.subscribe() as subscription:
            yield subscription

    async def aclose(self) -> None:
        """Stop the speech worker (the API's shutdown)."""
        await self.speaker.aclose()
