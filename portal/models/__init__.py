"""All models, imported here so Alembic and create_all see every table."""
from portal.models.account import Account, AccountKecamatan, Role
from portal.models.assistance import (  # noqa: F401
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
from portal.models.audit import AuditEvent
from portal.models.base import Base
from portal.models.complaint import (
    Attachment,
    Complaint,
    ComplaintCategory,
    ComplaintDraft,
    ComplaintEvent,
    ComplaintStatus,
    ContactChannel,
    EventKind,
    FilerRelation,
    ReferenceCounter,
    ReferralAgency,
    ResolutionCode,
    Satisfaction,
)
from portal.models.complaint_name_word import ComplaintNameWord
from portal.models.letter import IssuedVia, Letter, LetterCounter, LetterStatus  # noqa: F401
from portal.models.lockout import AccessLockout, LockoutScope
from portal.models.outbox import OutboxChannel, OutboxMessage, OutboxState
from portal.models.person import (
    Person,
    PersonStatus,
    PersonStatusHistory,
    RosterImportBatch,
    Sex,
    StatusReason,
)
from portal.models.receipt import FilingReceipt  # noqa: F401
from portal.models.response_template import ResponseTemplate
from portal.models.roster_summary import RosterSummary
from portal.models.stats_snapshot import StatsSnapshot  # noqa: F401
from portal.models.status_check import CheckOutcome, StatusCheckLog

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
