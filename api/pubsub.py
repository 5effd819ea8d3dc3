"""In-process publish/subscribe for server-sent event streams (board calls, device readings).

Publishing is synchronous and never blocks: it runs on the event loop right after a commit. A subscriber
that falls `bound` items behind loses the oldest ones (`dropped` counts them, so its stream can tell the
client to re-read the state) rather than hold up the publisher. The subscribers live in this process only:
one API per site serves every screen of the site.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Subscription(Generic[T]):
    """One stream's feed: the items published since it subscribed, oldest first."""

    def __init__(self, bound: int) -> None:
        self._queue: asyncio.Queue[T] = asyncio.Queue(bound)
        self.dropped = 0

    def put(self, item: T) -> None:
        if self._queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self._queue.get_nowait()
                self.dropped += 1
        self._queue.put_nowait(item)

    async def next(self, within_s: float | None = None) -> T | None:
        """The next item, or None when `within_s` seconds pass without one (time for a keep-alive)."""
        try:
            return await asyncio.wait_for(self._queue.get(), within_s)
        except TimeoutError:
            return None

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        return await self._queue.get()


class Hub(Generic[T]):
    """Fan-out of items to every open subscription."""

    def __init__(self, bound: int) -> None:
        self.bound = bound
        self._subscribers: set[Subscription[T]] = set()

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    def publish(self, item: T) -> None:
        for subscription in tuple(self._subscribers):
            subscription.put(item)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[Subscription[T]]:
        """`async with hub.subscribe() as feed: async for item in feed: …` — unsubscribed on exit."""
        subscription: Subscription[T] = Subscription(self.bound)
        self._subscribers.add(subscription)
        try:
            yield subscription
        finally:
            self._subscribers.discard(subscription)
