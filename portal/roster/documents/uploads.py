"""Roster files uploaded by admins, kept until their background import is done: a folder beside
ROSTER_REJECTS_DIR. (The shared file store of issue 14 replaces the folder, so that the consumer
that imports may run on another node than the web server that received the file.)"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import BinaryIO

from flask import current_app

CHUNK = 1 << 20


def _folder() -> Path:
    configured = current_app.config.get("ROSTER_REJECTS_DIR")
    base = Path(configured) if configured else Path(current_app.instance_path) / "rejects"
    return base.parent / (base.name + "-unggahan")


def keep(job_id: str, stream: BinaryIO) -> int:
    """The upload, copied in 1 MiB pieces (never whole in memory); its size in bytes."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = folder / f"{job_id}.csv.{os.getpid()}.tmp"
    with partial.open("wb") as out:
        shutil.copyfileobj(stream, out, CHUNK)
    os.replace(partial, folder / f"{job_id}.csv")
    return (folder / f"{job_id}.csv").stat().st_size


def open_kept(job_id: str) -> BinaryIO | None:
    path = _folder() / f"{job_id}.csv"
    return path.open("rb") if path.is_file() else None


def forget(job_id: str) -> None:
    (_folder() / f"{job_id}.csv").unlink(missing_ok=True)
