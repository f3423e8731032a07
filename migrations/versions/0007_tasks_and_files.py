"""Background tasks and stored files: one task runner's state, and files every host reaches, in the database.

`tasks` replaces the JSON state files that report jobs kept in the instance folder (so that web processes and
workers may run on different machines): a random id, the kind and its JSON parameters (ids and codes only),
the user it is for, its state (checked), progress step, error code, attempts and times. A partial unique index
on the dedupe key lets one pending task (queued or running) stand for the same work asked twice.

`stored_files` and `file_chunks` hold files (prepared PDFs; later, uploads) as 1 MiB chunks, so that a big file
is written and streamed piece by piece. A user's tasks and files go with the user; a task outlives its file.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

PENDING = "state IN ('queued', 'running')"


def upgrade():
    op.create_table(
        'stored_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=True),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('size >= 0', name=op.f('ck_stored_files_size_not_negative')),
        sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_stored_files_sha256_is_hex')),
        sa.CheckConstraint('length(name) > 0', name=op.f('ck_stored_files_name_not_empty')),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_stored_files_owner_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_files')),
    )
    op.create_index(op.f('ix_stored_files_expires_at'), 'stored_files', ['expires_at'], unique=False)
    op.create_index(op.f('ix_stored_files_owner_id'), 'stored_files', ['owner_id'], unique=False)

    op.create_table(
        'file_chunks',
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.CheckConstraint('seq >= 0', name=op.f('ck_file_chunks_seq_not_negative')),
        sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_file_chunks_file_id_stored_files'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('file_id', 'seq', name=op.f('pk_file_chunks')),
    )

    op.create_table(
        'tasks',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('dedupe_key', sa.String(length=64), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('locale', sa.String(length=10), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('step', sa.String(length=40), nullable=True),
        sa.Column('error', sa.String(length=40), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('run_after', sa.DateTime(), nullable=True),
        sa.Column('file_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed', 'downloaded')",
                           name=op.f('ck_tasks_state_known')),
        sa.CheckConstraint('attempts >= 0', name=op.f('ck_tasks_attempts_not_negative')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_tasks_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_tasks_file_id_stored_files'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks')),
    )
    op.create_index('ix_tasks_user_id_kind_state', 'tasks', ['user_id', 'kind', 'state'], unique=False)
    op.create_index('ix_tasks_state_created_at', 'tasks', ['state', 'created_at'], unique=False)
    op.create_index(op.f('ix_tasks_file_id'), 'tasks', ['file_id'], unique=False)
    op.create_index('uq_tasks_pending_dedupe_key', 'tasks', ['dedupe_key'], unique=True,
                    sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING))


def downgrade():
    op.drop_index('uq_tasks_pending_dedupe_key', table_name='tasks')
    op.drop_index(op.f('ix_tasks_file_id'), table_name='tasks')
    op.drop_index('ix_tasks_state_created_at', table_name='tasks')
    op.drop_index('ix_tasks_user_id_kind_state', table_name='tasks')
    op.drop_table('tasks')
    op.drop_table('file_chunks')
    op.drop_index(op.f('ix_stored_files_owner_id'), table_name='stored_files')
    op.drop_index(op.f('ix_stored_files_expires_at'), table_name='stored_files')
    op.drop_table('stored_files')
