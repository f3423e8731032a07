"""The week-5 values review (issue 23, item 1)

Two new tables. `values_reviews`: a review per (enrolment, kind), kind 'mentor' (the mentor's, or HR's when
the new hire has no mentor) or 'self' (the new hire's self-assessment), draft or submitted. `values_review_
ratings`: a rating per (review, core value), a score 1-5 or no evidence, with the evidence, as on a scorecard.
Deleting an enrolment deletes its reviews and their ratings; a core value that was rated cannot be deleted
(it is retired instead).

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-30 02:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'values_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enrollment_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('mentor', 'self', name='values_review_kind', native_enum=False,
                                  create_constraint=True, length=6), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.Enum('draft', 'submitted', name='values_review_status', native_enum=False,
                                    create_constraint=True, length=9), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("(status = 'submitted') = (submitted_at IS NOT NULL)",
                           name=op.f('ck_values_reviews_submitted_has_time')),
        sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'],
                                name=op.f('fk_values_reviews_enrollment_id_enrollments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'],
                                name=op.f('fk_values_reviews_reviewer_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_values_reviews')),
        sa.UniqueConstraint('enrollment_id', 'kind', name=op.f('uq_values_reviews_enrollment_id_kind')),
    )
    op.create_index(op.f('ix_values_reviews_reviewer_id'), 'values_reviews', ['reviewer_id'], unique=False)
    op.create_table(
        'values_review_ratings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('core_value_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.SmallInteger(), nullable=True),
        sa.Column('no_evidence', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('evidence', sa.Text(), nullable=False),
        sa.CheckConstraint('score IS NULL OR score BETWEEN 1 AND 5',
                           name=op.f('ck_values_review_ratings_score_range')),
        sa.CheckConstraint('NOT (no_evidence AND score IS NOT NULL)',
                           name=op.f('ck_values_review_ratings_no_evidence_has_no_score')),
        sa.ForeignKeyConstraint(['review_id'], ['values_reviews.id'],
                                name=op.f('fk_values_review_ratings_review_id_values_reviews'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['core_value_id'], ['core_values.id'],
                                name=op.f('fk_values_review_ratings_core_value_id_core_values'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_values_review_ratings')),
        sa.UniqueConstraint('review_id', 'core_value_id', name=op.f('uq_values_review_ratings_review_id_core_value_id')),
    )
    op.create_index(op.f('ix_values_review_ratings_core_value_id'), 'values_review_ratings', ['core_value_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_values_review_ratings_core_value_id'), table_name='values_review_ratings')
    op.drop_table('values_review_ratings')
    op.drop_index(op.f('ix_values_reviews_reviewer_id'), table_name='values_reviews')
    op.drop_table('values_reviews')
