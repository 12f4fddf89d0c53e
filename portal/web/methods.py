"""Only POST changes anything: the one place that makes every other method read-only.

Werkzeug answers HEAD with the GET view, so a view that tested `request.method == "GET"` ran its
POST branch for HEAD, where Flask-WTF checks no CSRF token and POST-only rate limits count
nothing. Below the application, a HEAD becomes a GET whose body is dropped on the way out, and
every request but POST loses its body before Flask sees it: whatever branch a view takes, only
a POST can carry a form. Methods no route declares (PUT, PATCH, DELETE…) stay 405s.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class OnlyPostCarriesAForm:
    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if method == "POST":
            return self.app(environ, start_response)
        environ = {**environ, "wsgi.input": io.BytesIO(b""), "CONTENT_LENGTH": "0"}
        environ.pop("CONTENT_TYPE", None)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        if method != "HEAD":
            return self.app(environ, start_response)
        environ["REQUEST_METHOD"] = "GET"
        body = self.app(environ, start_response)
        close = getattr(body, "close", None)
        if close is not None:
            close()
        return []
