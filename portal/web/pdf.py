"""HTML templates to PDF with WeasyPrint (fonts from the system: DejaVu/Liberation, no downloads)."""

from __future__ import annotations

from flask import Response, render_template


def render_pdf(template: str, *, filename: str, **context) -> Response:
    from weasyprint import HTML

    from portal.core.pdf_assets import PortalAssetsOnly

    html = render_template(template, **context)
    pdf = HTML(string=html, url_fetcher=PortalAssetsOnly()).write_pdf(pdf_variant="pdf/ua-1")
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
