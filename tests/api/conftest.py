"""The `api` fixture: a real server on loopback over `db_config` (SQLite and PostgreSQL), staff logged in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from flows.model import Role, Staff
from onestop.config import BoardConfig, DatabaseConfig, PrinterConfig, Settings
from tests.api.helpers import PASSWORD, Api
from tests.support.server import add_staff, bearer, issue_token, live_server


@pytest.fixture
def api_settings(db_config: DatabaseConfig, tmp_path: Path) -> Settings:
    """The server's settings; a test module overrides this fixture to point the printer elsewhere."""
    return Settings(
        database=db_config,
        printer=PrinterConfig(url=f"preview://{tmp_path / 'tickets'}"),
        board=BoardConfig(speech="off"),  # the board's own tests speak; the rest stay quiet and fast
    )


@pytest.fixture
def api(api_settings: Settings) -> Iterator[Api]:
    settings = api_settings
    # migrate=False: db_config is already migrated, so start-up takes the production path (schema check).
    with live_server(settings, migrate=False) as server:
        staff: dict[Role, Staff] = {}
        clients: dict[Role, httpx.Client] = {}
        try:
            for role in Role:
                username = f"{role.value}1"
                staff[role] = add_staff(server, username, role, PASSWORD, display_name=f"{role.value} one")
                token = issue_token(server, staff[role])
                clients[role] = httpx.Client(base_url=server.base_url, headers=bearer(token), timeout=10)
            clients_anon = httpx.Client(base_url=server.base_url, timeout=10)
            yield Api(
                server=server,
                base_url=server.base_url,
                nurse=clients[Role.NURSE],
                doctor=clients[Role.DOCTOR],
                admin=clients[Role.ADMIN],
                anon=clients_anon,
                staff=staff,
            )
            clients_anon.close()
        finally:
            for client in clients.values():
                client.close()
