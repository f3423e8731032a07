"""The audit log in sentences: each action code read in the reader's language, never as codes and JSON.

An event holds codes and ids (hiring/audit.py); the names a sentence needs (a candidate, a job, a person) are
looked up through those ids when the page is shown, all in one query for the page whatever its length
(`names`), so that anonymising or renaming a row changes what the log says without the log keeping a copy.

SENTENCES is the registry: every action code the code base records has a sentence here (tests/
test_audit_sentences.py walks the source for `record(..., action=...)` and fails on a code without one). A code
that is not here (an event older than its sentence, or written by hand) is shown in a readable form of itself.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hiring.models import (
    Application,
    AuditEvent,
    Candidate,
    CoreValue,
    Enrollment,
    EnrollmentTask,
    Hire,
    Job,
    ProgrammeTask,
    QuitOffer,
    User,
)

# --- the sentences ---------------------------------------------------------------------------------------
# Placeholders are filled by `describe` from the event's details and the names looked up for it; one that
# cannot be filled shows as "?" rather than failing the page.

SENTENCES = {
    # people and accounts
    "account_invited": _l("Invited %(user)s as %(role)s."),
    "invitation_resent": _l("Sent %(user)s a new invitation."),
    "role_changed": _l("Changed the role of %(user)s."),
    "account_closed": _l("Closed the account of %(user)s."),
    "account_reopened": _l("Reopened the account of %(user)s."),
    "password_reset_requested": _l("A link to choose a new password was sent to %(user)s."),
    "password_reset": _l("%(user)s chose a new password through a reset link."),
    "password_set": _l("%(user)s set their password for the first time."),
    "password_changed": _l("%(user)s changed their password."),
    "locale_changed": _l("%(user)s changed their language."),
    "signed_out_everywhere": _l("%(user)s signed out everywhere."),
    "notification_preferences_changed": _l("%(user)s changed which e-mails they receive."),
    # single sign-on (hiring/auth/sso.py)
    "sso_signed_in": _l("%(user)s signed in through single sign-on."),
    "sso_linked": _l("%(user)s linked their account to the company's identity provider."),
    "sso_account_created": _l("%(user)s got an account as %(role)s by signing in through single sign-on."),
    "sso_role_applied": _l("The identity provider changed the role of %(user)s."),
    "sso_settings_changed": _l("Changed the single sign-on settings."),
    # jobs
    "job_created": _l("Created the job %(job)s."),
    "job_updated": _l("Changed the job %(job)s."),
    "job_question_added": _l("Added an application question to the job %(job)s."),
    "job_question_edited": _l("Edited an application question of the job %(job)s."),
    "job_question_moved": _l("Moved an application question of the job %(job)s %(direction)s."),
    "job_question_retired": _l("Retired an application question of the job %(job)s."),
    "job_question_deleted": _l("Deleted an application question of the job %(job)s."),
    # candidates and applications
    "application_received": _l("%(candidate)s applied for %(job)s on the careers site."),
    "candidates_imported": _l("Imported %(applications)s applications (%(new_candidates)s new candidates) from a "
                              "CSV file."),
    "stage_changed": _l("Moved %(application)s from %(from_stage)s to %(to_stage)s."),
    "rejection_emailed": _l("Sent %(application)s the rejection e-mail (reason %(rejection_reason)s)."),
    "interviewer_assigned": _l("Asked %(interviewer)s to hold the %(kind)s interview of %(application)s."),
    "hired": _l("Hired %(application)s, starting on %(start_date)s."),
    "candidate_file_added": _l("Added a document (%(file_kind)s) to the file of %(candidate)s."),
    "candidate_file_deleted": _l("Deleted a document (%(file_kind)s) from the file of %(candidate)s."),
    "duplicate_suspected": _l("%(candidate)s may be the same person as %(other_candidate)s."),
    "duplicate_dismissed": _l("%(candidate)s and %(other_candidate)s are not the same person."),
    "candidates_merged": _l("Merged %(merged)s into %(candidate)s."),
    "candidate_merge_undone": _l("Undid the merge of %(merged)s into %(candidate)s."),
    "candidate_merge_confirmed": _l("The merge of %(merged)s into %(candidate)s is final."),
    "self_identification_requested": _l("Sent %(candidate)s the voluntary self-identification questions."),
    "self_identification_given": _l("%(candidate)s answered the voluntary self-identification questions."),
    "retention_consent_changed": _l("Changed whether %(candidate)s may be kept for future openings: %(consent)s."),
    "candidate_exported": _l("Exported the personal data of %(candidate)s."),
    "candidate_erased": _l("Erased the personal data of %(candidate)s."),
    "candidate_anonymised": _l("Anonymised %(candidate)s after the retention period."),
    "erasure_requested": _l("%(candidate)s asked for their data to be erased."),
    "erasure_request_closed": _l("Closed the erasure request of %(candidate)s."),
    # rejection reasons
    "rejection_reason_created": _l("Created the rejection reason %(code)s."),
    "rejection_reason_updated": _l("Changed the rejection reason %(code)s."),
    "rejection_reason_moved": _l("Moved the rejection reason %(code)s %(direction)s."),
    "rejection_reason_retired": _l("Retired the rejection reason %(code)s."),
    "rejection_reason_restored": _l("Restored the rejection reason %(code)s."),
    "rejection_reason_deleted": _l("Deleted the rejection reason %(code)s."),
    # interviews and scorecards
    "interview_scheduled": _l("Scheduled an interview with %(application)s."),
    "interview_rescheduled": _l("Moved an interview with %(application)s to another time or place."),
    "interview_unscheduled": _l("Took an interview with %(application)s off the calendar."),
    "scorecard_submitted": _l("Submitted a scorecard for %(application)s: %(recommendation)s."),
    "scorecard_amended": _l("Amended a scorecard for %(application)s (version %(version)s): %(recommendation)s."),
    "culture_veto": _l("Raised a culture veto on %(application)s."),
    # core values
    "core_value_created": _l("Added the core value %(value)s."),
    "core_value_updated": _l("Changed the core value %(value)s."),
    "core_value_moved": _l("Moved the core value %(value)s %(direction)s."),
    "core_value_retired": _l("Retired the core value %(value)s."),
    "core_value_restored": _l("Restored the core value %(value)s."),
    "core_value_deleted": _l("Deleted the core value %(value)s."),
    # The similarity guard's list (the phrases are the company's words, not anyone's data; the event keeps the id)
    "similarity_phrase_added": _l("Added a phrase to the list of similarity phrases."),
    "similarity_phrase_removed": _l("Removed a phrase from the list of similarity phrases."),
    # onboarding
    "programme_task_added": _l("Added the task %(task)s to week %(week)s of the programme."),
    "programme_task_updated": _l("Changed the programme task %(task)s (week %(week)s)."),
    "programme_task_retired": _l("Retired the programme task %(task)s."),
    "programme_task_moved": _l("Moved the programme task %(task)s %(direction)s."),
    "programme_default_loaded": _l("Loaded the default five-week programme (%(tasks)s tasks)."),
    "task_signed_off": _l("Signed off the task %(task)s of %(new_hire)s."),
    "task_sent_back": _l("Sent the task %(task)s back to %(new_hire)s."),
    "task_reopened": _l("Reopened the task %(task)s of %(new_hire)s."),
    "graduated": _l("%(new_hire)s finished the five-week programme on %(completed_on)s."),
    "mentor_changed": _l("Changed the mentor of %(new_hire)s."),
    "values_review_submitted": _l("Submitted the week-5 values review of %(new_hire)s (%(review_kind)s)."),
    # The Offer
    "offer_policy_changed": _l("Changed The Offer's policy: %(amount)s, decided within %(decision_days)s days."),
    "offer_made": _l("Made %(new_hire)s The Offer of %(amount)s, to decide by %(deadline)s."),
    "offer_decided": _l("Recorded the decision of %(new_hire)s on The Offer: %(decision)s."),
    "offer_corrected": _l("Corrected the decision of %(new_hire)s on The Offer."),
    "offer_expired": _l("The Offer to %(new_hire)s expired without a decision."),
    "departure_review_submitted": _l("Submitted the departure review of %(new_hire)s."),
    # the API's tokens (the token itself is never anywhere but on the page that showed it once)
    "api_token_created": _l("Made a personal access token for the API (%(scopes)s)."),
    "api_token_revoked": _l("Revoked a personal access token for the API."),
    # messages
    "message_template_saved": _l("Saved the company's wording of a message (%(message_kind)s, %(language)s)."),
    "message_template_reset": _l("Put a message back to its default wording (%(message_kind)s, %(language)s)."),
    "mail_resent": _l("Queued a copy of message %(resend_of)s."),
    # webhooks (the address is not in the event: the subscription's page shows it)
    "webhook_created": _l("Added webhook subscription %(subscription)s."),
    "webhook_updated": _l("Changed webhook subscription %(subscription)s."),
    "webhook_deleted": _l("Deleted webhook subscription %(subscription)s and its delivery log."),
    "webhook_secret_rotated": _l("Made a new secret for webhook subscription %(subscription)s."),
    "webhook_test_sent": _l("Sent a test event to webhook subscription %(subscription)s."),
    "webhook_redelivered": _l("Sent event %(event_type)s again to webhook subscription %(subscription)s."),
}

# The kinds of record an event is about, as the filter and the "Record" column show them.
ENTITY_LABELS = {
    "api_token": _l("API token"),
    "application": _l("Application"),
    "candidate": _l("Candidate"),
    "core_value": _l("Core value"),
    "departure_review": _l("Departure review"),
    "enrollment": _l("Onboarding"),
    "similarity_phrase": _l("Similarity phrase"),
    "sso_settings": _l("Single sign-on settings"),
    "enrollment_task": _l("Onboarding task"),
    "import": _l("Import"),
    "interview_assignment": _l("Interview"),
    "job": _l("Job"),
    "message_template": _l("Message wording"),
    "offer_policy": _l("Offer policy"),
    "outbox_message": _l("E-mail"),
    "programme_task": _l("Programme task"),
    "quit_offer": _l("The Offer"),
    "rejection_reason": _l("Rejection reason"),
    "scorecard": _l("Scorecard"),
    "user": _l("User"),
    "values_review": _l("Week-5 values review"),
    "webhook_subscription": _l("Webhook subscription"),
}

# Whose week-5 values review an event is about.
REVIEW_KIND_LABELS = {"mentor": _l("the mentor's review"), "self": _l("self-assessment")}

# Fields whose change is shown as "from X to Y", by the name the event stores them under.
FIELD_LABELS = {
    "title": _l("Title"),
    "requirements_threshold": _l("Requirements threshold"),
    "values_threshold": _l("Values threshold"),
    "hiring_manager_id": _l("Hiring manager"),
    "status": _l("Status"),
    "published": _l("Published on the careers site"),
    "role": _l("Role"),
    "locale": _l("Language"),
    "decision": _l("Decision"),
    "delivery": _l("Delivery"),
    "name": _l("Name"),
    "description": _l("Description"),
    "questions": _l("Interview questions"),
    "code": _l("Code"),
    "mentor": _l("Mentor"),
}


def readable(code: str) -> str:
    """An unknown action code in a readable form: "task_ticked" -> "Task ticked."."""
    words = " ".join((code or "").replace("_", " ").split())
    return (words[:1].upper() + words[1:] + ".") if words else "?"


def entity_label(kind: str) -> str:
    """The kind of record in words; an unknown kind in a readable form of itself."""
    label = ENTITY_LABELS.get(kind)
    return str(label) if label is not None else readable(kind).rstrip(".")


# --- names through ids, one query per page ---------------------------------------------------------------

# Where each kind of id in an event is found: (kind to look up, detail key); None for the entity's own id.
_ENTITY_KIND = {"user": "user", "candidate": "candidate", "application": "application", "job": "job",
                "core_value": "core_value", "enrollment": "enrollment", "enrollment_task": "enrollment_task",
                "programme_task": "programme_task", "quit_offer": "quit_offer"}
_DETAIL_KINDS = {"user_id": "user", "interviewer_id": "user", "mentor_id": "user", "candidate_id": "candidate",
                 "other_candidate_id": "candidate", "merged_id": "candidate", "application_id": "application",
                 "job_id": "job", "hire_id": "hire", "enrollment_id": "enrollment"}


def wanted_ids(events: Iterable[AuditEvent]) -> dict[str, set[int]]:
    """The ids each kind of name is needed for, over a page of events."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        kind = _ENTITY_KIND.get(event.entity_type)
        if kind and isinstance(event.entity_id, int):
            wanted.setdefault(kind, set()).add(event.entity_id)
        details = event.details if isinstance(event.details, dict) else {}
        for key, kind in _DETAIL_KINDS.items():
            value = details.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                wanted.setdefault(kind, set()).add(value)
        if event.action == "mentor_changed":  # before and after are the mentors' user ids
            wanted.setdefault("user", set()).update(details.get(k) for k in ("before", "after")
                                                    if isinstance(details.get(k), int))
        changes = details.get("changes")
        if isinstance(changes, dict) and isinstance(changes.get("hiring_manager_id"), list):
            wanted.setdefault("user", set()).update(v for v in changes["hiring_manager_id"]
                                                    if isinstance(v, int) and not isinstance(v, bool))
    return wanted


