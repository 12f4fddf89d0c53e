"""The complaint pages: residents' (/pengaduan) and officers' (under /petugas)."""

from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/pengaduan")
officer_bp = Blueprint("complaints", __name__)  # registered by portal.officers under /petugas

from portal.complaints.routes import (  # noqa: E402,F401
    assisted_filing,
    case_page,
    case_transfer,
    expired,
    filing,
    queue,
    reports,
    sla,
    templates,
    tracking,
)


@bp.record_once
def _errors_of_this_domain(state) -> None:
    from portal.complaints.labels import category_label, error_message, resolution_label, status_label
    from portal.complaints.services.attachments import AttachmentError
    from portal.drafts.web import delayed_confirmation
    from portal.web.errors import register_unavailable_message, storage_unavailable

    state.app.register_error_handler(AttachmentError, lambda error: storage_unavailable(error_message(error)))
    # every page (and the residents' e-mails) may name a complaint category, resolution or status
    state.app.jinja_env.globals.update(
        category_label=category_label, resolution_label=resolution_label, complaint_status_label=status_label
    )
    confirmations = frozenset(
        {
            "complaints.show_confirmation",
            "complaints.receipt_pdf",
            "officers.complaints.show_assisted_confirmation",
            "officers.complaints.download_assisted_slip",
        }
    )
    register_unavailable_message(state.app, delayed_confirmation(confirmations))
    # an officer's account turned off or scope narrowed: their open cases (portal.accounts)
    from portal.complaints.services.handover import OpenCases

    state.app.extensions.setdefault("sigap_work_holders", {})["complaints"] = OpenCases()
