"""Indonesian by default; English with ?lang=en (remembered in the session)."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request, session
from flask_babel import get_locale, get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup


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


def _request_translations():
    """The translations of this request, looked up once per locale instead of once per string.

    Flask-Babel resolves its domain, locale and catalog again for every string of a template
    (about 50 on a status-check answer). The portal keeps the catalog in `g` next to the locale
    it belongs to, through Flask-Babel's public functions only: `force_locale` changes what
    `get_locale()` returns, so a forced locale looks its own catalog up.
    """
    locale = get_locale()
    cached = g.get(_CACHE)
    if cached is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()
    if locale is not None:
        setattr(g, _CACHE, (locale, translations))
    return translations


_CACHE = "sigap_translations"


@pass_eval_context
def _template_gettext(eval_ctx, string: str, /, **variables) -> str:
    """Jinja's newstyle `_()`: translated, marked safe when autoescaping, then formatted."""
    translated = _request_translations().ugettext(string)
    if eval_ctx.autoescape:
        translated = Markup(translated)  # noqa: S704 (a template's literal msgid; Markup % escapes the variables)
    return translated % variables


@pass_eval_context
def _template_ngettext(eval_ctx, singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    translated = _request_translations().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        translated = Markup(translated)  # noqa: S704 (a template's literal msgid; Markup % escapes the variables)
    return translated % variables


def install_template_gettext(app) -> None:
    """Replace the `_`/`gettext`/`ngettext` Flask-Babel gave Jinja by the cached ones above."""
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)
