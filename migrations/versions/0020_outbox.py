"""The outbox: e-mail written in the action's transaction and sent by the task runner (issue 21)

Two new tables, nothing altered: `outbox_messages` (one e-mail to one address, its state of sending) and
`outbox_attachments` (a small file sent with one, kept in the row). A message to a candidate or a user goes
with them (ON DELETE CASCADE); erasure, which keeps the candidate's row, deletes their messages itself.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient', sa.String(length=320), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('candidate_id', sa.Integer(), nullable=True),
        sa.Column('resend_of_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('language', sa.String(length=10), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('text_body', sa.Text(), nullable=False),
        sa.Column('html_body', sa.Text(), nullable=True),
        sa.Column('message_id', sa.String(length=250), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('delivery', sa.String(length=10), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=40), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'sending', 'sent', 'failed', 'unknown')",
                           name=op.f('ck_outbox_messages_state_known')),
        sa.CheckConstraint("delivery IS NULL OR delivery IN ('smtp', 'kept')",
                           name=op.f('ck_outbox_messages_delivery_known')),
        sa.CheckConstraint("(state = 'sent') = (sent_at IS NOT NULL AND delivery IS NOT NULL)",
                           name=op.f('ck_outbox_messages_sent_has_time_and_delivery')),
        sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_messages_attempts_not_negative')),
        sa.CheckConstraint('length(recipient) > 0', name=op.f('ck_outbox_messages_recipient_not_empty')),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'],
                                name=op.f('fk_outbox_messages_candidate_id_candidates'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['resend_of_id'], ['outbox_messages.id'],
                                name=op.f('fk_outbox_messages_resend_of_id_outbox_messages'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_outbox_messages_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
        sa.UniqueConstraint('message_id', name=op.f('uq_outbox_messages_message_id')),
    )
    op.create_index(op.f('ix_outbox_messages_candidate_id'), 'outbox_messages', ['candidate_id'], unique=False)
    op.create_index(op.f('ix_outbox_messages_user_id'), 'outbox_messages', ['user_id'], unique=False)
    op.create_index(op.f('ix_outbox_messages_resend_of_id'), 'outbox_messages', ['resend_of_id'], unique=False)
    op.create_index('ix_outbox_messages_state_id', 'outbox_messages', ['state', 'id'], unique=False)
    op.create_index('ix_outbox_messages_state_next_attempt_at', 'outbox_messages', ['state', 'next_attempt_at'],
                    unique=False)
    op.create_table(
        'outbox_attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.CheckConstraint('length(filename) > 0', name=op.f('ck_outbox_attachments_filename_not_empty')),
        sa.ForeignKeyConstraint(['message_id'], ['outbox_messages.id'],
                                name=op.f('fk_outbox_attachments_message_id_outbox_messages'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_attachments')),
    )
    op.create_index(op.f('ix_outbox_attachments_message_id'), 'outbox_attachments', ['message_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_outbox_attachments_message_id'), table_name='outbox_attachments')
    op.drop_table('outbox_attachments')
    op.drop_index('ix_outbox_messages_state_next_attempt_at', table_name='outbox_messages')
    op.drop_index('ix_outbox_messages_state_id', table_name='outbox_messages')
    op.drop_index(op.f('ix_outbox_messages_resend_of_id'), table_name='outbox_messages')
    op.drop_index(op.f('ix_outbox_messages_user_id'), table_name='outbox_messages')
    op.drop_index(op.f('ix_outbox_messages_candidate_id'), table_name='outbox_messages')
    op.drop_table('outbox_messages')
