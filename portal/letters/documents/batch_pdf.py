"""Rendering a batch of letters into one PDF, on every core, resumable.

The letters already exist (numbers assigned in one transaction before this runs). They are cut
into chunks of ~200; each chunk is one HTML document with a page break between letters, which
WeasyPrint lays out far faster than 200 separate documents. Worker processes write each chunk
to a part file named after the letters it holds and the template it was drawn with; a rerun
after an interruption skips the parts that exist, and the parts are merged with pypdf at the end.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from portal.extensions import current_session
from portal.letters.documents.pdf import STYLESHEET, render_part
from portal.letters.documents.render import base_url, letter_view, letters_html
from portal.letters.services.batch import letters_by_ids

CHUNK_SIZE = 200


@dataclass(frozen=True, slots=True)
class Part:
    index: int
    letter_ids: Sequence[int]
    path: Path


@dataclass(frozen=True, slots=True)
class BatchReport:
    letters: int
    parts: int
    rendered: int  # parts rendered in this run
    reused: int  # parts found from an earlier, interrupted run
    out: Path


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _design_digest() -> str:
    """Changes when the template or stylesheet change, so old parts are not reused."""
    template = Path(current_app.root_path) / "templates" / "letters" / "pdf_surat.html"
    digest = hashlib.sha256(template.read_bytes() + STYLESHEET.read_bytes())
    digest.update(current_app.config["PUBLIC_BASE_URL"].encode())
    return digest.hexdigest()


def plan_parts(letter_ids: Sequence[int], parts_dir: Path, *, chunk_size: int) -> list[Part]:
    design = _design_digest()
    parts = []
    for index, start in enumerate(range(0, len(letter_ids), chunk_size)):
        chunk = letter_ids[start : start + chunk_size]
        key = hashlib.sha256((design + ",".join(map(str, chunk))).encode()).hexdigest()[:16]
        parts.append(Part(index, chunk, parts_dir / f"{index:05d}-{key}.pdf"))
    return parts


def chunk_html(letter_ids: Sequence[int], *, title: str, sealed: bool = True) -> str:
    """One HTML document for a chunk (read from the database, QR codes drawn, template filled)."""
    base = base_url()
    letters = letters_by_ids(session=current_session(), ids=letter_ids)
    views = [letter_view(letter, base=base, sealed=sealed) for letter in letters]
    return letters_html(views, title=title)


def merge_parts(paths: Sequence[Path], out: Path, *, title: str) -> None:
    """One PDF from the parts, in order, written atomically, with title and language."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    for path in paths:
        writer.append(str(path))
    writer.add_metadata({"/Title": title, "/Author": "Dinas Tenaga Kerja Kota Bekasi"})
    writer.root_object[NameObject("/Lang")] = TextStringObject("id")
    partial = out.with_name(out.name + ".tmp")
    with partial.open("wb") as handle:
        writer.write(handle)
    os.replace(partial, out)


def render_batch(
    *,
    letter_ids: Sequence[int],
    out: Path,
    title: str,
    workers: int | None = None,
    chunk_size: int = CHUNK_SIZE,
    tagged: bool = False,
    keep_parts: bool = False,
    on_progress: Callable[[int], None] = lambda _letters: None,
) -> BatchReport:
    """Render the letters into `out`. Run it again after an interruption: done parts are kept."""
    workers = workers or default_workers()
    # A small batch is shared out evenly so every worker gets a piece.
    chunk_size = max(1, min(chunk_size, -(-len(letter_ids) // workers)))
    parts_dir = out.with_name(out.name + ".parts")
    parts_dir.mkdir(parents=True, exist_ok=True)
    for leftover in parts_dir.glob("*.tmp"):  # a part being written when the run was stopped
        leftover.unlink()
    parts = plan_parts(letter_ids, parts_dir, chunk_size=chunk_size)
    todo = [part for part in parts if not part.path.exists()]
    on_progress(sum(len(part.letter_ids) for part in parts) - sum(len(p.letter_ids) for p in todo))

    if workers <= 1:
        for part in todo:
            render_part(chunk_html(part.letter_ids, title=title), str(part.path), tagged)
            on_progress(len(part.letter_ids))
    elif todo:
        _render_in_pool(todo, title=title, workers=workers, tagged=tagged, on_progress=on_progress)

    merge_parts([part.path for part in parts], out, title=title)
    if keep_parts:
        wanted = {part.path for part in parts}
        for stale in parts_dir.glob("*.pdf"):
            if stale not in wanted:
                stale.unlink()
    else:
        shutil.rmtree(parts_dir, ignore_errors=True)
    return BatchReport(
        letters=len(letter_ids), parts=len(parts), rendered=len(todo), reused=len(parts) - len(todo), out=out
    )


def ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which lets running parts finish and stops."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _render_in_pool(
    todo: list[Part], *, title: str, workers: int, tagged: bool, on_progress: Callable[[int], None]
) -> None:
    """This process reads the database and fills the template; workers run WeasyPrint. At most
    two chunks per worker wait in the queue, so memory stays flat however large the batch."""
    context = multiprocessing.get_context("spawn")  # no inherited database connections
    pending: dict[Future, int] = {}

    def collect(block_until_below: int) -> None:
        while len(pending) >= block_until_below:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                future.result()  # a failed part stops the batch; finished parts stay on disk
                on_progress(pending.pop(future))

    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=ignore_interrupts) as pool:
        try:
            for part in todo:
                html = chunk_html(part.letter_ids, title=title)
                future = pool.submit(render_part, html, str(part.path), tagged)
                pending[future] = len(part.letter_ids)
                collect(workers * 2)
            collect(1)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
