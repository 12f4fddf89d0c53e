"""The operator commands, each from its domain (flask --app wsgi --help lists them)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.accounts.cli import users_cli
    from portal.audit.cli import audit_cli
    from portal.cli_backup import db_backup_command
    from portal.cli_files import files_cli
    from portal.complaints.cli import attachments_cli
    from portal.demo.cli import demo_cli
    from portal.letters.cli import letters_cli
    from portal.notifications.cli import outbox_cli
    from portal.roster.cli import roster_cli
    from portal.tasks.cli import tasks_cli

    for command in (
        roster_cli,
        demo_cli,
        outbox_cli,
        letters_cli,
        users_cli,
        db_backup_command,
        attachments_cli,
        tasks_cli,
        files_cli,
        audit_cli,
    ):
        app.cli.add_command(command)
