"""Group commit of audit events: the events of many concurrent reads are chained and stored in one
transaction, and each request is answered only once its own event is durable.

A read changes nothing but the audit trail, so it runs in a read transaction that never waits for the
write lock; its events are handed to this writer. One thread per process takes every event waiting,
appends them to their municipalities' chains in one transaction (``core.audit.append``: one head lock
per municipality, one multi-row insert) and commits; the requests waiting on those events are then
released. Under load a commit carries the events of dozens of requests, so the cost of the commit (a
disk flush with PostgreSQL's ``synchronous_commit`` on) is shared instead of paid by each.

If a batch fails, its events are retried one request at a time, so a fault in one request's events
fails that request alone. A request whose events could not be stored fails: nothing is answered that
is not audited. Several processes each run their own writer; they take turns on the chain heads.

Inside an HTTP request (``AuditBarrier``) a read does not block its thread on the commit: it hands
over its events and goes on, and the barrier holds the response back until they are durable, waiting
on the event loop. So a read can run on the loop itself, with no thread hop, and still be batched.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from contextvars import ContextVar

from core.audit import AuditEvent, append
from core.storage.database import LOCK_WAIT_MS, Database

log = logging.getLogger("stafett.audit")

MAX_BATCH = 1000  # events in one transaction at the most; the rest wait for the next one
WAIT_SECONDS = 4 * LOCK_WAIT_MS / 1000  # how long a request waits for its events before it fails


class GroupCommit:
    """The process's audit writer for reads; start-on-first-use, stopped by ``close``."""

    def __init__(self, database: Database, *, max_batch: int = MAX_BATCH) -> None:
        self._database = database
        self._max_batch = max_batch
        self._waiting: list[tuple[Sequence[AuditEvent], Future[None]]] = []
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, events: Sequence[AuditEvent]) -> Future[None]:
        """Queue a request's events; the future is done when they are durable (or failed)."""
        future: Future[None] = Future()
        if not events:
            future.set_result(None)
            return future
        with self._cond:
            if self._closed:
                raise RuntimeError("the audit writer is closed")
            self._waiting.append((events, future))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="stafett-audit", daemon=True)
                self._thread.start()
            self._cond.notify()
        return future

    def write(self, events: Sequence[AuditEvent]) -> None:
        """Store ``events``: inside an open ``AuditBarrier`` the response waits for them; elsewhere this
        returns when they are durable. Either way what stops them fails the request."""
        future = self.submit(events)
        barrier = _BARRIER.get()
        if barrier is not None and barrier.hold(future):
            return
        future.result(timeout=WAIT_SECONDS)

    def close(self) -> None:
        """Store what is waiting, then stop the thread."""
        with self._cond:
            self._closed = True
            self._cond.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=WAIT_SECONDS)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._waiting and not self._closed:
                    self._cond.wait()
                if not self._waiting:
                    return
                batch: list[tuple[Sequence[AuditEvent], Future[None]]] = []
                count = 0
                while self._waiting and (not batch or count + len(self._waiting[0][0]) <= self._max_batch):
                    item = self._waiting.pop(0)
                    batch.append(item)
                    count += len(item[0])
            self._store(batch)

    def _store(self, batch: list[tuple[Sequence[AuditEvent], Future[None]]]) -> None:
        try:
            self._commit([event for events, _ in batch for event in events])
        except Exception as exc:
            if len(batch) == 1:
                batch[0][1].set_exception(exc)
                return
            log.warning("Et samlet revisjonsskriv feilet (%s); prøver hver forespørsel for seg.", exc)
            for item in batch:
                self._store([item])
            return
        for _, future in batch:
            future.set_result(None)

    def _commit(self, events: list[AuditEvent]) -> None:
        with self._database.engine.begin() as connection:  # a Core connection: no ORM session to set up
            append(connection, events)


class AuditBarrier:
    """The audit events one HTTP request handed to group commit, which its response waits for."""

    def __init__(self) -> None:
        self._pending: list[Future[None]] = []
        self._open = True
        self._lock = threading.Lock()  # a thread the request started may still be storing events

    def hold(self, future: Future[None]) -> bool:
        """Take ``future`` to wait for before the response; False once the response has gone."""
        with self._lock:
            if self._open:
                self._pending.append(future)
            return self._open

    async def passed(self) -> None:
        """Wait until every held event is durable; raises what stopped one (or ``TimeoutError``).
        Afterwards the barrier is shut: whatever the request still stores is waited for where it is."""
        with self._lock:
            self._open = False
        if self._pending:
            waits = [asyncio.wrap_future(f) for f in self._pending]
            await asyncio.wait_for(asyncio.gather(*waits), timeout=WAIT_SECONDS)

    @classmethod
    def enter(cls) -> AuditBarrier:
        """Open a barrier for the current context (the request's task and the threads it starts)."""
        barrier = cls()
        _BARRIER.set(barrier)
        return barrier


_BARRIER: ContextVar[AuditBarrier | None] = ContextVar("stafett_audit_barrier", default=None)
