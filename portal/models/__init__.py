"""All models, imported here so Alembic and create_all see every table."""

from portal.accounts.models import Account, AccountKecamatan
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
from portal.complaints.models.complaint import (
    Attachment,
    Complaint,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintStatus,
    ContactChannel,
    EventKind,
    ReferralAgency,
    ResolutionCode,
    Satisfaction,
)
from portal.complaints.models.name_word import ComplaintFilerWord, ComplaintNameWord
from portal.complaints.models.response_template import ResponseTemplate
from portal.complaints.models.saved_filter import SavedQueueFilter
from portal.core.base import Base
from portal.core.file_models import StoredFile, StoredFileChunk
from portal.core.filers import FilerRelation
from portal.core.lockout_models import AccessLockout, LockoutScope
from portal.core.nik import Sex
from portal.core.program_settings import ProgramSetting  # noqa: F401
from portal.core.references import ReferenceCounter
from portal.core.roles import Role
from portal.core.trail import AuditChainHead, AuditEvent  # noqa: F401
from portal.drafts.models import (
    ComplaintDraft,
    FilingReceipt,  # noqa: F401
)
from portal.jobs.models import BackgroundJob, JobKind, JobPart, JobState, PartState  # noqa: F401
from portal.letters.models import IssuedVia, Letter, LetterCounter, LetterStatus  # noqa: F401
from portal.notifications.models import (
    InboundMessage,
    OptOut,
    OutboxChannel,
    OutboxMessage,
    OutboxState,
    ResidentContact,
)
from portal.roster.models.person import Person, PersonStatus, PersonStatusHistory, RosterImportBatch, StatusReason
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
    "SavedQueueFilter",
    "Role",
    "Attachment",
    "Base",
    "Complaint",
    "ComplaintCategory",
    "ComplaintDraft",
    "ComplaintEvent",
    "ComplaintFilerWord",
    "ComplaintNameWord",
    "ComplaintStatus",
    "ContactChannel",
    "EventKind",
    "FilerRelation",
    "StoredFile",
    "StoredFileChunk",
    "OutboxChannel",
    "InboundMessage",
    "OptOut",
    "ResidentContact",
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
