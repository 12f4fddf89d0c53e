"""The test suite's clock: no test depends on the day it runs.

The session starts with the clock at `SIGAP_TEST_NOW` (an ISO date-time with its offset;
default below), still ticking; a test whose data has fixed dates asks for its own moment with
`@pytest.mark.clock("2026-02-10T09:00+07:00")`. Running the
suite with `SIGAP_TEST_NOW=2027-01-01T00:05+07:00` (or 29 February, or 31 December) proves that
nothing else depends on the day. Subprocesses started by tests follow the same clock through
tests/clock/sitecustomize.py.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import time_machine

DEFAULT_NOW = "2026-11-18T10:00:00+07:00"  # a Wednesday, a working day in Kota Bekasi
SITECUSTOMIZE_DIR = Path(__file__).parent / "clock"


def configured_now() -> datetime:
    moment = datetime.fromisoformat(os.environ.get("SIGAP_TEST_NOW") or DEFAULT_NOW)
    if moment.tzinfo is None:
        raise ValueError("SIGAP_TEST_NOW needs an offset, e.g. 2027-01-01T00:05:00+07:00")
    return moment


@contextmanager
def running_at(moment: datetime) -> Iterator[None]:
    """The clock at `moment` and ticking, in this process and in the subprocesses it starts."""
    escape = time_machine.escape_hatch
    real_now = escape.time.time() if escape.is_travelling() else time.time()
    previous = {name: os.environ.get(name) for name in ("SIGAP_TEST_CLOCK_SHIFT", "PYTHONPATH")}
    os.environ["SIGAP_TEST_CLOCK_SHIFT"] = repr(moment.timestamp() - real_now)
    paths = [str(SITECUSTOMIZE_DIR)] + [p for p in (previous["PYTHONPATH"] or "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    try:
        with time_machine.travel(moment, tick=True):
            yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
