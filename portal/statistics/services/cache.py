"""Which figures a web worker serves. A web worker never counts in the background: counting is
the task queue's work (portal.statistics.tasks), and the worker only reads what was stored.

    memory copy counted less than `seconds` ago   -> served
    memory copy older, or none                    -> the database's snapshot is read again (one
                                                     row), at most once per `seconds` per worker;
                                                     in between the memory copy is served as is
    the snapshot read is fresh                    -> kept and served
    the snapshot read is stale (or unreadable)    -> a recount is asked of the task queue
                                                     (`ask_refresh`) and the newest figures at
                                                     hand are served at once
    no snapshot and nothing in memory             -> counted inline and stored (a new database,
                                                     or a snapshot that cannot be read: only the
                                                     first request waits)

So a request never waits for a count once any figures exist, and between reads a worker costs
the database nothing. The periodic task `refresh_figures` keeps the snapshot fresh every minute;
`ask_refresh` only matters when the consumers fell behind or STATS_CACHE_SECONDS is below a
minute. A queue that is down costs nothing but freshness: `ask_refresh` must not raise (the
portal's `enqueue` logs and answers False), and figures keep being served.

How old can served figures get? A worker reads the snapshot at most once per `seconds`, and what
it reads may itself be up to `seconds` old (else it asks for a recount), so the figures a page
shows are under 2 × `seconds` old plus however long the queue takes to count. The time a page
shows is always the figures' own computed_at, never when they were read.

Every worker reads the snapshot when its copy ages; `spread` (a few random seconds per worker)
keeps them from all reading (and asking) in the same second. With `seconds` <= 0 every request
counts and nothing is kept (tests, development).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from portal.core.base import utcnow

log = logging.getLogger("portal")


class Stamped(Protocol):
    @property
    def computed_at(self) -> datetime: ...


V = TypeVar("V", bound=Stamped)


class SnapshotCache(Generic[V]):
    """`load()`: the stored figures or None. `count(keep)`: count now, and when `keep`, store
    what was counted (returning the newest figures stored); only for a database without figures
    and for `seconds` <= 0. `ask_refresh()`: ask the task queue for a recount (must not raise;
    its answer is ignored). `clock`: now, aware. `spread`: seconds this worker adds to `seconds`
    before it finds figures stale."""

    def __init__(
        self,
        seconds: float,
        *,
        load: Callable[[], V | None],
        count: Callable[[bool], V],
        ask_refresh: Callable[[], object],
        clock: Callable[[], datetime] = utcnow,
        spread: float = 0.0,
    ) -> None:
        self.seconds = seconds
        self._max_age = timedelta(seconds=seconds + spread)
        self._reread = timedelta(seconds=seconds)
        self.clock = clock
        self._load = load
        self._count = count
        self._ask_refresh = ask_refresh
        self._lock = threading.Lock()  # guards _kept and _read_at
        self._reading = threading.Lock()  # one read (or first count) at a time per worker
        self._kept: V | None = None
        self._read_at: datetime | None = None  # when this worker last read the snapshot

    def get(self) -> V:
        if self.seconds <= 0:
            return self._count(False)
        kept = self._servable()
        if kept is not None:
            return kept
        # Stale and due for a read, or nothing in memory. A thread that has figures does not wait
        # for another's read: it serves what it has.
        with self._lock:
            kept = self._kept
        if not self._reading.acquire(blocking=kept is None):
            return kept  # type: ignore[return-value]  # not blocking only when kept is not None
        try:
            if (kept := self._servable()) is not None:  # another thread read meanwhile
                return kept
            return self._read()
        finally:
            self._reading.release()

    @property
    def kept(self) -> V | None:
        with self._lock:
            return self._kept

    def clear(self) -> None:
        """Forget the memory copy (the database's snapshot stays), as a restarted worker would."""
        with self._lock:
            self._kept = None
            self._read_at = None

    def _fresh(self, value: V) -> bool:
        return self.clock() - value.computed_at < self._max_age

    def _servable(self) -> V | None:
        """The memory copy when fresh, or when stale but read from the database too recently to
        read again; None when the snapshot should be read."""
        with self._lock:
            kept, read_at = self._kept, self._read_at
        if kept is None:
            return None
        if self._fresh(kept):
            return kept
        if read_at is not None and self.clock() - read_at < self._reread:
            return kept
        return None

    def _read(self) -> V:
        """Read the snapshot (one row); ask for a recount if it is stale. Called with _reading held."""
        now = self.clock()
        stored = self._load()
        with self._lock:
            self._read_at = now
            if stored is not None:
                self._adopt(stored)
            kept = self._kept
        if kept is None:  # a new database (or a snapshot nobody can read): the one inline count
            counted = self._count(True)
            with self._lock:
                return self._adopt(counted)
        if stored is None or not self._fresh(kept):
            self._ask()
        return kept

    def _ask(self) -> None:
        try:
            self._ask_refresh()
        except Exception:  # the page is served all the same; the next read asks again
            log.exception("statistics refresh not asked for")

    def _adopt(self, value: V) -> V:
        """Keep the newer of the memory copy and `value`. Called with _lock held."""
        if self._kept is None or value.computed_at >= self._kept.computed_at:
            self._kept = value
        return self._kept
