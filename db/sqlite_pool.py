"""Piccolo's SQLite engine on persistent connections: a few readers and one writer, bound to one event loop.

Why: Piccolo's SQLiteEngine opens a new aiosqlite connection (a thread, a connect, a PRAGMA) for every query
outside a transaction and for every transaction, about 2.5 ms each against about 0.1 ms for a query on an
open connection; a visit transition made several of them.

How:
- queries outside a transaction borrow one of at most `readers` connections (opened lazily) and give it
  back; in WAL mode readers never wait for the writer;
- every transaction (`transaction()`, `atomic()`, db.engine.write_transaction) runs on the one writer
  connection, taken under an asyncio.Lock, so this process's writers queue in order instead of polling
  SQLite's busy handler (whose sleeps grow to 100 ms). Waiting for the lock longer than the busy timeout
  raises sqlite3's own "database is locked", which db.engine maps to DatabaseBusy as before. Nested
  transactions join the outer one (Piccolo's `current_transaction` context variable and `_parent`);
- a connection is never shared by two borrowers at once; one that failed in an unknown state (cancelled
  mid-statement, ROLLBACK refused) is closed and replaced, never handed out again;
- the connections belong to the event loop that opened them; a query from another loop gets Piccolo's
  own behaviour (a connection of its own). `close_pool()` closes them all: a forgotten aiosqlite
  connection is a thread, and `close_pool()` is what lets a process exit promptly (the threads are also
  made daemons, so a forgotten close cannot hang the process at exit; a killed writer is a crash, which
  WAL recovers from).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

if TYPE_CHECKING:
    from piccolo.table import Table

# RETURNING arrived in SQLite 3.35; before it Piccolo reads the inserted key back through a cursor.
_RETURNING = sqlite3.sqlite_version_info >= (3, 35)

# Set once on every connection. synchronous=FULL is SQLite's default, made explicit: the centre has power
# cuts, and WAL with NORMAL may lose the last commits on one.
_SETUP = "PRAGMA foreign_keys = 1; PRAGMA synchronous = FULL;"


class _Pool:
    """The connections of one event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, readers: int) -> None:
        self.loop = loop
        self.reader_slots = asyncio.Semaphore(readers)
        self.idle_readers: list[aiosqlite.Connection] = []
        self.writer: aiosqlite.Connection | None = None
        self.writer_lock = asyncio.Lock()
        self.opened: set[aiosqlite.Connection] = set()
        self.closed = False


