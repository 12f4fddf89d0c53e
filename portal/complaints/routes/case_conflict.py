"""An action refused because the case changed since the officer opened it (issue 16 point 1):
what changed and who changed it, and where the officer's typed text goes back."""

from __future__ import annotations

from flask_login import current_user

from portal.complaints.forms import case as forms
from portal.complaints.models.complaint import Complaint
from portal.complaints.services.available import CaseAction, available_actions

TYPED_FIELDS = ("message", "next_step", "note", "checked_how")


def typed_text(form) -> str:
    """What the officer wrote in a refused form (the message, the next step, a contact note)."""
    return "\n\n".join(text for name in TYPED_FIELDS if (text := getattr(getattr(form, name, None), "data", None)))


def what_changed(complaint: Complaint, action: str, form, *, seen: str):
    """(the form to show open, what the page says) for the case as it is now. The timeline lines
    after the last one the officer's page showed are what changed, each with who wrote it; what
    was typed stays in the same form, with the new version, when the action is still open to
    the officer, else in an internal note they may save."""
    shown = form.seen_state
    new_events = [e for e in complaint.events if shown is None or e.id > shown[0]]
    if shown is None:  # a form from before this field existed: the last lines
        new_events = new_events[-3:]
    typed = typed_text(form)
    still_open = CaseAction(action) in available_actions(case=complaint, actor=current_user)
    if still_open:
        form.version.data, form.seen.data = str(complaint.version), seen
        kept = (action, form)
    elif typed:
        kept = ("catatan", forms.NoteForm(formdata=None, version=complaint.version, seen=seen, message=typed))
    else:
        kept = None
    conflict = {
        "action": action,
        "events": list(reversed(new_events)),  # the newest first
        "assignee_changed": shown is not None and shown[1] != complaint.assigned_to_id,
        "typed": typed,
        "still_open": still_open,
    }
    return kept, conflict
