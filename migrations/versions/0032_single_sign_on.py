"""single sign-on with OpenID Connect (issue 24, item 3)

`users` gains the identity at the company's OpenID provider an account signs in as (`sso_issuer`, `sso_subject`:
both or neither, one account per identity). `sso_settings` is the company's one row of settings: on or off, the
provider's name and issuer, the client id (the secret stays in the environment: SSO_CLIENT_SECRET), the claim
that carries roles and which of its values make which staff role, who decides roles afterwards, and whether
staff other than admins may still sign in with a password.

Revision ID: 0032
Revises: 0031
Create Date: 2026-11-30 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

WHOLE = ('ck_users_sso_identity_whole', '(sso_issuer IS NULL) = (sso_subject IS NULL)')


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    # ALTER TABLE ... ADD COLUMN, never batch_alter_table: on SQLite a rebuild of `users` would drop the table
    # its children's ON DELETE CASCADE hangs on. There the check goes on the second column (see 0022).
    op.add_column('users', sa.Column('sso_issuer', sa.String(length=500), nullable=True))
    check = [sa.CheckConstraint(WHOLE[1], name=op.f(WHOLE[0]))] if sqlite else []
    op.add_column('users', sa.Column('sso_subject', sa.String(length=255), *check, nullable=True))
    if not sqlite:
        op.create_check_constraint(op.f(WHOLE[0]), 'users', WHOLE[1])
    op.create_index('uq_users_sso_identity', 'users', ['sso_issuer', 'sso_subject'], unique=True)
    op.create_table(
        'sso_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('enabled', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('provider_name', sa.String(length=80), server_default='', nullable=False),
        sa.Column('issuer', sa.String(length=500), server_default='', nullable=False),
        sa.Column('client_id', sa.String(length=255), server_default='', nullable=False),
        sa.Column('role_claim', sa.String(length=100), server_default='roles', nullable=False),
        sa.Column('admin_values', sa.String(length=500), server_default='', nullable=False),
        sa.Column('hr_values', sa.String(length=500), server_default='', nullable=False),
        sa.Column('recruiter_values', sa.String(length=500), server_default='', nullable=False),
        sa.Column('interviewer_values', sa.String(length=500), server_default='', nullable=False),
        sa.Column('roles_from', sa.Enum('claim', 'admin', name='sso_roles_from', native_enum=False,
                                        create_constraint=True, length=5), server_default='claim', nullable=False),
        sa.Column('password_sign_in', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('id = 1', name=op.f('ck_sso_settings_single_row')),
        sa.CheckConstraint('NOT enabled OR (length(issuer) > 0 AND length(client_id) > 0 '
                           'AND length(provider_name) > 0)', name=op.f('ck_sso_settings_enabled_is_complete')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_sso_settings_updated_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_settings')),
    )
    op.create_index(op.f('ix_sso_settings_updated_by_id'), 'sso_settings', ['updated_by_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_sso_settings_updated_by_id'), table_name='sso_settings')
    op.drop_table('sso_settings')
    op.drop_index('uq_users_sso_identity', table_name='users')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f(WHOLE[0]), 'users', type_='check')
    # SQLite's own DROP COLUMN (3.35), no rebuild: sso_subject first, its column check going with it, since
    # SQLite refuses to drop a column that another column's check names.
    op.drop_column('users', 'sso_subject')
    op.drop_column('users', 'sso_issuer')