def _text(column):
    return sa.cast(column, sa.String)


def _none():
    return sa.cast(sa.null(), sa.String)


def _selects(wanted: dict[str, set[int]]) -> list:
    """A SELECT (kind, id, name, second name) per kind of id needed."""
    kind = lambda k: sa.literal_column(f"'{k}'", sa.String)  # noqa: E731 - constants of this module only
    sources = {
        "user": lambda ids: sa.select(kind("user"), User.id, User.name, _none()).where(User.id.in_(ids)),
        "candidate": lambda ids: sa.select(kind("candidate"), Candidate.id, Candidate.name, _none())
        .where(Candidate.id.in_(ids)),
        "application": lambda ids: sa.select(kind("application"), Application.id, Candidate.name, Job.title)
        .join(Candidate, Candidate.id == Application.candidate_id).join(Job, Job.id == Application.job_id)
        .where(Application.id.in_(ids)),
        "job": lambda ids: sa.select(kind("job"), Job.id, Job.title, _none()).where(Job.id.in_(ids)),
        "core_value": lambda ids: sa.select(kind("core_value"), CoreValue.id, CoreValue.name, _none())
        .where(CoreValue.id.in_(ids)),
        "hire": lambda ids: sa.select(kind("hire"), Hire.id, User.name, _none())
        .join(User, User.id == Hire.user_id).where(Hire.id.in_(ids)),
        "enrollment": lambda ids: sa.select(kind("enrollment"), Enrollment.id, User.name, _none())
        .join(Hire, Hire.id == Enrollment.hire_id).join(User, User.id == Hire.user_id)
        .where(Enrollment.id.in_(ids)),
        "enrollment_task": lambda ids: sa.select(kind("enrollment_task"), EnrollmentTask.id, EnrollmentTask.title,
                                                 _none()).where(EnrollmentTask.id.in_(ids)),
        "programme_task": lambda ids: sa.select(kind("programme_task"), ProgrammeTask.id, ProgrammeTask.title,
                                                _none()).where(ProgrammeTask.id.in_(ids)),
        "quit_offer": lambda ids: sa.select(kind("quit_offer"), QuitOffer.id, User.name, _none())
        .join(Hire, Hire.id == QuitOffer.hire_id).join(User, User.id == Hire.user_id)
        .where(QuitOffer.id.in_(ids)),
    }
    return [sources[k](sorted(ids)) for k, ids in sorted(wanted.items()) if ids and k in sources]


