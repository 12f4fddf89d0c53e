"""The layering and conventions, checked on the code itself."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1] / "portal"
WEB_ONLY = {"request", "session", "render_template", "redirect", "url_for", "flash", "g", "abort", "make_response"}


def imports_of(path: Path) -> list[tuple[str, str]]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
    return found


SERVICES = sorted(p for p in ROOT.rglob("*.py") if "services" in p.relative_to(ROOT).parts[:-1] or p.stem == "services")
MODELS = sorted(p for p in ROOT.rglob("*.py") if "models" in p.relative_to(ROOT).parts[:-1] or p.stem == "models")


def _id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", SERVICES, ids=_id)
def test_services_use_no_web_code(path):
    for module, name in imports_of(path):
        assert not (module == "flask" and name in WEB_ONLY), f"{path.name} imports flask.{name}"
        parts = module.split(".")
        web = module.startswith(("portal.web", "portal.officers")) or "routes" in parts or "forms" in parts
        assert not web, f"{path.name} imports {module}"


@pytest.mark.parametrize("path", SERVICES, ids=_id)
def test_services_never_commit(path):
    source = path.read_text()
    assert ".commit(" not in source, f"{path.name} commits; only the web layer or CLI commits"


@pytest.mark.parametrize("path", MODELS, ids=_id)
def test_models_import_only_models(path):
    for module, _name in imports_of(path):
        parts = module.split(".")
        above = {"services", "routes", "forms"} & set(parts) or module.startswith(("portal.web", "flask"))
        assert not above, f"{path.name}: {module}"


def test_modules_stay_small():
    big = {
        p.relative_to(ROOT).as_posix(): n for p in ROOT.rglob("*.py") if (n := len(p.read_text().splitlines())) > 400
    }
    assert big == {}


def test_only_the_gateways_are_exempt_from_csrf(app):
    """Kannel and WhatsApp post no form: they prove themselves by a token or a signature."""
    from portal.extensions import csrf

    assert csrf._exempt_views == set() and {bp.name for bp in csrf._exempt_blueprints} == {"inbound"}


def test_every_post_route_rejects_a_missing_csrf_token(app, client):
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint.startswith("inbound."):
            continue  # the gateways' doors: tests/integration/test_inbound_* refuse a bad token or signature
        path = re.sub(r"<int:\w+>", "1", rule.rule)
        response = client.post(path, data={"x": "1"})
        assert response.status_code == 400, f"{rule.rule} accepted a POST without CSRF"


def test_endpoint_names_are_verb_noun(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        blueprint, _, view = rule.endpoint.partition(".")
        assert blueprint and ("_" in view or view == "index"), rule.endpoint


def test_public_paths_are_kebab_case_indonesian(app):
    for rule in app.url_map.iter_rules():
        for part in rule.rule.strip("/").split("/"):
            if part and not part.startswith("<"):
                assert part == part.lower() and "_" not in part, rule.rule


WHOLE_PAGES = ("base.html", "verifikasi_luring.html")


def test_partial_templates_start_with_an_underscore():
    templates = ROOT / "templates"
    for path in templates.rglob("*.html"):
        # (the offline verifier is one self-contained page, saved to a phone: it extends nothing)
        whole_documents = path.parent.name == "macros" or path.name.startswith("pdf_") or path.name in WHOLE_PAGES
        if "{% extends" not in path.read_text() and not whole_documents:  # PDFs are whole documents
            assert path.name.startswith("_"), f"{path} is a fragment and should start with _"
