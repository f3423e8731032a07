"""Coded rejection reasons and the candidate's language (issue 21, item 2; issue 22, item 2)

A new table `rejection_reasons`, the list the company edits (a short code, a label for staff in English and
optionally Dutch, optionally the words a candidate may read per language, a position, retired or not), seeded
with a usual list. `applications.rejection_reason_id`: the reason of a rejected application; a foreign key
with no ON DELETE action, so that a reason in use cannot be deleted, only retired. `candidates.language`: the
language the candidate's messages go in ('en' or 'nl'; null: the company's).

Only ADD COLUMN on `applications` and `candidates`, never a batch rebuild (see 0002: a rebuild of
`candidates` on SQLite cascades deletes to the applications): on SQLite the CHECK and the REFERENCES clause
are the new columns' own (as in 0017 and 0022), on PostgreSQL named table constraints.

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-29 18:30:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

LANGUAGE_CHECK = "language IS NULL OR language IN ('en', 'nl')"
# The usual list, as of this migration (a frozen copy: hiring/pipeline/rejection_reasons.DEFAULTS is the app's,
# used by seed-demo): code, label, Dutch label, candidate's words, candidate's words in Dutch.
DEFAULTS = (
    ('requirements', "Does not meet the job's requirements", 'Voldoet niet aan de eisen van de functie',
     'Your experience does not match what this job asks for closely enough.',
     'Je ervaring sluit niet goed genoeg aan bij wat deze functie vraagt.'),
    ('values_fit', 'Not a fit with our core values', 'Past niet bij onze kernwaarden', None, None),
    ('stronger_candidates', 'Other candidates were a closer match', 'Andere kandidaten pasten beter',
     'Other candidates matched the job more closely.', 'Andere kandidaten sloten beter aan bij de functie.'),
    ('position_filled', 'The position was filled', 'De vacature is vervuld',
     'The position has been filled.', 'De vacature is inmiddels vervuld.'),
    ('terms', 'Salary or terms do not match', 'Salaris of voorwaarden sluiten niet aan',
     'We could not agree on salary or terms.', 'We konden het niet eens worden over salaris of voorwaarden.'),
    ('no_show', 'Did not come to the interview', 'Niet op het gesprek verschenen', None, None),
    ('work_permit', 'No permit to work here', 'Geen werkvergunning', None, None),
)


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    reasons = op.create_table(
        'rejection_reasons',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('label', sa.String(length=120), nullable=False),
        sa.Column('label_nl', sa.String(length=120), nullable=True),
        sa.Column('candidate_text', sa.String(length=500), nullable=True),
        sa.Column('candidate_text_nl', sa.String(length=500), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('retired_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('length(code) BETWEEN 1 AND 40 AND code = lower(code)',
                           name=op.f('ck_rejection_reasons_code_form')),
        sa.CheckConstraint('length(trim(label)) > 0', name=op.f('ck_rejection_reasons_label_not_blank')),
        sa.CheckConstraint('position >= 0', name=op.f('ck_rejection_reasons_position_not_negative')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rejection_reasons')),
        sa.UniqueConstraint('code', name=op.f('uq_rejection_reasons_code')),
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(reasons, [
        {'code': code, 'label': label, 'label_nl': label_nl, 'candidate_text': text, 'candidate_text_nl': text_nl,
         'position': position, 'retired_at': None, 'created_at': now}
        for position, (code, label, label_nl, text, text_nl) in enumerate(DEFAULTS)])
    if sqlite:
        # The column's own REFERENCES clause (no ON DELETE action: a reason in use cannot be deleted).
        op.execute('ALTER TABLE applications ADD COLUMN rejection_reason_id INTEGER CONSTRAINT '
                   'fk_applications_rejection_reason_id_rejection_reasons REFERENCES rejection_reasons (id)')
        op.add_column('candidates', sa.Column(
            'language', sa.String(length=10),
            sa.CheckConstraint(LANGUAGE_CHECK, name=op.f('ck_candidates_language_supported')), nullable=True))
    else:
        op.add_column('applications', sa.Column('rejection_reason_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_applications_rejection_reason_id_rejection_reasons'), 'applications',
                              'rejection_reasons', ['rejection_reason_id'], ['id'])
        op.add_column('candidates', sa.Column('language', sa.String(length=10), nullable=True))
        op.create_check_constraint(op.f('ck_candidates_language_supported'), 'candidates', LANGUAGE_CHECK)
    op.create_index(op.f('ix_applications_rejection_reason_id'), 'applications', ['rejection_reason_id'],
                    unique=False)


def downgrade():
    # Not batch_alter_table: on SQLite that would rebuild `candidates` and `applications` (see 0002).
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_candidates_language_supported'), 'candidates', type_='check')
        op.drop_constraint(op.f('fk_applications_rejection_reason_id_rejection_reasons'), 'applications',
                           type_='foreignkey')
    op.drop_column('candidates', 'language')
    op.drop_index(op.f('ix_applications_rejection_reason_id'), table_name='applications')
    op.drop_column('applications', 'rejection_reason_id')
    op.drop_table('rejection_reasons')
