"""The `api` fixture: a real server on loopback over `db_config` (SQLite and PostgreSQL), staff logged in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onestop.config import BoardConfig, DatabaseConfig, PrinterConfig, Settings
from tests.api.helpers import Api, api_of
from tests.support.server import live_server


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
    with live_server(settings, migrate=False) as server, api_of(server) as handle:
        yield handle
