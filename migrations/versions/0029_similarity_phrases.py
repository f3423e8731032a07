"""the company's list of similarity phrases and the similarity flags on scorecards (issue 23, item 4)

A new table `similarity_phrases`: the phrases that speak of liking or sameness rather than of behaviour, as the
company wrote them and folded (case and accents ignored, words single-spaced; unique), seeded with a list in
English and Dutch. `scorecards.similarity_flags`: how many of a submitted scorecard's core values' evidence use
one of them (0 for drafts), counted for every scorecard already submitted by this migration itself.

Only ADD COLUMN on `scorecards`, never a batch rebuild (see 0002 and 0024): on SQLite the CHECK is the new
column's own, on PostgreSQL a named table constraint.

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-30 05:00:00

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

FLAGS_CHECK = 'similarity_flags >= 0'
# The list as of this migration, each with its folded form (hiring/values/similarity.fold_phrase, frozen
# here: a migration must not change when the app's code does). Likeness, sameness, liking and hunches, never
# a behaviour: "fits in" says nothing of what the candidate did. "klik*" matches klikt, klikte, klikten.
DEFAULTS = (
    ('fits in', 'fits in'), ('fit in', 'fit in'), ('one of us', 'one of us'), ('good vibe', 'good vibe'),
    ('good vibes', 'good vibes'), ('would have a beer with', 'would have a beer with'),
    ('grab a beer with', 'grab a beer with'), ('like me', 'like me'), ('reminds me of myself', 'reminds me of myself'),
    ('reminds me of me', 'reminds me of me'), ('gut feeling', 'gut feeling'), ('clicked', 'clicked'),
    ('we click', 'we click'), ('culture fit', 'culture fit'), ('our kind of person', 'our kind of person'),
    ('on the same wavelength', 'on the same wavelength'), ('felt right', 'felt right'),
    ('likeable', 'likeable'), ('likable', 'likable'),
    ('past erbij', 'past erbij'), ('past goed in het team', 'past goed in het team'),
    ('past in het team', 'past in het team'), ('een van ons', 'een van ons'),
    ('goede vibe', 'goede vibe'), ('goede vibes', 'goede vibes'), ('biertje', 'biertje'),
    ('klik*', 'klik*'), ('onderbuikgevoel', 'onderbuikgevoel'), ('net als ik', 'net als ik'),
    ('net als wij', 'net als wij'), ('ons soort mensen', 'ons soort mensen'), ('voelde goed', 'voelde goed'),
    ('op dezelfde golflengte', 'op dezelfde golflengte'), ('sympathiek', 'sympathiek'),
)


def upgrade():
    phrases = op.create_table(
        'similarity_phrases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phrase', sa.String(length=80), nullable=False),
        sa.Column('folded', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('length(trim(phrase)) > 0', name=op.f('ck_similarity_phrases_phrase_not_blank')),
        sa.CheckConstraint('length(folded) > 0', name=op.f('ck_similarity_phrases_folded_not_blank')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_similarity_phrases_created_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_similarity_phrases')),
        sa.UniqueConstraint('folded', name=op.f('uq_similarity_phrases_folded')),
    )
    op.create_index(op.f('ix_similarity_phrases_created_by_id'), 'similarity_phrases', ['created_by_id'],
                    unique=False)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(phrases, [{'phrase': phrase, 'folded': folded, 'created_at': now, 'created_by_id': None}
                             for phrase, folded in DEFAULTS])
    if op.get_bind().dialect.name == 'sqlite':
        op.add_column('scorecards', sa.Column(
            'similarity_flags', sa.SmallInteger(),
            sa.CheckConstraint(FLAGS_CHECK, name=op.f('ck_scorecards_similarity_flags_not_negative')),
            server_default='0', nullable=False))
    else:
        op.add_column('scorecards', sa.Column('similarity_flags', sa.SmallInteger(), server_default='0',
                                              nullable=False))
        op.create_check_constraint(op.f('ck_scorecards_similarity_flags_not_negative'), 'scorecards', FLAGS_CHECK)
    _count_submitted_scorecards([phrase for phrase, _folded in DEFAULTS])


def _count_submitted_scorecards(phrases, batch=2000):
    """Every scorecard submitted before this migration counted with the default list, so that the calibration
    page's counts are true from the first day, not only after the list is first changed. The matching is the
    app's own (hiring/values/similarity.py, pure), as the recount task's would be; the rows are read and
    written with plain SQL, as they stand at this revision."""
    from hiring.values.similarity import Matcher

    found = Matcher.of(phrases)
    bind = op.get_bind()
    last = 0
    while True:
        ids = bind.execute(sa.text(
            "SELECT id FROM scorecards WHERE status = 'submitted' AND id > :last ORDER BY id LIMIT :batch"),
            {"last": last, "batch": batch}).scalars().all()
        if not ids:
            break
        evidence = {}
        for card_id, text in bind.execute(sa.text(
                "SELECT scorecard_id, evidence FROM ratings WHERE scorecard_id BETWEEN :low AND :high "
                "AND core_value_id IS NOT NULL AND evidence <> ''"), {"low": ids[0], "high": ids[-1]}):
            evidence.setdefault(card_id, []).append(text)
        counted = [{"card": card_id, "n": n} for card_id, texts in evidence.items() if (n := found.count(texts))]
        if counted:
            bind.execute(sa.text("UPDATE scorecards SET similarity_flags = :n WHERE id = :card"), counted)
        last = ids[-1]


def downgrade():
    # Not batch_alter_table: on SQLite that would rebuild `scorecards` (and cascade to its ratings).
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_scorecards_similarity_flags_not_negative'), 'scorecards', type_='check')
    op.drop_column('scorecards', 'similarity_flags')
    op.drop_index(op.f('ix_similarity_phrases_created_by_id'), table_name='similarity_phrases')
    op.drop_table('similarity_phrases')
