"""The SQLite writer process of the demo load (db/demo_load.py): `python -m db.demo_writer PATH TIMEOUT`.

Building rows is pure Python and so is sqlite3's parameter binding: in one process they take turns on the
GIL (and a writer thread, which drops the GIL at every row, waits for it again each time). A second process
writes while the first generates, so both cores work. It reads framed pickles from stdin — ("query", sql)
or ("write", {table: rows}) — and answers each on stdout with ("ok", result) or ("error", message).
Pickle is safe here: the only peer is the parent that started this process.
"""

from __future__ import annotations

import pickle
import sqlite3
import struct
import sys
from typing import IO, Any

from db.demo_rows import TABLES, Rows

_FRAME = struct.Struct("!Q")


def send(stream: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_FRAME.pack(len(data)))
    stream.write(data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        raise EOFError("the peer closed the pipe")
    return pickle.loads(stream.read(_FRAME.unpack(head)[0]))


def write_rows(conn: sqlite3.Connection, rows: Rows) -> dict[str, int]:
    """One batch in one IMMEDIATE transaction (takes the write lock at BEGIN: other writers queue behind it)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for table, table_rows in rows.items():
            if table_rows:
                conn.executemany(TABLES[table].sqlite, table_rows)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return {table: len(table_rows) for table, table_rows in rows.items()}


def serve(path: str, timeout_s: float, requests: IO[bytes], answers: IO[bytes]) -> None:
    # The engine's PRAGMAs: WAL (persistent in the file), foreign keys on, the configured busy timeout.
    conn = sqlite3.connect(path, timeout=timeout_s, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    try:
        while True:
            try:
                kind, body = receive(requests)
            except EOFError:
                return
            try:
                result = conn.execute(body).fetchall() if kind == "query" else write_rows(conn, body)
            except sqlite3.Error as exc:
                send(answers, ("error", f"{type(exc).__name__}: {exc}"))
            else:
                send(answers, ("ok", result))
    finally:
        conn.close()


if __name__ == "__main__":
    serve(sys.argv[1], float(sys.argv[2]), sys.stdin.buffer, sys.stdout.buffer)
