"""Every Indonesian string has an English translation, and the compiled catalog is current."""

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

CATALOG = Path(__file__).parents[2] / "portal" / "translations" / "en" / "LC_MESSAGES"


def test_every_message_is_translated():
    with (CATALOG / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []


def test_compiled_catalog_matches_the_po_file():
    def entries(catalog):
        as_tuple = lambda v: tuple(v) if isinstance(v, (list, tuple)) else v  # noqa: E731
        return {as_tuple(m.id): as_tuple(m.string) for m in catalog if m.id}

    with (CATALOG / "messages.po").open("rb") as handle:
        source = entries(read_po(handle))
    with (CATALOG / "messages.mo").open("rb") as handle:
        compiled = entries(read_mo(handle))
    assert compiled == source


def test_every_template_string_is_in_the_catalog():
    from babel.messages.extract import extract_from_dir

    with (CATALOG / "messages.po").open("rb") as handle:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    root = Path(__file__).parents[2]
    method_map = [
        ("portal/**.py", "python"),
        ("portal/templates/**.html", "jinja2"),
        ("portal/templates/**.txt", "jinja2"),  # residents' e-mails
    ]
    options = {
        "portal/templates/**.html": {"extensions": "jinja2.ext.do"},
        "portal/templates/**.txt": {"extensions": "jinja2.ext.do"},
    }
    found = {
        message if isinstance(message, str) else message[0]
        for _f, _l, message, _c, _ctx in extract_from_dir(
            str(root),
            method_map,
            options,
            keywords={"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)},
        )
    }
    assert sorted(found - known) == []
