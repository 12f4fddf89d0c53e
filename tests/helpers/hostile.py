"""Shared by the security tests: hostile input, forms read from the page they are on, and what every
answer to hostile input must look like."""

from __future__ import annotations

import base64
import hashlib

import sqlalchemy as sa
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from portal.extensions import db
from portal.models import (
    Account,
    AssistanceEvent,
    AssistanceRequest,
    Attachment,
    Complaint,
    ComplaintEvent,
    Letter,
    Person,
    ResponseTemplate,
    RosterImportBatch,
)
from tests.helpers import parse

# Modest on purpose: the whole folder runs in a few minutes on two shared cores.
FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
NO_RATE_LIMITS = {"RATELIMIT_ENABLED": False}

SQL = [
    "' OR '1'='1",
    "'; DROP TABLE complaint; --",
    "1 UNION SELECT password_hash FROM account--",
    "\\",
    "%",
    "_%",
    "' AND SLEEP(5)--",
    "admin'--",
]
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "<svg/onload=alert(1)>",
    "{{ 7*7 }}",
    "{% include 'base.html' %}",
    "${7*7}",
    "</textarea><b>x</b>",
    "' onmouseover='alert(1)",
]
NIK_LIKE = [
    "3275010101900001",
    "3275 0101-0190.0001",
    "327501010190000",
    "32750101019000011",
    "0000000000000000",
    "3275013213900001",
    "3275010101900000",
    "９２７５０１０１０１９０００１",
    "٣٢٧٥٠١٠١٠١٩٠٠٠١",
    "²" * 16,
    "1e16",
    "-3275010101900001",
    "9" * 40,
]
ODD = [
    "",
    " ",
    "\t\r\n",
    "\u200b",
    "\ufeff",
    "\u202eabc",
    "İ",
    "ß",
    "\x7f",
    "\x1b[31m",
    "\r\nSet-Cookie: x=1",
    "../../etc/passwd",
    "%00",
    "\x00",
    "a\x00b",
]
HUGE = [c * 100_000 for c in ("x", "9", "<")] + ["é" * 50_000]  # about 100 KB each


SAMPLE_ARGS = {"reference": "SGP-2026-000001", "code": "7K3MQ9PX2D4FHT6W", "name": "ringkasan", "action": "catatan"}


