"""Indexes for scale: the everyday lists at 100,000 candidates read an index range, not every row.

Only CREATE INDEX going up and DROP INDEX going down, never a batch rebuild (see 0002). Each index matches a
list's filter and sort order, so that its first page (and a deep one, read through the index) costs the same
whatever the number of rows: the candidate list by job or stage newest first, a job's pipeline best first, the
recruiter's home (by stage, oldest move first), the audit log by person, kind of record or record, HR's offer
lists, the onboarding cohorts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 11:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

INDEXES = [
    ('ix_applications_job_id_applied_at', 'applications', ['job_id', 'applied_at']),
    ('ix_applications_stage_applied_at', 'applications', ['stage', 'applied_at']),
    ('ix_applications_stage_stage_changed_at', 'applications', ['stage', 'stage_changed_at']),
    ('ix_applications_job_ranking', 'applications',
     ['job_id', 'gate_result', 'values_fit', 'requirements_fit', 'applied_at']),
    ('ix_audit_events_actor_id_occurred_at', 'audit_events', ['actor_id', 'occurred_at']),
    ('ix_audit_events_entity_type_occurred_at', 'audit_events', ['entity_type', 'occurred_at']),
    ('ix_quit_offers_decided_at', 'quit_offers', ['decided_at']),
    ('ix_quit_offers_decision_deadline', 'quit_offers', ['decision', 'deadline']),
    ('ix_enrollments_completed_on_started_on', 'enrollments', ['completed_on', 'started_on']),
]


# A record's events, now in time order too, so that the audit log filtered by record reads them newest first
# from the index instead of the planner walking every event of the kind by time.
WIDENED = ('ix_audit_events_entity', 'audit_events', ['entity_type', 'entity_id'],
           ['entity_type', 'entity_id', 'occurred_at'])


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    name, table, before, after = WIDENED
    op.drop_index(name, table_name=table)
    op.create_index(name, table, after, unique=False)


def downgrade():
    name, table, before, after = WIDENED
    op.drop_index(name, table_name=table)
    op.create_index(name, table, before, unique=False)
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
