"""Initial schema: the whole domain model, reviewed by hand (boolean defaults portable to PostgreSQL).

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 04:17:08.989138

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('candidates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('source', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_candidates_email_lowercase')),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_candidates_name_not_blank')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidates')),
    sa.UniqueConstraint('email', name=op.f('uq_candidates_email'))
    )
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidates_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidates_name'), ['name'], unique=False)

    op.create_table('core_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('anchor_1', sa.Text(), nullable=False),
    sa.Column('anchor_2', sa.Text(), nullable=False),
    sa.Column('anchor_3', sa.Text(), nullable=False),
    sa.Column('anchor_4', sa.Text(), nullable=False),
    sa.Column('anchor_5', sa.Text(), nullable=False),
    sa.Column('questions', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_core_values_name_not_blank')),
    sa.CheckConstraint('position >= 0', name=op.f('ck_core_values_position_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_values')),
    sa.UniqueConstraint('name', name=op.f('uq_core_values_name'))
    )
    with op.batch_alter_table('core_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_values_position'), ['position'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_values_retired_at'), ['retired_at'], unique=False)

    op.create_table('programme_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.Enum('new_hire', 'mentor', 'hr', name='task_owner', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('required', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('sign_off', sa.Enum('none', 'mentor', 'hr', name='sign_off', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_programme_tasks_title_not_blank')),
    sa.CheckConstraint('position >= 0', name=op.f('ck_programme_tasks_position_not_negative')),
    sa.CheckConstraint('week BETWEEN 1 AND 5', name=op.f('ck_programme_tasks_week_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_tasks'))
    )
    with op.batch_alter_table('programme_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_programme_tasks_week_position', ['week', 'position'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('admin', 'hr', 'recruiter', 'interviewer', 'new_hire', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_users_email_lowercase')),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_users_name_not_blank')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_role'), ['role'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('entity_type', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.CheckConstraint('length(trim(action)) > 0', name=op.f('ck_audit_events_action_not_blank')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_events_entity', ['entity_type', 'entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('requirements_threshold', sa.Integer(), nullable=False),
    sa.Column('values_threshold', sa.Integer(), nullable=False),
    sa.Column('hiring_manager_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('open', 'closed', name='job_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(trim(title)) > 0', name=op.f('ck_jobs_title_not_blank')),
    sa.CheckConstraint('requirements_threshold BETWEEN 0 AND 100', name=op.f('ck_jobs_requirements_threshold_range')),
    sa.CheckConstraint('values_threshold BETWEEN 0 AND 100', name=op.f('ck_jobs_values_threshold_range')),
    sa.ForeignKeyConstraint(['hiring_manager_id'], ['users.id'], name=op.f('fk_jobs_hiring_manager_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_hiring_manager_id'), ['hiring_manager_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_status'), ['status'], unique=False)

    op.create_table('offer_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('timing', sa.Enum('graduation', 'after_week', name='offer_timing', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('after_week', sa.Integer(), nullable=True),
    sa.Column('decision_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(timing = 'after_week') = (after_week IS NOT NULL)", name=op.f('ck_offer_policies_after_week_with_timing')),
    sa.CheckConstraint('after_week IS NULL OR after_week BETWEEN 1 AND 5', name=op.f('ck_offer_policies_after_week_range')),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_offer_policies_amount_positive')),
    sa.CheckConstraint('decision_days BETWEEN 1 AND 90', name=op.f('ck_offer_policies_decision_days_range')),
    sa.CheckConstraint('length(currency) = 3 AND currency = upper(currency)', name=op.f('ck_offer_policies_currency_iso')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_offer_policies_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_policies'))
    )
    with op.batch_alter_table('offer_policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_policies_updated_by_id'), ['updated_by_id'], unique=False)

    op.create_table('self_identifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('declined', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('gender', sa.String(length=60), nullable=True),
    sa.Column('ethnicity', sa.String(length=80), nullable=True),
    sa.Column('age_band', sa.String(length=20), nullable=True),
    sa.Column('disability', sa.String(length=20), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('NOT declined OR (gender IS NULL AND ethnicity IS NULL AND age_band IS NULL AND disability IS NULL)', name=op.f('ck_self_identifications_declined_means_empty')),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_self_identifications_candidate_id_candidates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_identifications')),
    sa.UniqueConstraint('candidate_id', name=op.f('uq_self_identifications_candidate_id'))
    )
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('applied', 'screening', 'interviewing', 'decision', 'hired', 'rejected', 'withdrawn', name='stage', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('applied_at', sa.DateTime(), nullable=False),
    sa.Column('stage_changed_at', sa.DateTime(), nullable=False),
    sa.Column('requirements_fit', sa.Float(), nullable=True),
    sa.Column('values_fit', sa.Float(), nullable=True),
    sa.Column('gate_result', sa.Enum('passes', 'fails', 'incomplete', name='gate_result', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('gate_reasons', sa.JSON(), nullable=True),
    sa.Column('scored_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('requirements_fit IS NULL OR requirements_fit BETWEEN 0 AND 100', name=op.f('ck_applications_requirements_fit_range')),
    sa.CheckConstraint('values_fit IS NULL OR values_fit BETWEEN 0 AND 100', name=op.f('ck_applications_values_fit_range')),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_applications_candidate_id_candidates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_applications_job_id_jobs'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('candidate_id', 'job_id', name=op.f('uq_applications_candidate_id_job_id'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_applied_at'), ['applied_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_gate_result'), ['gate_result'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_job_id'), ['job_id'], unique=False)
        batch_op.create_index('ix_applications_job_id_stage', ['job_id', 'stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_requirements_fit'), ['requirements_fit'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_stage'), ['stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_values_fit'), ['values_fit'], unique=False)

    op.create_table('requirements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('must_have', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('anchor_1', sa.Text(), nullable=True),
    sa.Column('anchor_2', sa.Text(), nullable=True),
    sa.Column('anchor_3', sa.Text(), nullable=True),
    sa.Column('anchor_4', sa.Text(), nullable=True),
    sa.Column('anchor_5', sa.Text(), nullable=True),
    sa.Column('questions', sa.Text(), nullable=False),
    sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_requirements_name_not_blank')),
    sa.CheckConstraint('position >= 0', name=op.f('ck_requirements_position_not_negative')),
    sa.CheckConstraint('weight BETWEEN 1 AND 100', name=op.f('ck_requirements_weight_range')),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_requirements_job_id_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_requirements')),
    sa.UniqueConstraint('job_id', 'name', name=op.f('uq_requirements_job_id_name'))
    )
    with op.batch_alter_table('requirements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_requirements_job_id'), ['job_id'], unique=False)

    op.create_table('hires',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Enum('offer_accepted', 'resigned', 'dismissed', 'other', name='end_reason', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(end_date IS NULL) = (end_reason IS NULL)', name=op.f('ck_hires_end_has_reason')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_hires_end_after_start')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_hires_application_id_applications'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_hires_mentor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_hires_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hires')),
    sa.UniqueConstraint('application_id', name=op.f('uq_hires_application_id')),
    sa.UniqueConstraint('user_id', name=op.f('uq_hires_user_id'))
    )
    with op.batch_alter_table('hires', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hires_end_date'), ['end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_hires_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hires_start_date'), ['start_date'], unique=False)

    op.create_table('interview_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('interviewer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('skills', 'values', 'hiring_manager', name='interview_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.Column('scheduled_for', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_interview_assignments_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_interview_assignments_assigned_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['interviewer_id'], ['users.id'], name=op.f('fk_interview_assignments_interviewer_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interview_assignments')),
    sa.UniqueConstraint('application_id', 'interviewer_id', 'kind', name=op.f('uq_interview_assignments_application_id_interviewer_id_kind'))
    )
    with op.batch_alter_table('interview_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_assignments_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interview_assignments_assigned_by_id'), ['assigned_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interview_assignments_interviewer_id'), ['interviewer_id'], unique=False)

    op.create_table('stage_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('from_stage', sa.Enum('applied', 'screening', 'interviewing', 'decision', 'hired', 'rejected', 'withdrawn', name='from_stage', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('to_stage', sa.Enum('applied', 'screening', 'interviewing', 'decision', 'hired', 'rejected', 'withdrawn', name='to_stage', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_stage_changes_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_stage_changes_changed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_changes'))
    )
    with op.batch_alter_table('stage_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_changes_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stage_changes_changed_by_id'), ['changed_by_id'], unique=False)

    op.create_table('enrollments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hire_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('completed_on IS NULL OR completed_on >= started_on', name=op.f('ck_enrollments_completed_after_start')),
    sa.ForeignKeyConstraint(['hire_id'], ['hires.id'], name=op.f('fk_enrollments_hire_id_hires'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollments')),
    sa.UniqueConstraint('hire_id', name=op.f('uq_enrollments_hire_id'))
    )
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollments_completed_on'), ['completed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollments_started_on'), ['started_on'], unique=False)

    op.create_table('quit_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hire_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('offered_at', sa.DateTime(), nullable=False),
    sa.Column('offered_by_id', sa.Integer(), nullable=True),
    sa.Column('deadline', sa.DateTime(), nullable=False),
    sa.Column('decision', sa.Enum('taken', 'stayed', 'expired', name='offer_decision', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('paid_minor', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('(decision IS NULL) = (decided_at IS NULL)', name=op.f('ck_quit_offers_decision_has_time')),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_quit_offers_amount_positive')),
    sa.CheckConstraint('deadline > offered_at', name=op.f('ck_quit_offers_deadline_after_offer')),
    sa.CheckConstraint('length(currency) = 3 AND currency = upper(currency)', name=op.f('ck_quit_offers_currency_iso')),
    sa.ForeignKeyConstraint(['hire_id'], ['hires.id'], name=op.f('fk_quit_offers_hire_id_hires'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offered_by_id'], ['users.id'], name=op.f('fk_quit_offers_offered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_quit_offers_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quit_offers')),
    sa.UniqueConstraint('hire_id', name=op.f('uq_quit_offers_hire_id'))
    )
    with op.batch_alter_table('quit_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quit_offers_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_quit_offers_decision'), ['decision'], unique=False)
        batch_op.create_index(batch_op.f('ix_quit_offers_offered_at'), ['offered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_quit_offers_offered_by_id'), ['offered_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quit_offers_recorded_by_id'), ['recorded_by_id'], unique=False)

    op.create_table('scorecards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', name='scorecard_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('recommendation', sa.Enum('strong_no', 'no', 'yes', 'strong_yes', name='recommendation', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('key_takeaways', sa.Text(), nullable=False),
    sa.Column('culture_veto', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('veto_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("NOT culture_veto OR length(trim(coalesce(veto_reason, ''))) > 0", name=op.f('ck_scorecards_veto_needs_reason')),
    sa.CheckConstraint("status = 'draft' OR (recommendation IS NOT NULL AND submitted_at IS NOT NULL)", name=op.f('ck_scorecards_submitted_is_complete')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_scorecards_version_positive')),
    sa.ForeignKeyConstraint(['assignment_id'], ['interview_assignments.id'], name=op.f('fk_scorecards_assignment_id_interview_assignments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecards')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_scorecards_assignment_id'))
    )
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorecards_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_scorecards_submitted_at'), ['submitted_at'], unique=False)

    op.create_table('enrollment_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('programme_task_id', sa.Integer(), nullable=True),
    sa.Column('week', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.Enum('new_hire', 'mentor', 'hr', name='task_owner', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('required', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('sign_off', sa.Enum('none', 'mentor', 'hr', name='sign_off', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('signed_off_at', sa.DateTime(), nullable=True),
    sa.Column('signed_off_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_back_comment', sa.Text(), nullable=True),
    sa.CheckConstraint('(done_at IS NULL) = (done_by_id IS NULL)', name=op.f('ck_enrollment_tasks_done_has_who')),
    sa.CheckConstraint('signed_off_at IS NULL OR done_at IS NOT NULL', name=op.f('ck_enrollment_tasks_signed_off_only_when_done')),
    sa.CheckConstraint('week BETWEEN 1 AND 5', name=op.f('ck_enrollment_tasks_week_range')),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_enrollment_tasks_done_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_enrollment_tasks_enrollment_id_enrollments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_task_id'], ['programme_tasks.id'], name=op.f('fk_enrollment_tasks_programme_task_id_programme_tasks'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['signed_off_by_id'], ['users.id'], name=op.f('fk_enrollment_tasks_signed_off_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment_tasks'))
    )
    with op.batch_alter_table('enrollment_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_tasks_done_by_id'), ['done_by_id'], unique=False)
        batch_op.create_index('ix_enrollment_tasks_enrollment_id_week', ['enrollment_id', 'week'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_tasks_programme_task_id'), ['programme_task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_tasks_signed_off_by_id'), ['signed_off_by_id'], unique=False)

    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scorecard_id', sa.Integer(), nullable=False),
    sa.Column('requirement_id', sa.Integer(), nullable=True),
    sa.Column('core_value_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.SmallInteger(), nullable=True),
    sa.Column('no_evidence', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.CheckConstraint('(requirement_id IS NULL) <> (core_value_id IS NULL)', name=op.f('ck_ratings_one_item')),
    sa.CheckConstraint('NOT (no_evidence AND score IS NOT NULL)', name=op.f('ck_ratings_no_evidence_has_no_score')),
    sa.CheckConstraint('score IS NULL OR score BETWEEN 1 AND 5', name=op.f('ck_ratings_score_range')),
    sa.ForeignKeyConstraint(['core_value_id'], ['core_values.id'], name=op.f('fk_ratings_core_value_id_core_values'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['requirement_id'], ['requirements.id'], name=op.f('fk_ratings_requirement_id_requirements'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['scorecard_id'], ['scorecards.id'], name=op.f('fk_ratings_scorecard_id_scorecards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('scorecard_id', 'core_value_id', name=op.f('uq_ratings_scorecard_id_core_value_id')),
    sa.UniqueConstraint('scorecard_id', 'requirement_id', name=op.f('uq_ratings_scorecard_id_requirement_id'))
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratings_core_value_id'), ['core_value_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratings_requirement_id'), ['requirement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ratings_scorecard_id'), ['scorecard_id'], unique=False)

    op.create_table('scorecard_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scorecard_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('amended_by_id', sa.Integer(), nullable=True),
    sa.Column('amended_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(trim(reason)) > 0', name=op.f('ck_scorecard_revisions_reason_not_blank')),
    sa.ForeignKeyConstraint(['amended_by_id'], ['users.id'], name=op.f('fk_scorecard_revisions_amended_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['scorecard_id'], ['scorecards.id'], name=op.f('fk_scorecard_revisions_scorecard_id_scorecards'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecard_revisions')),
    sa.UniqueConstraint('scorecard_id', 'version', name=op.f('uq_scorecard_revisions_scorecard_id_version'))
    )
    with op.batch_alter_table('scorecard_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorecard_revisions_amended_by_id'), ['amended_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scorecard_revisions_scorecard_id'), ['scorecard_id'], unique=False)



def downgrade():
    with op.batch_alter_table('scorecard_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorecard_revisions_scorecard_id'))
        batch_op.drop_index(batch_op.f('ix_scorecard_revisions_amended_by_id'))

    op.drop_table('scorecard_revisions')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratings_scorecard_id'))
        batch_op.drop_index(batch_op.f('ix_ratings_requirement_id'))
        batch_op.drop_index(batch_op.f('ix_ratings_core_value_id'))

    op.drop_table('ratings')
    with op.batch_alter_table('enrollment_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_tasks_signed_off_by_id'))
        batch_op.drop_index(batch_op.f('ix_enrollment_tasks_programme_task_id'))
        batch_op.drop_index('ix_enrollment_tasks_enrollment_id_week')
        batch_op.drop_index(batch_op.f('ix_enrollment_tasks_done_by_id'))

    op.drop_table('enrollment_tasks')
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scorecards_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_scorecards_status'))

    op.drop_table('scorecards')
    with op.batch_alter_table('quit_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quit_offers_recorded_by_id'))
        batch_op.drop_index(batch_op.f('ix_quit_offers_offered_by_id'))
        batch_op.drop_index(batch_op.f('ix_quit_offers_offered_at'))
        batch_op.drop_index(batch_op.f('ix_quit_offers_decision'))
        batch_op.drop_index(batch_op.f('ix_quit_offers_deadline'))

    op.drop_table('quit_offers')
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollments_started_on'))
        batch_op.drop_index(batch_op.f('ix_enrollments_completed_on'))

    op.drop_table('enrollments')
    with op.batch_alter_table('stage_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_changes_changed_by_id'))
        batch_op.drop_index(batch_op.f('ix_stage_changes_application_id'))

    op.drop_table('stage_changes')
    with op.batch_alter_table('interview_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_assignments_interviewer_id'))
        batch_op.drop_index(batch_op.f('ix_interview_assignments_assigned_by_id'))
        batch_op.drop_index(batch_op.f('ix_interview_assignments_application_id'))

    op.drop_table('interview_assignments')
    with op.batch_alter_table('hires', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hires_start_date'))
        batch_op.drop_index(batch_op.f('ix_hires_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_hires_end_date'))

    op.drop_table('hires')
    with op.batch_alter_table('requirements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_requirements_job_id'))

    op.drop_table('requirements')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_values_fit'))
        batch_op.drop_index(batch_op.f('ix_applications_stage'))
        batch_op.drop_index(batch_op.f('ix_applications_requirements_fit'))
        batch_op.drop_index('ix_applications_job_id_stage')
        batch_op.drop_index(batch_op.f('ix_applications_job_id'))
        batch_op.drop_index(batch_op.f('ix_applications_gate_result'))
        batch_op.drop_index(batch_op.f('ix_applications_candidate_id'))
        batch_op.drop_index(batch_op.f('ix_applications_applied_at'))

    op.drop_table('applications')
    op.drop_table('self_identifications')
    with op.batch_alter_table('offer_policies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_policies_updated_by_id'))

    op.drop_table('offer_policies')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_status'))
        batch_op.drop_index(batch_op.f('ix_jobs_hiring_manager_id'))

    op.drop_table('jobs')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_occurred_at'))
        batch_op.drop_index('ix_audit_events_entity')
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_role'))

    op.drop_table('users')
    with op.batch_alter_table('programme_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_programme_tasks_week_position')

    op.drop_table('programme_tasks')
    with op.batch_alter_table('core_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_values_retired_at'))
        batch_op.drop_index(batch_op.f('ix_core_values_position'))

    op.drop_table('core_values')
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidates_name'))
        batch_op.drop_index(batch_op.f('ix_candidates_created_at'))

    op.drop_table('candidates')
