"""Piccolo configuration (PICCOLO_CONF=db.piccolo_conf) for the piccolo CLI and the migration machinery.

`db.engine.connect()` replaces DB with the engine of the database it opens, because Piccolo's migration
runner finds its engine here rather than taking it as an argument. The default below only serves
`piccolo migrations new onestop --auto` on a developer's machine.
"""

from __future__ import annotations

import os

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine

DB: Engine = SQLiteEngine(  # type: ignore[type-arg]
    path=os.environ.get("ONESTOP_PICCOLO_SQLITE", "var/piccolo-dev.sqlite")
)

APP_REGISTRY = AppRegistry(apps=["db.piccolo_app"])
