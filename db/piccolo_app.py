"""Piccolo app registration of the onestop tables and their committed migrations (db/migrations/)."""

from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from db.tables import ALL_TABLES

APP_NAME = "onestop"

APP_CONFIG = AppConfig(
    app_name=APP_NAME,
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=list(ALL_TABLES),
    migration_dependencies=[],
    commands=[],
)
