"""Static files under content-hashed names, kept for a year by every cache.

`url_for('static', filename='css/portal.css')` gives `/static/css/portal.3f2a9c1b7e04.css`: the
first 12 hex digits of the file's SHA-256. A changed file gets a new name, so a name never
changes content and the answer may be kept for ever (`Cache-Control: public, max-age=31536000,
immutable`): a repeat visit asks for nothing but the page. Without a hash (`/static/css/portal.css`,
an old bookmark) or with a hash that is no longer the file's (a page from before a deploy), the
current file is served with `no-cache` as before. nginx serves the same names from the package
folder (deploy/nginx/sigap.conf strips the hash); docs/operations.md, "Static files".

The digest of a file is computed again when its size or modification time changes, so a
development server picks up an edited stylesheet at once; in production the files never change.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from flask import Flask, Response, abort, send_from_directory

IMMUTABLE = "public, max-age=31536000, immutable"
# HTMX_URL=self: the CDN's build byte for byte (its SRI is config.HTMX_CDN_SRI), shipped here.
HTMX_SELF_HOSTED = "vendor/htmx-2.0.11.min.js"
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.[A-Za-z0-9]+)$")
_digests: dict[Path, tuple[tuple[int, int], str, str]] = {}


def _digest(path: Path) -> tuple[str, str] | None:
    """(12 hex digits of the SHA-256, the SRI sha384) of a file, or None if there is no file."""
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (stat.st_size, stat.st_mtime_ns)
    known = _digests.get(path)
    if known is None or known[0] != key:
        data = path.read_bytes()
        sri = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
        known = (key, hashlib.sha256(data).hexdigest()[:12], sri)
        _digests[path] = known
    return known[1], known[2]


def _inside(folder: Path, filename: str) -> Path | None:
    path = (folder / filename).resolve()
    return path if path.is_relative_to(folder.resolve()) and path.is_file() else None


def hashed_name(folder: Path, filename: str) -> str:
    """css/portal.css → css/portal.3f2a9c1b7e04.css (unchanged if there is no such file)."""
    path = _inside(folder, filename)
    found = _digest(path) if path else None
    if found is None:
        return filename
    stem, dot, suffix = filename.rpartition(".")
    return f"{stem}.{found[0]}.{suffix}" if dot else filename


def subresource_integrity(folder: Path, filename: str) -> str:
    """The SRI hash (sha384-…) of a static file, for a self-hosted script."""
    path = _inside(folder, filename)
    found = _digest(path) if path else None
    if found is None:
        raise FileNotFoundError(filename)
    return found[1]


def init_app(app: Flask) -> None:
    folder = Path(app.static_folder or "")

    @app.url_defaults
    def _hashed_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and isinstance(values.get("filename"), str):
            values["filename"] = hashed_name(folder, values["filename"])

    def serve_static(filename: str) -> Response:
        """The file; for a name with its current hash, kept for a year."""
        named = _HASHED.match(filename)
        if named is not None:
            original = named["stem"] + named["suffix"]
            path = _inside(folder, original)
            if path is not None:
                current = _digest(path)
                response = send_from_directory(folder, original, max_age=None)
                if current is not None and current[0] == named["digest"]:
                    response.cache_control.no_cache = None
                    response.headers["Cache-Control"] = IMMUTABLE
                return response
        if _inside(folder, filename) is None:
            abort(404)
        return send_from_directory(folder, filename, max_age=None)

    app.view_functions["static"] = serve_static
