"""Notification preferences and reminders sent (issue 21, item 5)

`notification_preferences`: one row per user who chose how to receive reminders (immediate or a daily
digest; no row: immediate). `notification_opt_outs`: the kinds of reminder a user switched off (no row: on).
`reminders_sent`: every reminder that went out, unique on (kind, user_id, key), so that `flask send-reminders`
never sends one twice, not even when two runs overlap. And an index on `interview_assignments.scheduled_for`:
the scorecard reminder looks at everyone's interviews of a bounded period.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notification_preferences',
        sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('delivery', sa.String(length=10), server_default='immediate', nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("delivery IN ('immediate', 'digest')",
                           name=op.f('ck_notification_preferences_delivery_known')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_preferences')),
    )
    op.create_table(
        'notification_opt_outs',
        sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.CheckConstraint('length(kind) > 0', name=op.f('ck_notification_opt_outs_kind_not_empty')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_opt_outs_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_opt_outs')),
    )
    op.create_table(
        'reminders_sent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('delivery', sa.String(length=10), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('length(key) > 0', name=op.f('ck_reminders_sent_key_not_empty')),
        sa.CheckConstraint("delivery IN ('immediate', 'digest')", name=op.f('ck_reminders_sent_delivery_known')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reminders_sent_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders_sent')),
        sa.UniqueConstraint('kind', 'user_id', 'key', name=op.f('uq_reminders_sent_kind_user_id_key')),
    )
    op.create_index(op.f('ix_reminders_sent_user_id'), 'reminders_sent', ['user_id'], unique=False)
    op.create_index('ix_interview_assignments_scheduled_for', 'interview_assignments', ['scheduled_for'],
                    unique=False)


def downgrade():
    op.drop_index('ix_interview_assignments_scheduled_for', table_name='interview_assignments')
    op.drop_index(op.f('ix_reminders_sent_user_id'), table_name='reminders_sent')
    op.drop_table('reminders_sent')
    op.drop_table('notification_opt_outs')
    op.drop_table('notification_preferences')
