"""The company's own wording of each message, per language (issue 21, item 2)

One new table, nothing altered: `message_templates`, the subject and plain-text body the company saved for a
kind of message (hiring/mail/messages.py) in one language; one row per kind and language. A kind without a
row is sent in its default wording.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29 16:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'message_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('language', sa.String(length=10), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('length(trim(kind)) > 0', name=op.f('ck_message_templates_kind_not_empty')),
        sa.CheckConstraint('length(trim(language)) > 0', name=op.f('ck_message_templates_language_not_empty')),
        sa.CheckConstraint('length(trim(subject)) > 0', name=op.f('ck_message_templates_subject_not_empty')),
        sa.CheckConstraint('length(trim(body)) > 0', name=op.f('ck_message_templates_body_not_empty')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_message_templates_updated_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_templates')),
        sa.UniqueConstraint('kind', 'language', name=op.f('uq_message_templates_kind_language')),
    )
    op.create_index(op.f('ix_message_templates_updated_by_id'), 'message_templates', ['updated_by_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_message_templates_updated_by_id'), table_name='message_templates')
    op.drop_table('message_templates')