class PooledSQLiteEngine(SQLiteEngine):
    """SQLiteEngine whose connections stay open; see the module docstring. Close with `close_pool()`."""

    def __init__(self, path: str, *, readers: int = 4, **connection_kwargs: Any) -> None:
        super().__init__(path=path, **connection_kwargs)
        self._readers = readers
        self._pool: _Pool | None = None

    @property
    def busy_timeout_s(self) -> float:
        timeout: float = self.connection_kwargs.get("timeout", 5.0)  # sqlite3.connect's default
        return timeout

    # --- Piccolo's hooks ----------------------------------------------------------------------------

    def transaction(
        self, transaction_type: TransactionType = TransactionType.deferred, allow_nested: bool = True
    ) -> SQLiteTransaction:
        return PooledSQLiteTransaction(self, transaction_type=transaction_type, allow_nested=allow_nested)

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> Any:
        pool = self._pool_here()
        if pool is None or (query_type == "insert" and not _RETURNING):
            return await super()._run_in_new_connection(query, args, query_type, table)
        async with self._reader(pool) as connection:
            return await connection.execute_fetchall(query, args or [])

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: type[Table] | None = None,
    ) -> Any:
        # One round trip to the connection's thread instead of Piccolo's four (a PRAGMA that is a no-op
        # inside a transaction, execute, fetchall, close): every connection here has foreign keys on.
        if query_type == "insert" and not _RETURNING:
            return await super()._run_in_existing_connection(connection, query, args, query_type, table)
        return await connection.execute_fetchall(query, args or [])

    # --- the pool -----------------------------------------------------------------------------------

    def _pool_here(self) -> _Pool | None:
        """This loop's pool (created on first use), or None when another live loop owns the pool."""
        loop = asyncio.get_running_loop()
        pool = self._pool
        if pool is not None and pool.loop is not loop:
            if not pool.loop.is_closed():
                return None
            # Its loop ended without close_pool(): stop the orphaned threads and start again here.
            pool.closed = True
            for connection in pool.opened:
                connection.stop()
            pool = None
        if pool is None:
            pool = self._pool = _Pool(loop, self._readers)
        return pool

    async def _open(self, pool: _Pool) -> aiosqlite.Connection:
        connection = aiosqlite.connect(**self.connection_kwargs)
        thread = getattr(connection, "_thread", None)
        if thread is not None:
            thread.daemon = True
        await connection
        try:
            connection.row_factory = dict_factory  # type: ignore[assignment]  # as Piccolo sets it
            await connection.executescript(_SETUP)
        except BaseException:
            await _close_quietly(connection)
            raise
        if pool.closed:  # close_pool() ran while this connection was opening
            await _close_quietly(connection)
            raise sqlite3.ProgrammingError("the database was closed while this query waited for it")
        pool.opened.add(connection)
        return connection

    @asynccontextmanager
    async def _reader(self, pool: _Pool) -> AsyncIterator[aiosqlite.Connection]:
        async with pool.reader_slots:
            connection = pool.idle_readers.pop() if pool.idle_readers else await self._open(pool)
            suspect = False
            try:
                yield connection
            except sqlite3.Error:
                raise  # SQLite refused the statement; the connection itself is fine
            except BaseException:
                suspect = True  # e.g. cancelled while the statement still runs in the thread
                raise
            finally:
                reusable = False
                try:
                    reusable = await _clean(connection, suspect) and not pool.closed
                finally:
                    if reusable:
                        pool.idle_readers.append(connection)
                    else:
                        await _discard(pool, connection)

    async def take_writer(self) -> tuple[aiosqlite.Connection, _Pool | None]:
        """The writer connection, locked for the caller; give it back with `give_back_writer`."""
        pool = self._pool_here()
        if pool is None:
            return await self.get_connection(), None
        try:
            if pool.writer_lock.locked():
                async with asyncio.timeout(self.busy_timeout_s):
                    await pool.writer_lock.acquire()
            else:
                await pool.writer_lock.acquire()
        except TimeoutError:
            # The same words SQLite uses, so callers map it to DatabaseBusy like a lock held by another process.
            raise sqlite3.OperationalError(
                "database is locked (another write transaction in this process held it)"
            ) from None
        try:
            if pool.writer is None:
                pool.writer = await self._open(pool)
        except BaseException:
            pool.writer_lock.release()
            raise
        return pool.writer, pool

    async def give_back_writer(
        self, connection: aiosqlite.Connection, pool: _Pool | None, *, suspect: bool
    ) -> None:
        if pool is None:
            await _close_quietly(connection)
            return
        reusable = False
        try:
            reusable = await _clean(connection, suspect) and not pool.closed
        finally:
            try:
                if not reusable:
                    if pool.writer is connection:
                        pool.writer = None
                    await _discard(pool, connection)
            finally:
                pool.writer_lock.release()

    async def close_pool(self) -> None:
        """Close every connection; the engine opens new ones if it is used again."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        pool.closed = True
        pool.idle_readers.clear()
        pool.writer = None
        while pool.opened:
            await _close_quietly(pool.opened.pop())


class PooledSQLiteTransaction(SQLiteTransaction):
    """Piccolo's SQLite transaction on the engine's writer connection, which outlives it.

    Whatever happens at BEGIN, COMMIT or ROLLBACK, the writer is handed back outside any transaction
    (rolled back if needed) or, if that cannot be made sure, closed and replaced; the lock is always freed.
    """

    __slots__ = ("_pool",)
    engine: PooledSQLiteEngine

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self.connection, self._pool = await self.engine.take_writer()
        try:
            await self.begin()  # type: ignore[no-untyped-call]
        except BaseException as exc:
            await self.engine.give_back_writer(
                self.connection, self._pool, suspect=not isinstance(exc, sqlite3.Error)
            )
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent is not None:
            return exception is None
        suspect = False
        try:
            if exception is not None:
                if not self._rolled_back:
                    await self.rollback()  # type: ignore[no-untyped-call]
            elif not self._committed and not self._rolled_back:
                await self.commit()  # type: ignore[no-untyped-call]
        except sqlite3.Error:
            raise
        except BaseException:
            suspect = True
            raise
        finally:
            self.engine.current_transaction.reset(self.context)
            try:
                await self.engine.give_back_writer(self.connection, self._pool, suspect=suspect)
            finally:
                # A task started inside the transaction inherited it through its context; after the end
                # its queries must fail, not run inside whatever transaction the writer serves next.
                self.connection = _Ended()
        return exception is None


class _Ended:
    """Stands in for the writer connection of a transaction that has ended."""

    def __getattr__(self, name: str) -> Any:
        raise sqlite3.ProgrammingError("this transaction has ended; its connection serves other work now")


async def _clean(connection: aiosqlite.Connection, suspect: bool) -> bool:
    """True if the connection can be used again: outside any transaction, in a known state."""
    if suspect:
        return False
    if not connection.in_transaction:
        return True
    try:
        await connection.rollback()
    except Exception:
        return False
    return not connection.in_transaction


async def _discard(pool: _Pool, connection: aiosqlite.Connection) -> None:
    pool.opened.discard(connection)
    await _close_quietly(connection)


async def _close_quietly(connection: aiosqlite.Connection) -> None:
    try:
        await connection.close()
    except Exception:
        connection.stop()  # ends the thread even if closing the sqlite3 connection failed
