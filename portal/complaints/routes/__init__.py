"""The complaint pages: residents' (/pengaduan) and officers' (under /petugas)."""

from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/pengaduan")
officer_bp = Blueprint("complaints", __name__)  # registered by portal.officers under /petugas

from portal.complaints.routes import (  # noqa: E402,F401
    assisted_filing,
    case_page,
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
    from portal.complaints.services.attachments import AttachmentError
    from portal.complaints.services.lifecycle import category_label, resolution_label
    from portal.drafts.web import delayed_confirmation
    from portal.web.errors import register_unavailable_message, storage_unavailable

    state.app.register_error_handler(AttachmentError, lambda error: storage_unavailable(error.message))
    # every page may name a complaint category or resolution, in the reader's language
    state.app.jinja_env.globals.update(category_label=category_label, resolution_label=resolution_label)
    confirmations = frozenset(
        {
            "complaints.show_confirmation",
            "complaints.receipt_pdf",
            "officers.complaints.show_assisted_confirmation",
            "officers.complaints.download_assisted_slip",
        }
    )
    register_unavailable_message(state.app, delayed_confirmation(confirmations))
