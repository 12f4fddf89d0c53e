"""Where a letter batch's parts and its merged PDF are kept: LETTER_BATCH_DIR, one folder per job.
(The shared file store of issue 14 replaces the folder, so that every node reaches them.)"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from flask import current_app

MERGED = "surat.pdf"


def _base() -> Path:
    configured = current_app.config.get("LETTER_BATCH_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "letter-batches"


def part_name(index: int) -> str:
    return f"part-{index:05d}.pdf"


def put(job_id: str, name: str, data: bytes) -> None:
    """Atomically: a file is whole or absent."""
    folder = _base() / job_id
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = folder / f"{name}.{os.getpid()}.tmp"
    partial.write_bytes(data)
    os.replace(partial, folder / name)


def put_file(job_id: str, name: str, source: Path) -> int:
    folder = _base() / job_id
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = folder / f"{name}.{os.getpid()}.tmp"
    shutil.copyfile(source, partial)
    os.replace(partial, folder / name)
    return (folder / name).stat().st_size


@contextmanager
def local_copy(job_id: str, name: str) -> Iterator[Path]:
    """A path to read the file from (the folder's own file; a store elsewhere would copy it)."""
    path = _base() / job_id / name
    if not path.is_file():
        raise FileNotFoundError(name)
    yield path


def open_merged(job_id: str) -> BinaryIO | None:
    path = _base() / job_id / MERGED
    return path.open("rb") if path.is_file() else None


def delete(job_id: str, names: list[str] | None = None) -> None:
    """The named files of a job, or all of them."""
    folder = _base() / job_id
    if names is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for name in names:
        (folder / name).unlink(missing_ok=True)
