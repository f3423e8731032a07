"""Interviews with a date, time, place and calendar invitations (issue 21, item 3)

On `interview_assignments` (which had `scheduled_for`, the start in UTC): `duration_minutes` (5 to 480, 60 for
the rows there are), `time_zone` (the IANA zone the time was arranged in; null: the company's), `location`,
`video_link` (https only) and `calendar_sequence` (the iCalendar SEQUENCE of its invitations), and an index on
(interviewer_id, scheduled_for) for the agenda and the calendar feed. A new table `calendar_feeds`: one row per
user with a private feed address, found by the SHA-256 digest of the address's secret.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29 16:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


# (name, column, check): on PostgreSQL named table constraints; on SQLite the same expressions as column
# constraints, because adding a table constraint there means rebuilding the table (see 0010).
CHECKS = (
    ('ck_interview_assignments_duration_range', 'duration_minutes', 'duration_minutes BETWEEN 5 AND 480'),
    ('ck_interview_assignments_time_zone_length', 'time_zone',
     'time_zone IS NULL OR length(time_zone) BETWEEN 1 AND 64'),
    ('ck_interview_assignments_location_length', 'location',
     'location IS NULL OR length(trim(location)) BETWEEN 1 AND 200'),
    ('ck_interview_assignments_video_link_https', 'video_link',
     "video_link IS NULL OR (video_link LIKE 'https://%' AND length(video_link) <= 500)"),
    ('ck_interview_assignments_calendar_sequence_not_negative', 'calendar_sequence', 'calendar_sequence >= 0'),
)
COLUMNS = (  # name, type, server default, nullable
    ('duration_minutes', sa.Integer(), '60', False),
    ('time_zone', sa.String(length=64), None, True),
    ('location', sa.String(length=200), None, True),
    ('video_link', sa.String(length=500), None, True),
    ('calendar_sequence', sa.Integer(), '0', False),
)


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    checks = {column: (name, check) for name, column, check in CHECKS}
    for name, type_, default, nullable in COLUMNS:
        constraints = []
        if sqlite and name in checks:
            constraints.append(sa.CheckConstraint(checks[name][1], name=op.f(checks[name][0])))
        # ALTER TABLE ... ADD COLUMN: no rebuild, on either database.
        op.add_column('interview_assignments',
                      sa.Column(name, type_, *constraints, server_default=default, nullable=nullable))
    if not sqlite:
        for name, _column, check in CHECKS:
            op.create_check_constraint(op.f(name), 'interview_assignments', check)
    op.create_index('ix_interview_assignments_interviewer_id_scheduled_for', 'interview_assignments',
                    ['interviewer_id', 'scheduled_for'], unique=False)
    op.create_table(
        'calendar_feeds',
        sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('nonce', sa.String(length=32), nullable=False),
        sa.Column('token_digest', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('length(token_digest) = 64', name=op.f('ck_calendar_feeds_digest_length')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_calendar_feeds')),
        sa.UniqueConstraint('token_digest', name=op.f('uq_calendar_feeds_token_digest')),
    )


def downgrade():
    op.drop_table('calendar_feeds')
    op.drop_index('ix_interview_assignments_interviewer_id_scheduled_for', table_name='interview_assignments')
    if op.get_bind().dialect.name != 'sqlite':
        for name, _column, _check in CHECKS:
            op.drop_constraint(op.f(name), 'interview_assignments', type_='check')
    # Not batch_alter_table: on SQLite that would rebuild the table (see 0010).
    for name, *_rest in reversed(COLUMNS):
        op.drop_column('interview_assignments', name)
