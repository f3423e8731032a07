"""The API's representations (marshmallow), from which the OpenAPI document describes every response. Dates and
times are ISO 8601 (times in UTC); enumerations are their stored codes."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from hiring.bounds import MAX_ID
from hiring.models import EndReason, GateResult, InterviewKind, JobStatus, OfferDecision, Recommendation, Stage

STAGES = [s.value for s in Stage]
# An id typed by a client: above PostgreSQL's INTEGER it can name nothing (hiring/bounds.py), and must not reach
# the database as a number it refuses to compare.
AN_ID = validate.Range(min=1, max=MAX_ID)


def _enum(enum, **kw):
    return fields.Enum(enum, by_value=True, **kw)


class RequirementSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    weight = fields.Integer()
    must_have = fields.Boolean()


class JobSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    status = _enum(JobStatus)
    location = fields.String(allow_none=True)
    team = fields.String(allow_none=True)
    published = fields.Boolean()
    requirements_threshold = fields.Integer()
    values_threshold = fields.Integer()
    created_at = fields.DateTime()
    requirements = fields.List(fields.Nested(RequirementSchema))


class CandidateSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    phone = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    created_at = fields.DateTime()


class ApplicationSchema(Schema):
    id = fields.Integer()
    candidate_id = fields.Integer()
    job_id = fields.Integer()
    stage = _enum(Stage)
    applied_at = fields.DateTime()
    stage_changed_at = fields.DateTime()
    requirements_fit = fields.Float(allow_none=True, metadata={"description": "0-100, null until scored"})
    values_fit = fields.Float(allow_none=True, metadata={"description": "0-100, null until scored"})
    gate_result = _enum(GateResult, allow_none=True)


class NewApplicationSchema(Schema):
    """A candidate (recognised by e-mail when known) and their application to an open job."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.String(required=True, validate=validate.Length(min=3, max=254))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    source = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=80))
    job_id = fields.Integer(required=True, strict=True, validate=AN_ID)
    retention_consent = fields.Boolean(load_default=False)


class MoveSchema(Schema):
    """A move to another stage, as the candidate page's move form makes it."""

    to_stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    expected_stage = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(STAGES),
                                   metadata={"description": "Refused with 409 when the application is no longer "
                                                            "in this stage (someone else moved it)."})
    reason = fields.String(load_default="", validate=validate.Length(max=2000))
    rejection_reason_id = fields.Integer(load_default=None, allow_none=True, strict=True, validate=AN_ID)
    start_date = fields.Date(load_default=None, allow_none=True)
    mentor_id = fields.Integer(load_default=None, allow_none=True, strict=True, validate=AN_ID)


class ApplicationFilter(Schema):
    job_id = fields.Integer(load_default=None, validate=AN_ID)
    stage = fields.String(load_default=None, validate=validate.OneOf(STAGES))


class AssignmentSchema(Schema):
    id = fields.Integer()
    application_id = fields.Integer()
    interviewer_id = fields.Integer()
    kind = _enum(InterviewKind)
    scheduled_for = fields.DateTime(allow_none=True)
    duration_minutes = fields.Integer()
    scorecard_status = fields.String(allow_none=True, metadata={"description": "draft, submitted, or null"})


class AssignmentFilter(Schema):
    application_id = fields.Integer(load_default=None, validate=AN_ID)


class RatingSchema(Schema):
    item = fields.String(metadata={"description": "'value' or 'requirement'"})
    item_id = fields.Integer()
    score = fields.Integer(allow_none=True)
    no_evidence = fields.Boolean()
    evidence = fields.String()


class ScorecardSchema(Schema):
    id = fields.Integer()
    assignment_id = fields.Integer()
    interviewer_id = fields.Integer()
    kind = _enum(InterviewKind)
    recommendation = _enum(Recommendation, allow_none=True)
    key_takeaways = fields.String()
    culture_veto = fields.Boolean()
    submitted_at = fields.DateTime(allow_none=True)
    ratings = fields.List(fields.Nested(RatingSchema))


class OnboardingSchema(Schema):
    started_on = fields.Date()
    completed_on = fields.Date(allow_none=True)
    tasks_total = fields.Integer()
    tasks_complete = fields.Integer()


class HireSchema(Schema):
    id = fields.Integer()
    application_id = fields.Integer()
    user_id = fields.Integer(allow_none=True)
    mentor_id = fields.Integer(allow_none=True)
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    end_reason = _enum(EndReason, allow_none=True)
    onboarding = fields.Nested(OnboardingSchema, allow_none=True)


class OfferSchema(Schema):
    id = fields.Integer()
    hire_id = fields.Integer()
    amount_minor = fields.Integer(metadata={"description": "In the currency's minor unit (cents)."})
    currency = fields.String()
    offered_at = fields.DateTime()
    deadline = fields.DateTime()
    decision = _enum(OfferDecision, allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
