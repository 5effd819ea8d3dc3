"""Start-up: the API refuses an unmigrated database with a message naming the command to run."""

from __future__ import annotations

import pytest

from api.app import SchemaNotReady, preflight
from onestop.config import DatabaseConfig, Settings
from tests.support.server import live_server


async def test_preflight_refuses_an_unmigrated_database(empty_db_config: DatabaseConfig) -> None:
    with pytest.raises(SchemaNotReady, match="onestop db migrate"):
        await preflight(Settings(database=empty_db_config))


def test_server_does_not_start_on_an_unmigrated_database(empty_db_config: DatabaseConfig) -> None:
    with (
        pytest.raises(RuntimeError, match="onestop db migrate"),
        live_server(Settings(database=empty_db_config), migrate=False, timeout=15),
    ):
        pass
