"""Public screens, no login: the waiting-room board (/board, its events and state). It never shows a name or
an ID number. (The ticket's own status page, /q/{token}, is retired: the ticket's QR code opens the patient
page, /p/{token}, api.patient.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Final

import msgspec
from litestar import MediaType, Response, Router, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.response import ServerSentEvent, ServerSentEventMessage

from api.board import page
from api.board.announcer import CallAnnouncer
from api.errors import error_responses
from db import queues as ticket_store
from flows.queue import BoardCall, QueueDef
from onestop.config import Settings

KEEPALIVE_S: Final = 15.0  # a comment line this often, so proxies and TVs' stacks keep the stream open
RETRY_MS: Final = 3000  # how soon a board reconnects after the stream drops


class BoardState(msgspec.Struct, frozen=True, kw_only=True):
    """What a board shows when it (re)connects; later calls arrive as `call` events of /board/events."""

    site: str
    day: dt.date  # the site's local date: the calls are this day's
    now: dt.datetime  # the server's clock: the board shows it, not the TV's own
    timezone: str
    speech: bool  # calls are also spoken (a text-to-speech engine is configured)
    calls: list[BoardCall]


# api.context is imported inside the providers: it imports this package (for CallAnnouncer), so a
# top-level import would be a cycle.


def provide_calls(state: State) -> CallAnnouncer:
    from api.context import context_of

    return context_of(state).calls


async def provide_queues(state: State) -> list[QueueDef]:
    from api.context import context_of

    return await context_of(state).queues()


@get("/board", operation_id="boardPage", summary="The waiting-room board (HTML)", media_type=MediaType.HTML)
async def board_page() -> Response[bytes]:
    return Response(page.BOARD_HTML, media_type=MediaType.HTML, headers=page.BOARD_HEADERS)


@get("/board/board.js", include_in_schema=False)
async def board_js() -> Response[bytes]:
    return Response(page.BOARD_JS, media_type="text/javascript; charset=utf-8", headers=page.ASSET_HEADERS)


@get("/board/board.css", include_in_schema=False)
async def board_css() -> Response[bytes]:
    return Response(page.BOARD_CSS, media_type="text/css; charset=utf-8", headers=page.ASSET_HEADERS)


@get(
    "/api/v1/board",
    operation_id="getBoard",
    summary="The day's calls for the waiting-room board (no names)",
    responses=error_responses(503),
)
async def get_board(
    today: NamedDependency[dt.date],
    now: NamedDependency[dt.datetime],
    settings: NamedDependency[Settings],
    calls: NamedDependency[CallAnnouncer],
    queues: NamedDependency[list[QueueDef]],
) -> BoardState:
    return BoardState(
        site=settings.site.name,
        day=today,
        now=now,
        timezone=settings.site.timezone,
        speech=calls.speaker.available,
        calls=await ticket_store.board_calls(today, queues),
    )


async def _events(calls: CallAnnouncer) -> AsyncIterator[ServerSentEventMessage]:
    async with calls.subscribe() as feed:
        # First a comment: the board (and a test) knows it is subscribed before any call can be missed.
        yield ServerSentEventMessage(data=None, comment="subscribed", retry=RETRY_MS)
        dropped = 0
        while True:
            call = await feed.next(KEEPALIVE_S)
            if call is None:
                yield ServerSentEventMessage(data=None, comment="ping")
                continue
            if feed.dropped != dropped:  # this board fell behind and lost calls: it re-reads the state
                dropped = feed.dropped
                yield ServerSentEventMessage(event="resync", data="")
            yield ServerSentEventMessage(event="call", data=msgspec.json.encode(call).decode())


@get(
    "/board/events",
    operation_id="boardEvents",
    media_type="text/event-stream",
    summary="Server-sent events: a `call` event (BoardCall JSON) for each call or recall",
)
async def board_events(calls: NamedDependency[CallAnnouncer]) -> ServerSentEvent:
    return ServerSentEvent(_events(calls))


ROUTES: Final = [
    Router(
        path="/",
        route_handlers=[board_page, board_js, board_css, get_board, board_events],
        dependencies={
            "calls": Provide(provide_calls, sync_to_thread=False),
            "queues": Provide(provide_queues),
        },
        tags=["board"],
    )
]
