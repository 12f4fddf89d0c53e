"""/bantuan and /aksesibilitas for residents; the help-request queue and pages for officers."""

from flask import Blueprint

bp = Blueprint("assistance", __name__)
officer_bp = Blueprint("assistance", __name__)  # registered by portal.officers under /petugas

from portal.assistance.routes import expired, officer, requests, tracking  # noqa: E402,F401


@bp.record_once
def _errors_of_this_domain(state) -> None:
    from portal.assistance.routes.tracking import track_by_code
    from portal.core.references import ASSISTANCE_SERIES
    from portal.drafts.web import delayed_confirmation
    from portal.web.errors import register_unavailable_message

    confirmations = frozenset({"assistance.show_sent", "assistance.download_slip"})
    register_unavailable_message(state.app, delayed_confirmation(confirmations))
    # BTN references are typed into the same tracking form as complaints' (/pengaduan/lacak)
    state.app.extensions.setdefault("sigap_trackers", {})[ASSISTANCE_SERIES] = track_by_code
    # an officer's filing for someone can start from their help request (portal.complaints)
    from portal.assistance.services.actions import filing_source

    state.app.extensions["sigap_filing_sources"] = filing_source
    # an officer's account turned off or scope narrowed: their open help requests (portal.accounts)
    from portal.assistance.services.handover import OpenRequests

    state.app.extensions.setdefault("sigap_work_holders", {})["assistance"] = OpenRequests()
