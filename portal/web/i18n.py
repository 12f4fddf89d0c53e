"""Indonesian by default; English with ?lang=en (remembered in the session)."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session


def select_locale() -> str:
    if not has_request_context():  # CLI and services outside a request speak Indonesian
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in languages:
        return remembered
    return current_app.config["BABEL_DEFAULT_LOCALE"]
