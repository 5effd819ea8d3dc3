"""Failed-login throttling: a password cannot be guessed at the speed of the network.

In memory, because the API is the one process that answers logins for a site (DESIGN.md); a restart
forgets the counts, which costs an attacker a restart of the clinic's server, not a bypass.
Two keys per attempt: the user name (5 failures in 15 minutes locks that account's logins until the oldest
failure ages out) and the client address (20, because one front-desk PC is shared by several nurses who
mistype). The lock is checked before the password, so a locked account answers 429 even to the right one.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from dataclasses import dataclass, field

from flows.errors import TooManyAttempts

WINDOW = dt.timedelta(minutes=15)
PER_USER = 5
PER_ADDRESS = 20
_MAX_KEYS = 10_000  # bounded memory under a spray of made-up user names


@dataclass
class LoginThrottle:
    window: dt.timedelta = WINDOW
    per_user: int = PER_USER
    per_address: int = PER_ADDRESS
    _failures: dict[str, deque[dt.datetime]] = field(default_factory=dict)

    def check(self, username: str, address: str | None, now: dt.datetime) -> None:
        """Raise TooManyAttempts if either key is over its limit."""
        for key, limit in self._keys(username, address):
            stamps = self._recent(key, now)
            if len(stamps) >= limit:
                wait = stamps[0] + self.window - now
                seconds = max(1, math.ceil(wait.total_seconds()))
                raise TooManyAttempts(
                    f"too many failed logins ({len(stamps)} in {self.window.seconds // 60} minutes); "
                    f"try again in {math.ceil(seconds / 60)} minute(s) or ask the administrator",
                    field="username",
                    details={"retry_after_s": seconds},
                )

    def failed(self, username: str, address: str | None, now: dt.datetime) -> None:
        _make_room(self._failures, now, self.window)
        for key, _ in self._keys(username, address):
            self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, username: str) -> None:
        """A right password clears the account's count; the address keeps its own."""
        self._failures.pop(_user_key(username), None)

    def _keys(self, username: str, address: str | None) -> list[tuple[str, int]]:
        keys = [(_user_key(username), self.per_user)]
        if address:
            keys.append((f"address:{address}", self.per_address))
        return keys

    def _recent(self, key: str, now: dt.datetime) -> deque[dt.datetime]:
        return _recent(self._failures, key, now, self.window)


def _user_key(username: str) -> str:
    return "user:" + username.strip().lower()


PAGE_WINDOW = dt.timedelta(minutes=15)
PAGE_FAILURES = 20  # a resident retrying an expired card a few times is far below; a guesser is stopped


@dataclass
class GuessThrottle:
    """Patient-page links tried per client address (api.patient): after `limit` links that opened nothing
    within `window`, the address gets the refusal page for every link, valid or not, until the oldest
    failure ages out. Checked before the lookup, so a blocked guesser learns nothing more and costs no
    database work. With 128-bit tokens guessing is hopeless anyway; this keeps a scanner off the database.
    """

    window: dt.timedelta = PAGE_WINDOW
    limit: int = PAGE_FAILURES
    _failures: dict[str, deque[dt.datetime]] = field(default_factory=dict)

    def blocked(self, address: str | None, now: dt.datetime) -> int | None:
        """Seconds until the address may try again, or None when it may try now."""
        stamps = _recent(self._failures, address or "?", now, self.window)
        if len(stamps) < self.limit:
            return None
        return max(1, math.ceil((stamps[0] + self.window - now).total_seconds()))

    def failed(self, address: str | None, now: dt.datetime) -> None:
        _make_room(self._failures, now, self.window)
        self._failures.setdefault(address or "?", deque()).append(now)


def _recent(
    failures: dict[str, deque[dt.datetime]], key: str, now: dt.datetime, window: dt.timedelta
) -> deque[dt.datetime]:
    """The key's failures still inside the window (older ones are dropped as a side effect)."""
    stamps = failures.get(key, deque())
    while stamps and stamps[0] <= now - window:
        stamps.popleft()
    return stamps


def _make_room(failures: dict[str, deque[dt.datetime]], now: dt.datetime, window: dt.timedelta) -> None:
    """Bounded memory under a spray of made-up names or addresses: drop the keys with nothing recent, then,
    if still full of live keys, the oldest-inserted."""
    if len(failures) < _MAX_KEYS:
        return
    for key in list(failures):
        if not _recent(failures, key, now, window):
            del failures[key]
    while len(failures) >= _MAX_KEYS:
        del failures[next(iter(failures))]
