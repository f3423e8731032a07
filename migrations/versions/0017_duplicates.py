"""Likely duplicate candidates: the keys they are looked up by, the suspicions and the merges.

`candidates` gains three indexed keys (the phone's digits, the e-mail without dots or +tags where the provider
ignores them, the e-mail's domain with the name's first letters) and `merged_into_id`, the mark of a merged-away
shell; all added with ALTER TABLE ... ADD COLUMN, never a rebuild (see 0002: a rebuild of `candidates` on
SQLite cascades deletes to the applications). The keys of the candidates already there are computed here, a
chunk at a time, by the same functions the app uses (hiring/pipeline/duplicates.py): one rule, written once.
Candidates already in the database are not compared with each other here: only new ones raise suspicions.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

CHUNK = 1000
KEYS = (('phone_digits', 24), ('email_key', 254), ('name_block', 260))


def _backfill():
    from hiring.pipeline.duplicates import candidate_keys

    conn = op.get_bind()
    candidates = sa.table('candidates', sa.column('id', sa.Integer), sa.column('name', sa.String),
                          sa.column('email', sa.String), sa.column('phone', sa.String),
                          sa.column('anonymised_at', sa.DateTime),
                          *(sa.column(name, sa.String) for name, _length in KEYS))
    last = 0
    while True:
        rows = conn.execute(sa.select(candidates.c.id, candidates.c.name, candidates.c.email, candidates.c.phone)
                            .where(candidates.c.id > last, candidates.c.anonymised_at.is_(None))
                            .order_by(candidates.c.id).limit(CHUNK)).all()
        if not rows:
            return
        conn.execute(sa.update(candidates).where(candidates.c.id == sa.bindparam('cid')).values(
            {name: sa.bindparam(name) for name, _length in KEYS}),
            [{'cid': cid, **candidate_keys(name, email, phone)} for cid, name, email, phone in rows])
        last = rows[-1][0]


def upgrade():
    for name, length in KEYS:
        op.add_column('candidates', sa.Column(name, sa.String(length=length), nullable=True))
        op.create_index(op.f(f'ix_candidates_{name}'), 'candidates', [name], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite adds a column's own REFERENCES clause in ALTER TABLE; Alembic would ask for a table constraint,
        # which SQLite cannot add without a rebuild. No ON DELETE action: SQLite's reflection reads none from
        # a column's clause, and none is wanted (a candidate with a shell merged into it is never deleted).
        op.execute('ALTER TABLE candidates ADD COLUMN merged_into_id INTEGER CONSTRAINT '
                   'fk_candidates_merged_into_id_candidates REFERENCES candidates (id)')
    else:
        op.add_column('candidates', sa.Column('merged_into_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_candidates_merged_into_id_candidates'), 'candidates', 'candidates',
                              ['merged_into_id'], ['id'])
    op.create_index(op.f('ix_candidates_merged_into_id'), 'candidates', ['merged_into_id'], unique=False)
    op.create_table(
        'duplicate_suspicions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('other_candidate_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Enum('same_phone', 'same_email', 'similar_name', name='suspicion_reason',
                                    native_enum=False, create_constraint=True, length=12), nullable=False),
        sa.Column('found_at', sa.DateTime(), nullable=False),
        sa.Column('state', sa.Enum('open', 'merged', 'dismissed', name='suspicion_state', native_enum=False,
                                   create_constraint=True, length=9), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('other_candidate_id < candidate_id', name=op.f('ck_duplicate_suspicions_older_other')),
        sa.CheckConstraint("(state = 'open') = (decided_at IS NULL)",
                           name=op.f('ck_duplicate_suspicions_decided_when_closed')),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'],
                                name=op.f('fk_duplicate_suspicions_candidate_id_candidates'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['other_candidate_id'], ['candidates.id'],
                                name=op.f('fk_duplicate_suspicions_other_candidate_id_candidates'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_duplicate_suspicions_decided_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_suspicions')),
        sa.UniqueConstraint('candidate_id', 'other_candidate_id',
                            name=op.f('uq_duplicate_suspicions_candidate_id_other_candidate_id')),
    )
    op.create_index(op.f('ix_duplicate_suspicions_other_candidate_id'), 'duplicate_suspicions',
                    ['other_candidate_id'], unique=False)
    op.create_index(op.f('ix_duplicate_suspicions_decided_by_id'), 'duplicate_suspicions', ['decided_by_id'],
                    unique=False)
    op.create_index('ix_duplicate_suspicions_state_found_at', 'duplicate_suspicions', ['state', 'found_at'],
                    unique=False)
    op.create_table(
        'candidate_merges',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('suspicion_id', sa.Integer(), nullable=True),
        sa.Column('kept_id', sa.Integer(), nullable=False),
        sa.Column('merged_id', sa.Integer(), nullable=True),
        sa.Column('moved', sa.JSON(), nullable=False),
        sa.Column('merged_by_id', sa.Integer(), nullable=True),
        sa.Column('merged_at', sa.DateTime(), nullable=False),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.Column('undone_by_id', sa.Integer(), nullable=True),
        sa.Column('undone_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('confirmed_at IS NULL OR undone_at IS NULL',
                           name=op.f('ck_candidate_merges_confirmed_or_undone')),
        sa.ForeignKeyConstraint(['suspicion_id'], ['duplicate_suspicions.id'],
                                name=op.f('fk_candidate_merges_suspicion_id_duplicate_suspicions'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['kept_id'], ['candidates.id'], name=op.f('fk_candidate_merges_kept_id_candidates'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['merged_id'], ['candidates.id'],
                                name=op.f('fk_candidate_merges_merged_id_candidates'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['merged_by_id'], ['users.id'], name=op.f('fk_candidate_merges_merged_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'],
                                name=op.f('fk_candidate_merges_confirmed_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_candidate_merges_undone_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_merges')),
    )
    for column in ('suspicion_id', 'kept_id', 'merged_id', 'merged_by_id', 'confirmed_by_id', 'undone_by_id'):
        op.create_index(op.f(f'ix_candidate_merges_{column}'), 'candidate_merges', [column], unique=False)
    op.create_index('ix_candidate_merges_pending', 'candidate_merges', ['confirmed_at', 'undone_at', 'merged_at'],
                    unique=False)
    _backfill()


def downgrade():
    op.drop_index('ix_candidate_merges_pending', table_name='candidate_merges')
    for column in ('suspicion_id', 'kept_id', 'merged_id', 'merged_by_id', 'confirmed_by_id', 'undone_by_id'):
        op.drop_index(op.f(f'ix_candidate_merges_{column}'), table_name='candidate_merges')
    op.drop_table('candidate_merges')
    op.drop_index('ix_duplicate_suspicions_state_found_at', table_name='duplicate_suspicions')
    op.drop_index(op.f('ix_duplicate_suspicions_decided_by_id'), table_name='duplicate_suspicions')
    op.drop_index(op.f('ix_duplicate_suspicions_other_candidate_id'), table_name='duplicate_suspicions')
    op.drop_table('duplicate_suspicions')
    # Not batch_alter_table: on SQLite that would rebuild `candidates` (see 0002). The shells go back to being
    # ordinary candidates (with no applications), the merged_into_id mark with the column.
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_candidates_merged_into_id_candidates'), 'candidates', type_='foreignkey')
    op.drop_index(op.f('ix_candidates_merged_into_id'), table_name='candidates')
    op.drop_column('candidates', 'merged_into_id')
    for name, _length in reversed(KEYS):
        op.drop_index(op.f(f'ix_candidates_{name}'), table_name='candidates')
        op.drop_column('candidates', name)