def names(session: Session, events: Iterable[AuditEvent]) -> dict[tuple[str, int], tuple[str, str | None]]:
    """{(kind, id): (name, second name)} for every id the events' sentences need: one query, none when no
    event needs a name."""
    selects = _selects(wanted_ids(events))
    if not selects:
        return {}
    statement = selects[0] if len(selects) == 1 else sa.union_all(*selects)
    return {(kind, ident): (name, extra) for kind, ident, name, extra in session.execute(statement)}


# --- filling a sentence ----------------------------------------------------------------------------------

class _Values(dict):
    """Values for a sentence: a placeholder nothing fills shows as "?"."""

    def __missing__(self, key):
        return "?"


@dataclass
class Line:
    """One event as the log shows it: a sentence, and what changed (each "Field: from X to Y")."""

    sentence: str
    changes: list[str] = field(default_factory=list)


def _quoted(text) -> str:
    return _("“%(text)s”", text=text)


def _number(value) -> str:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else "?"


def _day(value) -> str:
    try:
        return format_date(date.fromisoformat(str(value)[:10]), "long")
    except (TypeError, ValueError):
        return "?"


def _label(labels: dict, value) -> str:
    """An enum value in words, through the house's label tables; an unknown value readable as itself."""
    for key, label in labels.items():
        if getattr(key, "value", key) == value:
            return str(label)
    return readable(str(value)).rstrip(".") if value not in (None, "") else _("none")


