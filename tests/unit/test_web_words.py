"""Web pages speak of form fields, never of a command's options (issue 16): an admin creating an
account on the web was told "--kecamatan KODE atau --seluruh-kota". Commands word their own
refusals (portal/*/cli.py); what a web page or a resident's message can show is every string of
the catalog (tests/unit/test_translations.py keeps it complete) and the templates' own text."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[2]
CATALOG = ROOT / "portal" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
NOT_WORDS = re.compile(r"var\(--[\w-]+\)|<!--|-->|^\s*--[\w-]+\s*:", re.MULTILINE)  # CSS, comments


def test_no_message_names_a_command_option():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    found = {}
    for message in catalog:
        for text in [message.id] if isinstance(message.id, str) else list(message.id or ()):
            if text and OPTION.search(text):
                found[text] = OPTION.findall(text)
    assert found == {}


def test_no_template_names_a_command_option():
    found = {}
    for path in sorted((ROOT / "portal" / "templates").rglob("*.html")):
        text = NOT_WORDS.sub(" ", path.read_text(encoding="utf-8"))
        if options := OPTION.findall(text):
            found[str(path.relative_to(ROOT))] = options
    assert found == {}
