"""A stored file sent as a download (portal.core.files), streamed from whichever store holds it.

The same answer from every store and every node: the stored size as Content-Length, the caller's
ETag (a content hash, not a file time that differs per node) and Last-Modified, ranges (the
reader seeks), `Cache-Control: no-store` (every stored file is someone's), and a 404 when the
file is not there. The reader is closed by the WSGI server once the body is sent.
"""

from __future__ import annotations

from datetime import datetime

from flask import Response, abort, request, send_file

from portal.core.files import FileMissing, FileStore


def send_stored(
    store: FileStore,
    key: str,
    *,
    mimetype: str,
    download_name: str,
    etag: str | None = None,
    last_modified: datetime | None = None,
) -> Response:
    found = store.info(key)
    if found is None:
        abort(404)
    try:
        reader = store.open(key)
    except FileMissing:  # deleted since
        abort(404)
    response = send_file(
        reader,
        mimetype=mimetype,
        as_attachment=True,
        download_name=download_name,
        max_age=0,
        conditional=False,
        etag=etag or False,
        last_modified=last_modified or found.created_at,
    )
    response.content_length = found.size
    response.make_conditional(request, accept_ranges=True, complete_length=found.size)  # returns itself
    response.headers["Cache-Control"] = "no-store"
    return response
