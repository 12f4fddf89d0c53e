"""The words of residents' e-mails. A service queues a message by naming a template and giving it
plain data (portal.notifications.services.notify.queue_email); this renders it at that moment,
from `portal/templates/<domain>/email/<name>.subject.txt` and `<name>.txt`, and the outbox keeps
the result. Always in Indonesian: the portal keeps no resident's language, and an officer's
English interface must not decide what a resident reads."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, current_app
from flask_babel import force_locale

from portal.notifications.services.notify import Mail, use_renderer

RESIDENT_LOCALE = "id"


def render_mail(template: str, context: Mapping[str, object]) -> Mail:
    """Without the request's context processors: a message may be queued by a command too."""
    env = current_app.jinja_env
    with force_locale(RESIDENT_LOCALE):
        subject = env.get_template(f"{template}.subject.txt").render(context)
        body = env.get_template(f"{template}.txt").render(context)
    return Mail(subject=" ".join(subject.split()), body=body)


def init_app(_app: Flask) -> None:
    use_renderer(render_mail)