def sample_path(rule, **overrides) -> str:
    """A URL for a rule of the URL map: known arguments get a plausible value, any other one 1."""
    values = {name: overrides.get(name, SAMPLE_ARGS.get(name, 1)) for name in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def hostile_text() -> st.SearchStrategy[str]:
    """Arbitrary Unicode (control characters and NUL included), huge values, malformed NIKs, SQL and
    HTML/script payloads."""
    return st.one_of(
        st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
        st.sampled_from(SQL + MARKUP + NIK_LIKE + ODD),
        st.sampled_from(HUGE),
    )


def field_values(
    defaults: dict[str, str], *, keep: tuple[str, ...] = ("csrf_token",), most: int = 3
) -> st.SearchStrategy[dict[str, str]]:
    """The usable values with up to `most` fields made hostile: near-valid forms reach the code
    behind validation (storing, showing back) as well as the refusals."""
    names = sorted(name for name in defaults if not any(name == k or name.endswith("-" + k) for k in keep))

    @st.composite
    def values(draw) -> dict[str, str]:
        chosen = draw(st.sets(st.sampled_from(names), max_size=most)) if names else set()
        return {name: draw(hostile_text()) if name in chosen else value for name, value in defaults.items()}

    return values()


def form_defaults(page: BeautifulSoup, action: str) -> dict[str, str]:
    """The fields of the form posting to `action`, with what the page puts in them (the first choice
    of radios and selects)."""
    form = page.find("form", action=action)
    assert form is not None, f"no form posting to {action}"
    fields: dict[str, str] = {}
    for element in form.select("input[name], textarea[name], select[name]"):
        name, kind = element["name"], element.get("type", "text")
        if kind in ("submit", "button", "file") or name in fields:
            continue
        if element.name == "select":
            options = [o.get("value", "") for o in element.select("option") if o.get("value")]
            fields[name] = options[0] if options else ""
        elif element.name == "textarea":
            fields[name] = element.get_text()
        elif kind in ("radio", "checkbox"):
            fields[name] = element.get("value", "y")
        else:
            fields[name] = element.get("value", "")
    return fields


def fill(defaults: dict[str, str], usable: dict[str, str]) -> dict[str, str]:
    """Usable values for the fields whose name ends with a key of `usable` (prefixes like "catatan-")."""
    filled = dict(defaults)
    for name in filled:
        for suffix, value in usable.items():
            if name == suffix or name.endswith("-" + suffix):
                filled[name] = value
    return filled


def business_rows() -> dict[str, int]:
    """How many rows the tables that hold residents' and officers' data have: a rejected request must
    not change any of them."""
    models = (
        Complaint,
        ComplaintEvent,
        Attachment,
        AssistanceRequest,
        AssistanceEvent,
        Account,
        ResponseTemplate,
        Person,
        Letter,
        RosterImportBatch,
    )
    db.session.expire_all()
    return {m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in models}


def clear_message(page: BeautifulSoup) -> str:
    """The message a refused request shows: the form's error summary, the error page, or a "not
    found" answer (an unknown letter code)."""
    summary = page.select_one(".error-summary")
    if summary is not None:
        return " ".join(item.get_text(" ", strip=True) for item in summary.select("li, p"))
    message = page.select_one(".error-page p, .result-none p")
    return message.get_text(" ", strip=True) if message is not None else ""


def _script_hashes(policy: str) -> set[str]:
    """The inline scripts a page's Content-Security-Policy names by their hash (the offline verifier)."""
    for directive in policy.split(";"):
        name, _, sources = directive.strip().partition(" ")
        if name == "script-src":
            return {source.strip("'") for source in sources.split() if source.startswith("'sha256-")}
    return set()


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def assert_no_injected_markup(page: BeautifulSoup, policy: str = "") -> None:
    """Whatever was typed comes back as text: no script without src (but JSON data blocks, and the
    page's own script whose hash its policy names), no event-handler attribute."""
    allowed = _script_hashes(policy)
    inline = [
        s
        for s in page.find_all("script")
        if not s.get("src") and s.get("type") != "application/json" and _sha256(s.string or "") not in allowed
    ]
    assert inline == [], f"inline script on the page: {inline[:1]}"
    handlers = [(tag.name, attr) for tag in page.find_all(True) for attr in tag.attrs if attr.startswith("on")]
    assert handlers == [], f"event handler attributes: {handlers[:3]}"


def assert_handled(response, *, rows_before: dict[str, int] | None = None, what: str = "") -> BeautifulSoup | None:
    """Never a 500; a refusal says why in plain words and writes nothing; a redirect stays on the site."""
    what = f"{what} {response.status_code}".strip()
    assert response.status_code < 500, what
    page = parse(response) if response.mimetype == "text/html" else None
    if page is not None:
        assert_no_injected_markup(page, response.headers.get("Content-Security-Policy", ""))
        if page.select(".error-message"):
            assert page.select_one(".error-summary") is not None, f"{what}: field errors without an error summary"
    if 300 <= response.status_code < 400:
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), f"{what}: {location}"
    if response.status_code >= 400 and response.mimetype == "application/json":  # Open311: its error format
        assert all(error.get("description") for error in response.get_json()), f"{what}: no description"
    elif response.status_code >= 400:
        assert page is not None, f"{what}: no HTML page"
        assert len(clear_message(page)) >= 10, f"{what}: no clear message"
        if rows_before is not None:
            assert business_rows() == rows_before, f"{what}: a refused request changed stored data"
    return page


def assert_security_headers(response, what: str, *, camera: bool = False) -> None:
    """`camera`: the page may ask for the camera of its own origin (the offline verifier scans QR codes)."""
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in policy.split(";") if d.strip())
    assert directives.get("default-src") == "'self'", what
    assert directives.get("frame-ancestors") == "'none'", what
    assert directives.get("object-src") == "'none'" and directives.get("base-uri") == "'none'", what
    assert "'unsafe-inline'" not in directives.get("script-src", "") and "'unsafe-eval'" not in policy, what
    assert directives.get("form-action") == "'self'", what
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin"), what
    assert ("camera=(self)" if camera else "camera=()") in headers.get("Permissions-Policy", ""), what
    assert "Strict-Transport-Security" not in headers, what  # only outside development, over HTTPS
