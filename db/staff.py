"""Staff accounts, family doctor teams and login sessions (only hashes of passwords and tokens are stored)."""

from __future__ import annotations

import datetime as dt

from db import convert
from db.engine import Database, write_transaction
from db.errors import is_unique_violation
from db.tables import FamilyDoctorTeam, Staff, StaffSession
from flows.errors import Conflict, InvalidInput, NotFound
from flows.model import FamilyDoctorTeam as TeamStruct
from flows.model import Role
from flows.model import Staff as StaffStruct

_STAFF_COLUMNS = "id, username, display_name, role, team, active"


async def create_staff(
    db: Database,
    *,
    username: str,
    display_name: str,
    role: Role,
    password_hash: str,
    team_id: int | None = None,
    now: dt.datetime,
) -> StaffStruct:
    """A new account; Conflict if the username is taken, NotFound if the team does not exist."""
    name = username.strip()
    if not name or any(ch.isspace() for ch in name) or len(name) > 64:
        raise InvalidInput(
            f"username must be 1–64 characters without spaces, got {username!r}", field="username"
        )
    shown = " ".join(display_name.split())
    if not shown:
        raise InvalidInput("display name must not be empty", field="display_name")
    if not password_hash:
        raise InvalidInput("password hash must not be empty", field="password_hash")
    role = Role(role)
    try:
        async with write_transaction(db):
            if await Staff.exists().where(Staff.username == name):
                raise _taken(name)
            if team_id is not None and not await FamilyDoctorTeam.exists().where(
                FamilyDoctorTeam.id == team_id
            ):
                raise NotFound(
                    f"no family doctor team with id {team_id}", field="team_id", details={"id": team_id}
                )
            rows = await Staff.insert(
                Staff(
                    username=name,
                    display_name=shown,
                    role=role.value,
                    password_hash=password_hash,
                    team=team_id,
                    active=True,
                    created_at=convert.utc(now),
                )
            )
    except Exception as exc:
        if is_unique_violation(exc):
            raise _taken(name) from exc
        raise
    return StaffStruct(id=rows[0]["id"], username=name, display_name=shown, role=role, team_id=team_id)


async def staff_credentials(db: Database, username: str) -> tuple[StaffStruct, str] | None:
    """(staff, password hash) of an active account; None for an unknown or deactivated username."""
    rows = await Staff.raw(
        f"SELECT {_STAFF_COLUMNS}, password_hash FROM staff WHERE username = {{}}", username.strip()
    )
    if not rows:
        return None
    staff = convert.staff(rows[0])
    return (staff, rows[0]["password_hash"]) if staff.active else None


async def create_session(
    db: Database, *, staff_id: int, token_hash: str, expires_at: dt.datetime, now: dt.datetime
) -> None:
    if expires_at <= now:
        raise InvalidInput("a session must expire after it starts", field="expires_at")
    async with write_transaction(db):
        if not await Staff.exists().where(Staff.id == staff_id):
            raise NotFound(f"no staff member with id {staff_id}", field="staff_id", details={"id": staff_id})
        await StaffSession.insert(
            StaffSession(
                token_hash=token_hash,
                staff=staff_id,
                created_at=convert.utc(now),
                expires_at=convert.utc(expires_at),
            )
        )


async def session_staff(db: Database, token_hash: str, *, now: dt.datetime) -> StaffStruct | None:
    """Who holds this token; None if it is unknown, expired, revoked, or the account is deactivated."""
    rows = await StaffSession.raw(
        "SELECT s.id, s.username, s.display_name, s.role, s.team, s.active, t.expires_at, t.revoked_at "
        "FROM staff_session t JOIN staff s ON s.id = t.staff WHERE t.token_hash = {}",
        token_hash,
    )
    if not rows:
        return None
    row = rows[0]
    if row["revoked_at"] is not None or convert.aware(row["expires_at"]) <= now:
        return None
    staff = convert.staff(row)
    return staff if staff.active else None


async def revoke_session(db: Database, token_hash: str, *, now: dt.datetime | None = None) -> None:
    """Revoke a token (logging out). Unknown tokens are ignored: the outcome, no session, is the same."""
    at = convert.utc(now) if now is not None else dt.datetime.now(dt.UTC)
    async with write_transaction(db):
        await StaffSession.update({StaffSession.revoked_at: at}).where(
            (StaffSession.token_hash == token_hash) & StaffSession.revoked_at.is_null()
        )


async def create_team(db: Database, *, name: str, room: str) -> TeamStruct:
    shown = " ".join(name.split())
    if not shown:
        raise InvalidInput("team name must not be empty", field="name")
    room = room.strip()
    if not room:
        raise InvalidInput("team room must not be empty", field="room")
    try:
        async with write_transaction(db):
            if await FamilyDoctorTeam.exists().where(FamilyDoctorTeam.name == shown):
                raise Conflict(f"a team named {shown!r} already exists", field="name")
            rows = await FamilyDoctorTeam.insert(FamilyDoctorTeam(name=shown, room=room))
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict(f"a team named {shown!r} already exists", field="name") from exc
        raise
    return TeamStruct(id=rows[0]["id"], name=shown, room=room)


def _taken(username: str) -> Conflict:
    return Conflict(f"username {username!r} is already taken", field="username")
