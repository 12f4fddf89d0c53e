"""Static files under content-hashed names, kept a year; htmx from the portal itself on request
(issue 18, point 18). Every page re-checked portal.css (`no-cache`): one round trip a page on a
slow link, and htmx came from a third party."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest

from portal.config import HTMX_CDN_SRI, HTMX_CDN_URL
from tests.helpers import parse

STATIC = Path(__file__).parents[2] / "portal" / "static"
IMMUTABLE = "public, max-age=31536000, immutable"


def _assets(page) -> list[str]:
    return [tag.get("href") or tag.get("src") for tag in page.select("link[rel=stylesheet], script[src]")]


def test_pages_name_static_files_by_their_content_and_they_are_kept_a_year(client):
    page = parse(client.get("/cek-status"))
    own = [url for url in _assets(page) if url.startswith("/static/")]
    assert len(own) == 2  # portal.css and portal.js (htmx from the CDN by default)
    for url in own:
        named = re.fullmatch(r"/static/(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.\w+)", url)
        assert named is not None, url
        content = (STATIC / (named["stem"] + named["suffix"])).read_bytes()
        assert named["digest"] == hashlib.sha256(content).hexdigest()[:12]
        response = client.get(url)
        assert response.status_code == 200 and response.data == content
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/static/css/portal.css", "/static/css/portal.000000000000.css"], ids=["no hash", "old hash"]
)
def test_a_name_without_the_current_hash_is_served_but_checked_again(client, path):
    """An old bookmark, or a page from before a deploy: the current file, not kept."""
    response = client.get(path)
    assert response.status_code == 200 and response.data == (STATIC / "css" / "portal.css").read_bytes()
    assert response.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize(
    "path", ["/static/css/tidak-ada.css", "/static/css/tidak-ada.0123456789ab.css", "/static/../config.py"]
)
def test_nothing_else_is_served(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("app_config", [{"HTMX_URL": "self"}], ids=["HTMX_URL=self"])
def test_self_hosted_htmx_is_the_cdn_build_served_by_the_portal(client):
    response = client.get("/cek-status")
    script = next(s for s in parse(response).select("script[src]") if "htmx" in s["src"])
    assert re.fullmatch(r"/static/vendor/htmx-2\.0\.11\.min\.[0-9a-f]{12}\.js", script["src"])
    # Byte for byte the CDN's file: the SRI hash of the file is the one published for the CDN.
    served = client.get(script["src"])
    assert served.headers["Cache-Control"] == IMMUTABLE
    assert script["integrity"] == HTMX_CDN_SRI
    assert "sha384-" + base64.b64encode(hashlib.sha384(served.data).digest()).decode() == HTMX_CDN_SRI
    # No third party left in the page or its policy.
    assert HTMX_CDN_URL not in response.get_data(as_text=True)
    assert "cdn.jsdelivr.net" not in response.headers["Content-Security-Policy"]
