"""Personal access tokens for the JSON API (issue 24, item 1)

`api_tokens`: a user's token, its name, the scopes it grants, the SHA-256 digest of the token (the token itself
is shown once and kept nowhere), a prefix to tell tokens apart, and when it was made, expires, was last used and
was revoked. Deleting a user deletes their tokens.

Revision ID: 0033
Revises: 0032
Create Date: 2026-11-30 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('scopes', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=True),
        sa.Column('last_used_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint('length(trim(name)) > 0', name=op.f('ck_api_tokens_name_not_blank')),
        sa.CheckConstraint('length(token_hash) = 64', name=op.f('ck_api_tokens_token_hash_is_sha256')),
        sa.CheckConstraint('length(trim(scopes)) > 0', name=op.f('ck_api_tokens_scopes_not_blank')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash')),
    )
    op.create_index(op.f('ix_api_tokens_user_id'), 'api_tokens', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_api_tokens_user_id'), table_name='api_tokens')
    op.drop_table('api_tokens')