def _direction(value) -> str:
    return _("up") if value == "up" else _("down") if value == "down" else "?"


def _yes_no(value) -> str:
    return _("yes") if value is True else _("no") if value is False else "?"


class _Namer:
    """Names through ids, from the page's one lookup, with a fallback that never shows a missing row as blank."""

    def __init__(self, found: dict[tuple[str, int], tuple[str, str | None]]):
        self.found = found

    def get(self, kind: str, ident) -> tuple[str, str | None] | None:
        if not isinstance(ident, int) or isinstance(ident, bool):
            return None
        return self.found.get((kind, ident))

    def user(self, ident) -> str:
        row = self.get("user", ident)
        return row[0] if row else _("user %(id)s", id=_number(ident))

    def candidate(self, ident) -> str:
        row = self.get("candidate", ident)
        return row[0] if row else _("candidate %(id)s", id=_number(ident))

    def application(self, ident) -> str:
        row = self.get("application", ident)
        if row:
            return _("%(candidate)s (%(job)s)", candidate=row[0], job=row[1])
        return _("application %(id)s", id=_number(ident))

    def job(self, ident, stored=None) -> str:
        row = self.get("job", ident)
        return _quoted(row[0] if row else stored) if (row or stored) else _("job %(id)s", id=_number(ident))

    def person_of(self, kind: str, ident) -> str:
        row = self.get(kind, ident)
        return row[0] if row else _("new hire (%(record)s %(id)s)", record=entity_label(kind).lower(),
                                       id=_number(ident))


