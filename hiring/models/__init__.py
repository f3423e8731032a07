"""The domain model, one module per part of the domain; importing this registers every table."""
from hiring.models.audit import AuditEvent
from hiring.models.base import Base, utcnow
from hiring.models.calendar_feeds import CalendarFeed
from hiring.models.candidate_files import CandidateFile, FileKind
from hiring.models.candidates import (
    Application,
    Candidate,
    GateResult,
    SelfIdentification,
    Stage,
    StageChange,
)
from hiring.models.departure_reviews import DepartureReview, DepartureReviewStatus, DepartureReviewValue, Verdict
from hiring.models.duplicates import CandidateMerge, DuplicateSuspicion, SuspicionReason, SuspicionState
from hiring.models.erasure_requests import ErasureRequest
from hiring.models.files import FileChunk, StoredFile
from hiring.models.hires import EndReason, Hire
from hiring.models.interviews import (
    InterviewAssignment,
    InterviewKind,
    Rating,
    Recommendation,
    Scorecard,
    ScorecardRevision,
    ScorecardStatus,
)
from hiring.models.job_questions import ApplicationAnswer, JobQuestion
from hiring.models.jobs import Job, JobStatus, Requirement
from hiring.models.message_templates import MessageTemplate
from hiring.models.notifications import NotificationOptOut, NotificationPreference, ReminderSent
from hiring.models.offer import OfferDecision, OfferPolicy, OfferTiming, QuitOffer
from hiring.models.packed_ratings import PackedRatings
from hiring.models.rejection_reasons import RejectionReason
from hiring.models.similarity import SimilarityPhrase
from hiring.models.outbox import OutboxAttachment, OutboxMessage
from hiring.models.onboarding import (
    WEEKS,
    Enrollment,
    EnrollmentTask,
    ProgrammeTask,
    SignOff,
    TaskOwner,
)
from hiring.models.people import Role, User
from hiring.models.snapshots import DataVersion, Snapshot
from hiring.models.sso import RolesFrom, SsoSettings
from hiring.models.stage_counts import StageCount
from hiring.models.user_counts import UserCount
from hiring.models.tasks import Task
from hiring.models.user_sessions import UserSession
from hiring.models.values import CoreValue
from hiring.models.values_reviews import ReviewKind, ReviewStatus, ValuesReview, ValuesReviewRating
from hiring.models.webhooks import WebhookDelivery, WebhookSubscription
from hiring.models.api_tokens import ApiToken

__all__ = [
    "Application", "ApplicationAnswer", "AuditEvent", "Base", "CalendarFeed", "Candidate", "CandidateFile", "CandidateMerge", "DuplicateSuspicion", "CoreValue", "DataVersion", "EndReason",
    "Enrollment", "EnrollmentTask", "ErasureRequest", "FileChunk", "FileKind", "GateResult", "Hire", "InterviewAssignment", "InterviewKind", "Job",
    "JobQuestion", "JobStatus", "OfferDecision", "OfferPolicy", "OfferTiming", "OutboxAttachment", "OutboxMessage", "ProgrammeTask", "QuitOffer",
    "PackedRatings",
    "NotificationOptOut", "NotificationPreference", "ReminderSent",
    "MessageTemplate", "RejectionReason", "SimilarityPhrase",
    "Rating", "Recommendation", "Requirement", "Role", "Scorecard", "ScorecardRevision",
    "ScorecardStatus", "SelfIdentification", "SignOff", "Snapshot", "Stage", "StageChange", "StageCount", "StoredFile", "SuspicionReason",
    "SuspicionState", "Task", "TaskOwner",
    "ReviewKind", "ReviewStatus", "User", "UserSession", "ValuesReview", "ValuesReviewRating", "WEEKS", "utcnow",
    "DepartureReview", "DepartureReviewStatus", "DepartureReviewValue", "Verdict",
    "RolesFrom", "SsoSettings",
    "WebhookDelivery", "WebhookSubscription",
    "ApiToken", "UserCount",
]
