"""The job's own questions on the application form, and the answers (issue 20)

Two new tables, nothing altered: `job_questions` (a job's questions, retired rather than deleted once answered)
and `application_answers` (a candidate's answer to one of them, deleted with the application and on erasure).

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29 15:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('text', sa.String(length=300), nullable=False),
        sa.Column('hint', sa.String(length=300), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('retired_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('length(trim(text)) BETWEEN 1 AND 300', name=op.f('ck_job_questions_text_length')),
        sa.CheckConstraint('hint IS NULL OR length(trim(hint)) BETWEEN 1 AND 300',
                           name=op.f('ck_job_questions_hint_length')),
        sa.CheckConstraint('position >= 0', name=op.f('ck_job_questions_position_not_negative')),
        sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_job_questions_job_id_jobs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_questions')),
    )
    op.create_index('ix_job_questions_job_id_position', 'job_questions', ['job_id', 'position'], unique=False)
    op.create_table(
        'application_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.CheckConstraint('length(trim(text)) BETWEEN 1 AND 2000',
                           name=op.f('ck_application_answers_text_length')),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_application_answers_application_id_applications'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['question_id'], ['job_questions.id'],
                                name=op.f('fk_application_answers_question_id_job_questions'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_application_answers')),
        sa.UniqueConstraint('application_id', 'question_id',
                            name=op.f('uq_application_answers_application_id_question_id')),
    )
    op.create_index(op.f('ix_application_answers_question_id'), 'application_answers', ['question_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_application_answers_question_id'), table_name='application_answers')
    op.drop_table('application_answers')
    op.drop_index('ix_job_questions_job_id_position', table_name='job_questions')
    op.drop_table('job_questions')