def _values(event: AuditEvent, namer: _Namer) -> _Values:
    """What the sentence of `event` may say, from its details and the names found through its ids."""
    from hiring.labels import (
        DECISION_LABELS,
        KIND_LABELS,
        RECOMMENDATION_LABELS,
        ROLE_LABELS,
        STAGE_LABELS,
        money,
    )
    from hiring.pipeline.files_service import KIND_LABELS as FILE_KIND_LABELS

    d = event.details if isinstance(event.details, dict) else {}
    kind, ident = event.entity_type, event.entity_id
    values = _Values()
    if kind == "user":
        values["user"] = namer.user(ident)
    if kind == "candidate":
        values["candidate"] = namer.candidate(ident)
    if kind == "application":
        values["application"] = namer.application(ident)
    if kind == "job":
        values["job"] = namer.job(ident, d.get("title"))
    if "application_id" in d:
        values["application"] = namer.application(d["application_id"])
    if "candidate_id" in d and kind != "candidate":
        values["candidate"] = namer.candidate(d["candidate_id"])
    if "job_id" in d:
        values["job"] = namer.job(d["job_id"])
    if "other_candidate_id" in d:
        values["other_candidate"] = namer.candidate(d["other_candidate_id"])
    if "merged_id" in d:
        values["merged"] = namer.candidate(d["merged_id"])
    if "interviewer_id" in d:
        values["interviewer"] = namer.user(d["interviewer_id"])
    if kind == "core_value":
        row = namer.get("core_value", ident)
        values["value"] = _quoted(row[0] if row else d.get("name") or "?")
    if kind == "programme_task":
        row = namer.get("programme_task", ident)
        values["task"] = _quoted(row[0] if row else d.get("title") or "?")
        values["week"] = _number(d.get("week"))
    if kind == "enrollment_task":
        row = namer.get("enrollment_task", ident)
        values["task"] = _quoted(row[0]) if row else _("task %(id)s", id=_number(ident))
    if "enrollment_id" in d:
        values["new_hire"] = namer.person_of("enrollment", d["enrollment_id"])
    if kind == "enrollment":
        values["new_hire"] = namer.person_of("enrollment", ident)
    if kind == "quit_offer":
        values["new_hire"] = (namer.person_of("hire", d["hire_id"]) if "hire_id" in d
                              else namer.person_of("quit_offer", ident))
    if kind == "departure_review" and "hire_id" in d:
        values["new_hire"] = namer.person_of("hire", d["hire_id"])
    for key in ("from_stage", "to_stage"):
        if key in d:
            values[key] = _label(STAGE_LABELS, d[key])
    if "role" in d:
        values["role"] = _label(ROLE_LABELS, d["role"])
    if "recommendation" in d:
        values["recommendation"] = _label(RECOMMENDATION_LABELS, d["recommendation"]).lower()
    if "decision" in d:
        values["decision"] = _label(DECISION_LABELS, d["decision"]).lower()
    if event.action == "interviewer_assigned" and "kind" in d:
        values["kind"] = _label(KIND_LABELS, d["kind"]).lower()
    if event.action == "values_review_submitted" and "kind" in d:
        values["review_kind"] = _label(REVIEW_KIND_LABELS, d["kind"])
    if event.action.startswith("candidate_file_") and "kind" in d:
        values["file_kind"] = _label(FILE_KIND_LABELS, d["kind"]).lower()
    if event.action.startswith("message_template_"):
        from hiring.i18n import LANGUAGE_NAMES

        values["message_kind"] = d.get("kind") or "?"
        values["language"] = LANGUAGE_NAMES.get(d.get("language"), d.get("language") or "?")
    if event.action.startswith("webhook_"):
        values["subscription"] = _number(ident)
        values["event_type"] = d.get("event_type") or "?"
    if "direction" in d:
        values["direction"] = _direction(d["direction"])
    if "code" in d:
        values["code"] = d["code"] or "?"
    if "rejection_reason" in d:
        values["rejection_reason"] = d["rejection_reason"] or "?"
    if "consent" in d:
        values["consent"] = _yes_no(d["consent"])
    for key in ("start_date", "completed_on", "deadline"):
        if key in d:
            values[key] = _day(d[key])
    for key in ("applications", "new_candidates", "tasks", "version", "decision_days", "resend_of"):
        if key in d:
            values[key] = _number(d[key])
    if isinstance(d.get("amount_minor"), int) and isinstance(d.get("currency"), str):
        try:
            values["amount"] = money(d["amount_minor"], d["currency"])
        except (ValueError, LookupError):
            values["amount"] = f"{d['amount_minor']} {d['currency']}"
    return values


