"""`onestop user add`: create a staff account with a scrypt password hash (user management is CLI-only)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from api.auth import hash_password
from db.contracts import list_teams
from db.engine import close, connect
from db.staff import create_staff
from flows.errors import InvalidInput
from flows.model import Role, Staff
from onestop.config import Settings

USERNAME = re.compile(r"[a-z0-9_.-]{2,32}")
MIN_PASSWORD = 8


def check_new_user(username: str, display_name: str, role: Role | str, password: str) -> Role:
    """Refuse what would make a weak or confusing account; returns the role as a Role."""
    if not USERNAME.fullmatch(username):
        raise InvalidInput(
            f"user name must be 2–32 characters of a-z, 0-9, _ . - ; got {username!r}", field="username"
        )
    if not display_name.strip():
        raise InvalidInput("display name must not be empty", field="display_name")
    try:
        checked = Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise InvalidInput(f"role must be one of {known}; got {role!r}", field="role") from None
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"password must have at least {MIN_PASSWORD} characters; got {len(password)}", field="password"
        )
    if password.strip().lower() == username.lower():
        raise InvalidInput("password must not be the user name", field="password")
    return checked


async def add_user(
    settings: Settings,
    username: str,
    display_name: str,
    role: Role | str,
    password: str,
    *,
    team: str | None = None,
) -> Staff:
    """Create the account; Conflict if the user name exists, InvalidInput for a bad name/role/password or a
    team that does not exist (the message lists the teams there are)."""
    checked = check_new_user(username, display_name, role, password)
    password_hash = hash_password(password)
    now = dt.datetime.now(zoneinfo.ZoneInfo(settings.site.timezone))
    db = await connect(settings.database)
    try:
        team_id = None
        if team is not None:
            teams = {t.name: t.id for t in await list_teams(db)}
            if team not in teams:
                known = "、".join(teams) or "none yet"
                raise InvalidInput(f"no family doctor team named {team!r} (teams: {known})", field="team")
            team_id = teams[team]
        return await create_staff(
            db,
            username=username,
            display_name=display_name.strip(),
            role=checked,
            password_hash=password_hash,
            team_id=team_id,
            now=now,
        )
    finally:
        await close(db)
