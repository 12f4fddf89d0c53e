"""What WeasyPrint may load while it makes a PDF: the portal's own static files and data: URLs.

Every PDF (letters, receipts) is made from the portal's templates, with residents' text escaped;
nothing in them needs the network or any other file. A fetcher that refuses everything else is
the second layer: a template mistake or a markup injection could otherwise read a local file
(file:///…) into a PDF or make the server call an address of the attacker's choosing.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC = (Path(__file__).resolve().parents[1] / "static").resolve()


class PortalAssetsOnly(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types: URLFetcher is Any
    """WeasyPrint's documented extension point (a URLFetcher subclass with its own fetch)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=5)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.lower().startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not path.is_relative_to(STATIC):
                raise ValueError(f"not one of the portal's own files: {path.name}")
        return super().fetch(url, headers)