def _from_to(label, before: str, after: str) -> str:
    return _("%(field)s: from %(before)s to %(after)s", field=label, before=before, after=after)


def _changes(event: AuditEvent, namer: _Namer) -> list[str]:
    """What an event says changed, each as "Field: from X to Y" (or the fields' names where only they are kept)."""
    from hiring.i18n import LANGUAGE_NAMES
    from hiring.labels import DECISION_LABELS, ROLE_LABELS

    d = event.details if isinstance(event.details, dict) else {}
    lines: list[str] = []
    field_name = lambda key: str(FIELD_LABELS.get(key) or readable(key).rstrip("."))  # noqa: E731
    if event.action == "job_updated":
        changes = d.get("changes") if isinstance(d.get("changes"), dict) else {}
        for key, pair in changes.items():
            if not (isinstance(pair, list) and len(pair) == 2):
                continue
            if key == "hiring_manager_id":
                before, after = (namer.user(v) if v is not None else _("nobody") for v in pair)
            elif key == "published":
                before, after = (_yes_no(v) for v in pair)
            elif key == "status":
                before, after = (_("open") if v == "open" else _("closed") if v == "closed" else str(v) for v in pair)
            else:
                before, after = (str(v) if v is not None else _("none") for v in pair)
            lines.append(_from_to(field_name(key), before, after))
        if d.get("added"):
            lines.append(_("Requirements added: %(names)s", names=", ".join(map(str, d["added"]))))
        if d.get("removed"):
            lines.append(_("Requirements removed: %(names)s", names=", ".join(map(str, d["removed"]))))
        if d.get("edited"):
            lines.append(_("Requirements edited: %(names)s", names=", ".join(map(str, d["edited"]))))
        if d.get("public_edited"):
            lines.append(_("Careers site text changed: %(fields)s",
                           fields=", ".join(field_name(k) for k in d["public_edited"])))
    elif event.action in ("role_changed", "sso_role_applied"):
        lines.append(_from_to(field_name("role"), _label(ROLE_LABELS, d.get("before")),
                              _label(ROLE_LABELS, d.get("after"))))
    elif event.action == "locale_changed":
        name = lambda v: LANGUAGE_NAMES.get(v) or _("the browser's language")  # noqa: E731
        lines.append(_from_to(field_name("locale"), name(d.get("before")), name(d.get("after"))))
    elif event.action == "offer_corrected":
        before = d.get("before") if isinstance(d.get("before"), dict) else {}
        lines.append(_from_to(field_name("decision"),
                              _label(DECISION_LABELS, before.get("decision")) if before.get("decision")
                              else _("no decision"), _label(DECISION_LABELS, d.get("after"))))
    elif event.action == "core_value_updated":
        before = d.get("before") if isinstance(d.get("before"), dict) else {}
        if "name" in before:
            lines.append(_("Name: was %(before)s", before=_quoted(before["name"])))
        others = [field_name(k) for k in before if k != "name"]
        if others:
            lines.append(_("Changed: %(fields)s", fields=", ".join(others)))
    elif event.action == "rejection_reason_updated":
        if d.get("previous_code") and d.get("previous_code") != d.get("code"):
            lines.append(_from_to(field_name("code"), d["previous_code"], d.get("code") or "?"))
        others = [field_name(k) for k in d.get("fields") or [] if k != "code"]
        if others:
            lines.append(_("Changed: %(fields)s", fields=", ".join(others)))
    elif event.action == "notification_preferences_changed":
        before = d.get("before") if isinstance(d.get("before"), dict) else {}
        after = d.get("after") if isinstance(d.get("after"), dict) else {}
        if before.get("delivery") != after.get("delivery"):
            lines.append(_from_to(field_name("delivery"), str(before.get("delivery") or "?"),
                                  str(after.get("delivery") or "?")))
    elif event.action == "mentor_changed":
        mentor = lambda v: namer.user(v) if v is not None else _("nobody")  # noqa: E731
        lines.append(_from_to(field_name("mentor"), mentor(d.get("before")), mentor(d.get("after"))))
    elif event.action == "offer_policy_changed" and d.get("after_week"):
        lines.append(_("Made after week %(week)s of the programme.", week=_number(d["after_week"])))
    elif event.action == "task_reopened" and d.get("graduation_undone"):
        lines.append(_("The graduation of %(date)s is undone.", date=_day(d["graduation_undone"])))
    return lines


