"""the review when a hire takes The Offer or leaves in the first year (issue 23, item 3)

Two new tables. `departure_reviews`: one per hire (deleted with it), draft or submitted, written by the mentor
or HR, with two short blameless texts. `departure_review_values`: per (review, core value) a verdict, shown,
not shown (the interview's values rating was a false positive) or unknown, with a short note; a core value that
was judged cannot be deleted (it is retired instead). And `ix_hires_ended`, a partial index of the hires who
left, latest first, for the reviews' list.

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-30 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'departure_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hire_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('draft', 'submitted', name='departure_review_status', native_enum=False,
                                    create_constraint=True, length=9), nullable=False),
        sa.Column('what_happened', sa.Text(), nullable=False),
        sa.Column('what_we_learn', sa.Text(), nullable=False),
        sa.Column('last_edited_by_id', sa.Integer(), nullable=True),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("(status = 'submitted') = (submitted_at IS NOT NULL)",
                           name=op.f('ck_departure_reviews_submitted_has_time')),
        sa.CheckConstraint('length(what_happened) <= 2000', name=op.f('ck_departure_reviews_what_happened_length')),
        sa.CheckConstraint('length(what_we_learn) <= 2000', name=op.f('ck_departure_reviews_what_we_learn_length')),
        sa.ForeignKeyConstraint(['hire_id'], ['hires.id'], name=op.f('fk_departure_reviews_hire_id_hires'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['last_edited_by_id'], ['users.id'],
                                name=op.f('fk_departure_reviews_last_edited_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'],
                                name=op.f('fk_departure_reviews_submitted_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_departure_reviews')),
        sa.UniqueConstraint('hire_id', name=op.f('uq_departure_reviews_hire_id')),
    )
    op.create_index(op.f('ix_departure_reviews_last_edited_by_id'), 'departure_reviews', ['last_edited_by_id'],
                    unique=False)
    op.create_index(op.f('ix_departure_reviews_submitted_by_id'), 'departure_reviews', ['submitted_by_id'],
                    unique=False)
    op.create_index('ix_departure_reviews_submitted_at', 'departure_reviews', ['submitted_at'], unique=False)
    op.create_table(
        'departure_review_values',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('core_value_id', sa.Integer(), nullable=False),
        sa.Column('verdict', sa.Enum('shown', 'not_shown', 'unknown', name='departure_verdict', native_enum=False,
                                     create_constraint=True, length=9), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.CheckConstraint('length(note) <= 500', name=op.f('ck_departure_review_values_note_length')),
        sa.ForeignKeyConstraint(['review_id'], ['departure_reviews.id'],
                                name=op.f('fk_departure_review_values_review_id_departure_reviews'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['core_value_id'], ['core_values.id'],
                                name=op.f('fk_departure_review_values_core_value_id_core_values'),
                                ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_departure_review_values')),
        sa.UniqueConstraint('review_id', 'core_value_id',
                            name=op.f('uq_departure_review_values_review_id_core_value_id')),
    )
    op.create_index(op.f('ix_departure_review_values_core_value_id'), 'departure_review_values', ['core_value_id'],
                    unique=False)
    op.create_index('ix_hires_ended', 'hires', ['end_date', 'id'], unique=False,
                    sqlite_where=sa.text('end_date IS NOT NULL'), postgresql_where=sa.text('end_date IS NOT NULL'))


def downgrade():
    op.drop_index('ix_hires_ended', table_name='hires')
    op.drop_index(op.f('ix_departure_review_values_core_value_id'), table_name='departure_review_values')
    op.drop_table('departure_review_values')
    op.drop_index('ix_departure_reviews_submitted_at', table_name='departure_reviews')
    op.drop_index(op.f('ix_departure_reviews_submitted_by_id'), table_name='departure_reviews')
    op.drop_index(op.f('ix_departure_reviews_last_edited_by_id'), table_name='departure_reviews')
    op.drop_table('departure_reviews')
