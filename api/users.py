"""`onestop user add`: create a staff account with a scrypt password hash (user management is CLI-only)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from api.auth import hash_password
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
    settings: Settings, username: str, display_name: str, role: Role | str, password: str
) -> Staff:
    """Create the account; Conflict if the user name exists, InvalidInput for a bad name/role/password."""
    checked = check_new_user(username, display_name, role, password)
    password_hash = hash_password(password)
    now = dt.datetime.now(zoneinfo.ZoneInfo(settings.site.timezone))
    db = await connect(settings.database)
    try:
        return await create_staff(
            db,
            username=username,
            display_name=display_name.strip(),
            role=checked,
            password_hash=password_hash,
            now=now,
        )
    finally:
        await close(db)