def describe(event: AuditEvent, found: dict[tuple[str, int], tuple[str, str | None]]) -> Line:
    """The event as a sentence in the reader's language, with what changed."""
    namer = _Namer(found)
    template = SENTENCES.get(event.action)
    if template is None:
        return Line(readable(event.action))
    return Line(str(template) % _values(event, namer), _changes(event, namer))


def describe_page(session: Session, events: list[AuditEvent]) -> dict[int, Line]:
    """Every event of a page as a Line, by event id; one query for the names, whatever the page's length."""
    found = names(session, events)
    return {event.id: describe(event, found) for event in events}


# Reasons typed in the row of the event itself (older events, and those whose reason has no row of its own):
# shown beside the sentence like the reasons read from their rows (hiring.admin.audit_reasons).
INLINE_REASON_KEYS: dict[str, str] = {"task_sent_back": "comment", "task_reopened": "reason",
                                      "offer_corrected": "reason"}


def inline_reasons(events: Iterable[AuditEvent]) -> dict[int, str]:
    """The free-text reason an event carries in its own details, by event id (see INLINE_REASON_KEYS)."""
    found = {}
    for event in events:
        key = INLINE_REASON_KEYS.get(event.action)
        text = (event.details or {}).get(key) if key and isinstance(event.details, dict) else None
        if isinstance(text, str) and text.strip():
            found[event.id] = text.strip()
    return found

