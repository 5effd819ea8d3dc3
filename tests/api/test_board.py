"""The waiting-room board: the announcer and its speech, the board's HTTP surface, the ticket's status page.

The board in a real (headless) Chromium is in test_board_browser.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import shlex
import shutil
import sys
import time
import zoneinfo
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from api.board import CallAnnouncer, Speaker
from api.board import controller as board_controller
from api.board.speech import resolve_speech
from api.context import context_of
from flows.queue import BoardCall, TicketStatus
from onestop.config import BoardConfig
from tests.api.helpers import Api, id_number
from tests.api.queueing import issue, to_triage
from tests.support.server import LiveServer

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
NAME = "欧阳秀英"  # a resident's name that must never reach a public screen


def board_call(label: str = "A001", room: str = "3号诊室", **changes: Any) -> BoardCall:
    fields: dict[str, Any] = {
        "ticket_id": 1,
        "label": label,
        "queue_id": "gp",
        "queue_name": "全科门诊",
        "room": room,
        "status": TicketStatus.CALLED,
        "calls": 1,
        "called_at": dt.datetime(2025, 3, 3, 9, 30, tzinfo=ZONE),
        **changes,
    }
    return BoardCall(**fields)


# --- the announcer --------------------------------------------------------------------------------------


async def test_a_call_reaches_every_subscriber() -> None:
    announcer = CallAnnouncer(speaker=Speaker())
    async with announcer.subscribe() as one, announcer.subscribe() as two:
        assert announcer.subscribers == 2
        announcer.publish(board_call("A001"))
        announcer.publish(board_call("A002", ticket_id=2))
        assert [(await one.next(1)), (await one.next(1))] == [
            board_call("A001"),
            board_call("A002", ticket_id=2),
        ]
        assert (await two.next(1)) == board_call("A001")
    assert announcer.subscribers == 0


async def test_a_slow_subscriber_loses_its_oldest_calls_and_the_publisher_never_waits() -> None:
    announcer = CallAnnouncer(speaker=Speaker(), bound=3)
    async with announcer.subscribe() as slow:
        for n in range(1, 6):
            announcer.publish(board_call(f"A00{n}", ticket_id=n))  # returns at once though nobody reads
        assert slow.dropped == 2
        kept = [await slow.next(1) for _ in range(3)]
        assert [call.label for call in kept if call] == ["A003", "A004", "A005"]
        assert await slow.next(0.05) is None  # nothing more: the stream would send a keep-alive now


def test_speech_setting_resolves_to_a_command(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_speech("off") == ()
    monkeypatch.setattr("shutil.which", lambda name: f"/opt/bin/{name}")
    assert resolve_speech("auto") == ("/opt/bin/espeak-ng", "-v", "cmn")
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert resolve_speech("auto") == ()  # no engine installed: the board works, silently
    assert resolve_speech("say -v 'Ting-Ting'") == ("say", "-v", "Ting-Ting")
    assert not CallAnnouncer(BoardConfig(speech="off")).speaker.available


def _recorder(tmp_path: Path, body: str) -> tuple[str, Path]:
    """A speech command: a shell script that gets the output file, then the phrase as its last argument."""
    script, out = tmp_path / "speak.sh", tmp_path / "spoken.txt"
    script.write_text(f"out=$1; shift; for last; do :; done\n{body}\n", encoding="utf-8")
    return f"sh {shlex.quote(str(script))} {shlex.quote(str(out))}", out


async def test_a_call_is_spoken_with_the_call_phrase(tmp_path: Path) -> None:
    command, out = _recorder(tmp_path, 'printf "%s\\n" "$last" >> "$out"')
    announcer = CallAnnouncer(BoardConfig(speech=command))
    announcer.publish(board_call("A001", "3号诊室"))
    announcer.publish(board_call("A002", ticket_id=2, status=TicketStatus.IN_SERVICE))  # not a call: silent
    await announcer.speaker.wait_idle()
    assert out.read_text(encoding="utf-8") == "请 A001 号到 3号诊室 就诊\n"
    await announcer.aclose()


async def test_calls_are_spoken_one_at_a_time_in_order(tmp_path: Path) -> None:
    command, out = _recorder(tmp_path, 'echo "start $last" >> "$out"; sleep 0.1; echo "end $last" >> "$out"')
    announcer = CallAnnouncer(BoardConfig(speech=command))
    started = time.monotonic()
    for n in (1, 2, 3):
        announcer.publish(board_call(f"A00{n}", ticket_id=n))
    assert time.monotonic() - started < 0.05  # the publisher never waits for the voice
    await announcer.speaker.wait_idle()
    words = [line.split()[0] + " " + line.split()[2] for line in out.read_text(encoding="utf-8").splitlines()]
    assert words == ["start A001", "end A001", "start A002", "end A002", "start A003", "end A003"]
    await announcer.aclose()


async def test_off_speaks_nothing() -> None:
    announcer = CallAnnouncer(BoardConfig(speech="off"))
    announcer.publish(board_call())
    await announcer.speaker.wait_idle()
    assert announcer.speaker.command == ()
    assert not announcer.speaker.available


@pytest.mark.parametrize(
    "command",
    [
        pytest.param("/nonexistent/speak", id="missing program"),
        pytest.param(f"{shlex.quote(sys.executable)} -c 'raise SystemExit(3)'", id="exits non-zero"),
    ],
)
async def test_a_failing_speech_command_is_logged_never_raised(
    command: str, caplog: pytest.LogCaptureFixture
) -> None:
    announcer = CallAnnouncer(BoardConfig(speech=command))
    with caplog.at_level(logging.WARNING, logger="onestop.api.board"):
        announcer.publish(board_call())
        await announcer.speaker.wait_idle()
    assert "speech command" in caplog.text
    await announcer.aclose()


async def test_a_hung_speech_command_is_killed_and_the_next_call_still_spoken(tmp_path: Path) -> None:
    command, out = _recorder(
        tmp_path, '[ "$last" = "请 A001 号到 3号诊室 就诊" ] && sleep 30; echo "$last" >> "$out"'
    )
    speaker = Speaker(shlex.split(command), timeout_s=0.3)
    announcer = CallAnnouncer(speaker=speaker)
    announcer.publish(board_call("A001"))
    announcer.publish(board_call("A002", ticket_id=2))
    await asyncio.wait_for(speaker.wait_idle(), 5)
    assert out.read_text(encoding="utf-8") == "请 A002 号到 3号诊室 就诊\n"
    await announcer.aclose()


@pytest.fixture
def espeak() -> str:
    found = shutil.which("espeak-ng")
    if found is None:
        message = "espeak-ng is not installed (apt-get install espeak-ng)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; CI=true: the spoken-call test is required", pytrace=False)
        pytest.skip(message)
    return found


def test_espeak_ng_says_the_call_in_mandarin(espeak: str, tmp_path: Path) -> None:
    assert resolve_speech("auto") == (espeak, "-v", "cmn")
    wav = tmp_path / "call.wav"  # -w: to a file, not the sound card (a test machine has none)

    async def speak() -> None:
        speaker = Speaker([espeak, "-v", "cmn", "-w", str(wav)])
        speaker.say("A001", "3号诊室")
        await speaker.wait_idle()
        await speaker.aclose()

    asyncio.run(speak())
    audio = wav.read_bytes()
    assert audio[:4] == b"RIFF"
    assert len(audio) > 20_000  # about two seconds of speech, not an empty file


# --- over HTTP ------------------------------------------------------------------------------------------


async def _publish(server: LiveServer, call: BoardCall) -> None:
    context_of(server.app.state).calls.publish(call)


@pytest.fixture
def events(api: Api) -> Iterator[Iterator[str]]:
    """The lines of /board/events, from just after the server confirmed the subscription."""
    with httpx.stream("GET", f"{api.base_url}/board/events", timeout=httpx.Timeout(5.0)) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/event-stream")
        lines = answer.iter_lines()
        _read_until(lines, lambda line: line == ": subscribed")
        yield lines


def _read_until(lines: Iterator[str], done: Callable[[str], bool], within_s: float = 5.0) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + within_s
    for line in lines:
        seen.append(line)
        if done(line):
            return seen
        assert time.monotonic() < deadline, f"not seen in {within_s} s: {seen}"
    raise AssertionError(f"the stream ended: {seen}")


def test_board_page_is_html_under_a_strict_content_security_policy(api: Api) -> None:
    answer = api.anon.get("/board")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    csp = answer.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe" not in csp
    assert '<html lang="zh-CN">' in answer.text
    assert "/board/board.js" in answer.text
    assert "http" not in answer.text  # nothing from outside: the clinic may be offline
    script, style = api.anon.get("/board/board.js"), api.anon.get("/board/board.css")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "EventSource" in script.text
    assert style.headers["content-type"].startswith("text/css")


def test_board_state_lists_the_days_calls_without_names(api: Api) -> None:
    assert api.anon.get("/api/v1/board").json()["calls"] == []
    visit = to_triage(api, 1, name=NAME)
    issue(api, visit["id"])
    called = api.doctor.post("/api/v1/queues/gp/call-next")
    assert called.status_code == 200, called.text
    answer = api.anon.get("/api/v1/board")
    assert answer.status_code == 200
    body = answer.json()
    assert body["site"]
    assert body["timezone"] == "Asia/Shanghai"
    assert [(c["label"], c["room"], c["queue_name"], c["status"]) for c in body["calls"]] == [
        ("A001", "全科诊室", "全科门诊", "called")
    ]
    assert NAME not in answer.text
    assert id_number(1) not in answer.text


def test_board_events_stream_each_published_call(api: Api, events: Iterator[str]) -> None:
    call = board_call("A007", "5号诊室", emergency=True)
    api.server.run(_publish(api.server, call))
    seen = _read_until(events, lambda line: line.startswith("data: "))
    assert "event: call" in seen
    assert msgspec.json.decode(seen[-1].removeprefix("data: "), type=BoardCall) == call


def test_board_events_carry_a_real_call_and_keep_alive(
    api: Api, events: Iterator[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read by the stream after each call: the next wait is short (the one under way is not).
    monkeypatch.setattr(board_controller, "KEEPALIVE_S", 0.1)
    visit = to_triage(api, 1, name=NAME)
    issue(api, visit["id"])
    assert api.doctor.post("/api/v1/queues/gp/call-next").status_code == 200
    seen = _read_until(events, lambda line: line.startswith("data: "))
    call = json.loads(seen[-1].removeprefix("data: "))
    assert (call["label"], call["room"], call["status"]) == ("A001", "全科诊室", "called")
    assert NAME not in "".join(seen)
    _read_until(events, lambda line: line == ": ping")
