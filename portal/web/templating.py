"""What every template gets: htmx source, language links, Indonesian dates and rupiah."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from babel.numbers import format_currency
from flask import Flask, g, request, url_for
from flask_babel import format_date, format_decimal, get_locale

from portal.core.references import format_access_code
from portal.web.contact import current_contact
from portal.web.static_files import HTMX_SELF_HOSTED, subresource_integrity


def rupiah(amount: int) -> str:
    """Rp 16.800 in every language of the page: rupiah as written in Indonesia, whole rupiah,
    with the space the pages have always shown (CLDR's id pattern has none: "Rp16.800")."""
    return format_currency(amount, "IDR", format="¤ #,##0", locale="id_ID", currency_digits=False)


def long_date(value: date | None) -> str:
    return format_date(value, "d MMMM y") if value else ""


def file_size(size: int) -> str:
    """Whole KB below a megabyte (a small file is "1 KB", not "0 KB"), then MB with one decimal
    in the reader's number format ("1,2 MB" in Indonesian). Nothing yet is "0 KB" (a progress
    line reading "1 KB dari 1 KB (0%)" was not believable)."""
    if size <= 0:
        return "0 KB"
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{format_decimal(round(size / (1024 * 1024), 1))} MB"


def nik_groups(value: str | None) -> str:
    """A NIK as four groups of four digits ("3275 0142 0190 0001"), as on the KTP, for proofreading
    on the pages that show back what was typed; anything else unchanged."""
    if value and len(value) == 16 and value.isascii() and value.isdigit():
        return " ".join(value[i : i + 4] for i in range(0, 16, 4))
    return value or ""


def combine_args(args: dict, **changes) -> dict:
    """Query arguments with some changed (None removes one): links that keep the other filters.
    Names url_for reads itself (`_method`, `_external`, `_anchor`, `_scheme`) never come from a
    visitor's address: `?_method=DELETE` would make every such link fail to build."""
    merged = {k: v for k, v in dict(args).items() if v not in (None, "") and not k.startswith("_")}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def show_page(endpoint: str, **values: object) -> None:
    """The GET page a POST's answer shows (for its language links)."""
    g.shown_page = (endpoint, values)


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["rupiah"] = rupiah
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["file_size"] = file_size
    app.jinja_env.filters["combine_args"] = combine_args
    app.jinja_env.filters["nik_groups"] = nik_groups
    app.jinja_env.filters["access_code"] = format_access_code  # "CBD3-C8JX", on every page and slip

    def htmx_source() -> tuple[str, str]:
        """(URL, SRI) of htmx: the configured address, or with HTMX_URL=self the copy shipped in
        portal/static/vendor (content-hashed name, kept a year, no connection to a third party)."""
        if app.config["HTMX_URL"] == "self":
            folder = Path(app.static_folder or "")
            return url_for("static", filename=HTMX_SELF_HOSTED), subresource_integrity(folder, HTMX_SELF_HOSTED)
        return app.config["HTMX_URL"], app.config["HTMX_SRI"]

    @app.context_processor
    def _globals():
        def url_for_language(language: str) -> str:
            if request.endpoint is None or request.url_rule is None:
                return url_for("home.index", lang=language)
            if "GET" not in (request.url_rule.methods or ()):
                # The answer to a POST-only address (a refused action shown on its page): the
                # page it shows, never a GET on an address that only takes POST (405).
                shown = g.get("shown_page")
                return url_for(shown[0], **shown[1], lang=language) if shown else url_for("home.index", lang=language)
            args = {**(request.view_args or {}), "lang": language}
            return url_for(request.endpoint, **args)

        htmx_url, htmx_sri = htmx_source()
        return {
            "htmx_url": htmx_url,
            "htmx_sri": htmx_sri,
            "current_language": str(get_locale() or "id"),
            "url_for_language": url_for_language,
            "site_contact": current_contact,  # called only by the templates that show it
        }
