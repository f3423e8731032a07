"""A candidate's documents: a CV, a cover letter, others a recruiter adds, each with its content a stored file.

`candidate_files` holds the facts of each upload: whose (the candidate, maybe one application), what kind
(checked), the uploaded file's own name made safe to show (personal data, never a path or a download name), the
content type detected from the content, the size (positive) and who uploaded it when (none when the candidate
did, on the careers site). The content is a row of `stored_files` without expiry or owner, so that neither
the expiry purge nor a staff account's deletion removes it. Erasure deletes the stored file, and its chunks
and this row go with it (ON DELETE CASCADE); a candidate with files cannot be deleted as a row (RESTRICT),
which would leave their files behind; an application's deletion leaves the file the candidate's (SET NULL).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'candidate_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=True),
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('cv', 'cover_letter', 'other', name='candidate_file_kind', native_enum=False,
                                  create_constraint=True), nullable=False),
        sa.Column('display_name', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('size > 0', name=op.f('ck_candidate_files_size_positive')),
        sa.CheckConstraint('length(display_name) > 0', name=op.f('ck_candidate_files_display_name_not_empty')),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'],
                                name=op.f('fk_candidate_files_candidate_id_candidates'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_candidate_files_application_id_applications'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'],
                                name=op.f('fk_candidate_files_file_id_stored_files'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'],
                                name=op.f('fk_candidate_files_uploaded_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_files')),
        sa.UniqueConstraint('file_id', name=op.f('uq_candidate_files_file_id')),
    )
    op.create_index('ix_candidate_files_candidate_id_uploaded_at', 'candidate_files',
                    ['candidate_id', 'uploaded_at'], unique=False)
    op.create_index(op.f('ix_candidate_files_application_id'), 'candidate_files', ['application_id'], unique=False)
    op.create_index(op.f('ix_candidate_files_uploaded_by_id'), 'candidate_files', ['uploaded_by_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_candidate_files_uploaded_by_id'), table_name='candidate_files')
    op.drop_index(op.f('ix_candidate_files_application_id'), table_name='candidate_files')
    op.drop_index('ix_candidate_files_candidate_id_uploaded_at', table_name='candidate_files')
    op.drop_table('candidate_files')
