"""Run a function of bytes in a forked child with a CPU-time and memory limit, so that no input,
however crafted, holds the calling web worker for longer than the limit (a decoder's slow path,
a decompression bomb in a PDF, a bug in a C library: the child is ended, the worker goes on).

The child is a fork (a few milliseconds, no re-import): it sets its limits, runs the function,
sends the result back through a pipe and exits without running the parent's clean-up (database
connections inherited from the worker are never touched). A child that uses up its CPU time is
ended by SIGPROF (interval timer on CPU time, sub-second) and, as a backstop, RLIMIT_CPU; one
that asks for more memory than allowed gets MemoryError; one still running after `wall_seconds`
(a machine so busy that it gets no CPU) is killed by the parent.
"""

from __future__ import annotations

import fcntl
import math
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_FORK = multiprocessing.get_context("fork")


class Overrun(Exception):
    """The work did not finish within its limits (`what`: "cpu", "memory" or "wall")."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass(frozen=True, slots=True)
class Limits:
    cpu_seconds: float
    memory_bytes: int  # on top of what the worker already has mapped
    wall_seconds: float


def run_bounded(func: Callable[[bytes], T], data: bytes, *, limits: Limits) -> tuple[T, float]:
    """func(data) in a child: (its result, the child's CPU seconds). An exception of func is
    raised here again; a child over its limits raises Overrun."""
    receiver, sender = _FORK.Pipe(duplex=False)
    child = _FORK.Process(target=_child, args=(func, data, sender, limits), daemon=True)
    child.start()
    sender.close()
    started = time.monotonic()
    try:
        if not receiver.poll(limits.wall_seconds):
            child.kill()
            raise Overrun("wall")
        try:
            outcome, value, cpu = receiver.recv()
        except EOFError:  # ended by a signal: its CPU time ran out (or it was killed)
            raise Overrun("cpu") from None
    finally:
        receiver.close()
        child.join(max(0.0, limits.wall_seconds - (time.monotonic() - started)) + 1)
        if child.is_alive():
            child.kill()
            child.join()
    if outcome == "memory":
        raise Overrun("memory")
    if outcome == "error":
        raise value
    return value, cpu


@contextmanager
def slot(directory: Path, *, slots: int, wait_seconds: float) -> Iterator[bool]:
    """One of `slots` places shared by every process on this machine (an exclusive flock on one
    of `slots` files in `directory`; the kernel frees it when its holder ends, even by SIGKILL).
    Yields True while holding one, or False when none came free within `wait_seconds`."""
    directory.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    while True:
        for number in range(slots):
            handle = os.open(directory / f"slot-{number}", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(handle)
                continue
            try:
                yield True
            finally:
                os.close(handle)  # closing the last descriptor releases the lock
            return
        if time.monotonic() >= deadline:
            yield False
            return
        time.sleep(0.05)


def _child(func: Callable[[bytes], object], data: bytes, sender: Connection, limits: Limits) -> None:
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(signum, signal.SIG_DFL)  # not the web worker's handlers
    signal.signal(signal.SIGPROF, signal.SIG_DFL)  # default action: end the process
    mapped = _mapped_bytes()
    if mapped is not None:
        total = mapped + limits.memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (total, total))
    used = resource.getrusage(resource.RUSAGE_SELF)
    already = used.ru_utime + used.ru_stime
    hard = math.ceil(already + limits.cpu_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (hard, hard + 1))
    signal.setitimer(signal.ITIMER_PROF, limits.cpu_seconds)
    try:
        result = ("ok", func(data), None)
    except MemoryError:
        result = ("memory", None, None)
    except Exception as error:  # noqa: BLE001 (given to the parent as it is)
        result = ("error", error, None)
    signal.setitimer(signal.ITIMER_PROF, 0)
    end = resource.getrusage(resource.RUSAGE_SELF)
    outcome, value, _ = result
    try:
        sender.send((outcome, value, end.ru_utime + end.ru_stime - already))
    except Exception:  # noqa: BLE001 (an exception that cannot be pickled)
        sender.send(("error", RuntimeError(repr(value)), 0.0))
    sender.close()
    os._exit(0)  # no atexit, no finalizers: the worker's connections stay the worker's


def _mapped_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
