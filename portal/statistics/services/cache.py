"""Which figures a worker serves: its memory, else the database's snapshot, else a count.

    memory copy counted less than `seconds` ago   -> served
    memory copy older                             -> served at once; one background refresh
    nothing in memory (a worker's first request)  -> the database's snapshot, whatever its age
                                                     (one row); older than `seconds`: one
                                                     background refresh
    no snapshot either (a new database)           -> counted inline and stored

A refresh first reads the snapshot again: when another worker stored figures less than
`seconds` old meanwhile, it takes those instead of counting. Otherwise it counts and stores; two
workers counting at once both store, and the one that started later wins (stats_snapshot.store).

Age is the figures' own computed_at against the wall clock, so the time a page shows is always
when its figures were counted. Since every worker holds the same figures, they would all find
them stale at the same moment and count at once; `spread` (a few random seconds per worker) lets
one go first and the others take its figures. With `seconds` <= 0 every request counts and
nothing is kept (tests, development).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from portal.core.base import utcnow


class Stamped(Protocol):
    @property
    def computed_at(self) -> datetime: ...


V = TypeVar("V", bound=Stamped)


class SnapshotCache(Generic[V]):
    """`load()`: the stored figures or None. `recount(keep)`: count now, and when `keep`, store
    what was counted (returning the newest figures stored). `spawn(work)`: run work in the
    background (None: refresh inline). `clock`: now, aware. `spread`: seconds this worker adds
    to `seconds` before it finds figures stale."""

    def __init__(
        self,
        seconds: float,
        *,
        load: Callable[[], V | None],
        recount: Callable[[bool], V],
        clock: Callable[[], datetime] = utcnow,
        spawn: Callable[[Callable[[], None]], None] | None = None,
        spread: float = 0.0,
    ) -> None:
        self.seconds = seconds
        self._max_age = timedelta(seconds=seconds + spread)
        self.clock = clock
        self._load = load
        self._recount = recount
        self._spawn = spawn
        self._lock = threading.Lock()  # guards _kept and _refreshing
        self._inline = threading.Lock()  # one inline load or count at a time per worker
        self._kept: V | None = None
        self._refreshing = False

    def get(self) -> V:
        if self.seconds <= 0:
            return self._recount(False)
        if (value := self._servable()) is not None:
            return value
        with self._inline:
            if (value := self._servable()) is not None:  # another thread got figures meanwhile
                return value
            stored = self._load()
            if stored is not None:
                with self._lock:
                    self._adopt(stored)
                if (value := self._servable()) is not None:
                    return value
            counted = self._recount(True)  # a new database (or stale and no background threads)
            with self._lock:
                return self._adopt(counted)

    @property
    def refreshing(self) -> bool:
        with self._lock:
            return self._refreshing

    def clear(self) -> None:
        """Forget the memory copy (the database's snapshot stays)."""
        with self._lock:
            self._kept = None

    def _fresh(self, value: V) -> bool:
        return self.clock() - value.computed_at < self._max_age

    def _servable(self) -> V | None:
        """The memory copy when fresh, or when stale and a background refresh can replace it
        (started here unless one runs already)."""
        with self._lock:
            kept = self._kept
            if kept is None:
                return None
            stale = not self._fresh(kept)
            spawn = self._spawn
            if stale and spawn is None:
                return None
            start = stale and not self._refreshing
            self._refreshing = self._refreshing or start
        if start and spawn is not None:  # stale with no spawn returned above
            try:
                spawn(self._refresh)
            except Exception:
                with self._lock:
                    self._refreshing = False
                raise
        return kept

    def _adopt(self, value: V) -> V:
        """Keep the newer of the memory copy and `value`. Called with _lock held."""
        if self._kept is None or value.computed_at >= self._kept.computed_at:
            self._kept = value
        return self._kept

    def _refresh(self) -> None:
        try:
            stored = self._load()
            value = stored if stored is not None and self._fresh(stored) else self._recount(True)
            with self._lock:
                self._adopt(value)
        except Exception:  # keep serving the old figures; the next stale request tries again
            logging.getLogger("portal").exception("statistics refresh failed")
        finally:
            with self._lock:
                self._refreshing = False
