"""HTML to PDF for letters with WeasyPrint, without Flask: also what batch worker processes run.

The stylesheet is parsed once per process (and thread) with its font configuration; fonts are
Debian's DejaVu and Liberation, found through fontconfig, never downloaded. Only WeasyPrint's
public API is used: its own user-agent stylesheet, and the letter's through `stylesheets=`.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "letter.css"
_cache = threading.local()


def _stylesheet():
    """(CSS, FontConfiguration), parsed on first use in this thread."""
    cached = getattr(_cache, "stylesheet", None)
    if cached is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from portal.core.pdf_assets import PortalAssetsOnly

        fonts = FontConfiguration()
        cached = (CSS(filename=str(STYLESHEET), font_config=fonts, url_fetcher=PortalAssetsOnly()), fonts)
        _cache.stylesheet = cached
    return cached


def html_to_pdf(html: str, *, tagged: bool = True) -> bytes:
    """A PDF of the letter HTML: tagged PDF/UA-1 (title and language from the HTML) by default."""
    stylesheet, fonts = _stylesheet()
    from weasyprint import HTML

    from portal.core.pdf_assets import PortalAssetsOnly

    page = HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=PortalAssetsOnly())
    return page.write_pdf(stylesheets=[stylesheet], font_config=fonts, pdf_variant="pdf/ua-1" if tagged else None)


def render_part(html: str, path: str, tagged: bool) -> int:
    """Batch worker: render one chunk to `path`, atomically (a part file is whole or absent)."""
    data = html_to_pdf(html, tagged=tagged)
    partial = f"{path}.{os.getpid()}.tmp"
    with open(partial, "wb") as handle:
        handle.write(data)
    os.replace(partial, path)
    return len(data)
