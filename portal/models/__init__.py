"""All models, imported here so Alembic and create_all see every table."""

from portal.accounts.models import Account, AccountKecamatan, Role
from portal.assistance.models import (  # noqa: F401
    AppointmentKind,
    AssistanceDisability,
    AssistanceEvent,
    AssistanceEventKind,
    AssistanceKind,
    AssistanceNeed,
    AssistanceOutcome,
    AssistanceRequest,
    AssistanceStatus,
    AssistanceTopic,
    ContactPreference,
    DisabilityCategory,
    TimeOfDay,
)
from portal.audit.models import AuditEvent
from portal.complaints.models.complaint import (
    Attachment,
    Complaint,
    ComplaintCategory,
    ComplaintDraft,
    ComplaintEvent,
    ComplaintStatus,
    ContactChannel,
    EventKind,
    FilerRelation,
    ReferralAgency,
    ResolutionCode,
    Satisfaction,
)
from portal.complaints.models.name_word import ComplaintNameWord
from portal.complaints.models.response_template import ResponseTemplate
from portal.core.base import Base
from portal.core.lockout_models import AccessLockout, LockoutScope
from portal.core.references import ReferenceCounter
from portal.drafts.models import FilingReceipt  # noqa: F401
from portal.letters.models import IssuedVia, Letter, LetterCounter, LetterStatus  # noqa: F401
from portal.notifications.models import OutboxChannel, OutboxMessage, OutboxState
from portal.roster.models.person import Person, PersonStatus, PersonStatusHistory, RosterImportBatch, Sex, StatusReason
from portal.roster.models.summary import RosterSummary
from portal.statistics.models import StatsSnapshot  # noqa: F401
from portal.status_check.models import CheckOutcome, StatusCheckLog

__all__ = [
    "AccessLockout",
    "Account",
    "AccountKecamatan",
    "AuditEvent",
    "ReferralAgency",
    "ResolutionCode",
    "ResponseTemplate",
    "Role",
    "Attachment",
    "Base",
    "Complaint",
    "ComplaintCategory",
    "ComplaintDraft",
    "ComplaintEvent",
    "ComplaintNameWord",
    "ComplaintStatus",
    "ContactChannel",
    "EventKind",
    "FilerRelation",
    "OutboxChannel",
    "OutboxMessage",
    "OutboxState",
    "ReferenceCounter",
    "Satisfaction",
    "CheckOutcome",
    "LockoutScope",
    "Person",
    "PersonStatus",
    "PersonStatusHistory",
    "RosterImportBatch",
    "RosterSummary",
    "Sex",
    "StatusCheckLog",
    "StatusReason",
]
