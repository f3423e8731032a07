"""webhook subscriptions and their deliveries (issue 24, item 2)

Two new tables, nothing altered. `webhook_subscriptions`: an http(s) address kept by admins, the event types
it wants (a JSON list), active, whether it may be a private or loopback address, and the nonce its signing
secret is derived from (with SECRET_KEY; the digest tells a changed SECRET_KEY), the previous nonce for a day
after a rotation. `webhook_deliveries`: one event for one subscription, its thin payload (ids and codes), its
state, attempts and next attempt, the last status and a short error code.

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-30 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'webhook_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('events', sa.JSON(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('allow_private', sa.Boolean(), nullable=False),
        sa.Column('secret_nonce', sa.String(length=32), nullable=False),
        sa.Column('secret_digest', sa.String(length=64), nullable=False),
        sa.Column('previous_nonce', sa.String(length=32), nullable=True),
        sa.Column('rotated_at', sa.DateTime(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("url LIKE 'https://%' OR url LIKE 'http://%'", name=op.f('ck_webhook_subscriptions_url_http')),
        sa.CheckConstraint('length(url) <= 500', name=op.f('ck_webhook_subscriptions_url_length')),
        sa.CheckConstraint('length(secret_nonce) = 32', name=op.f('ck_webhook_subscriptions_nonce_length')),
        sa.CheckConstraint('length(secret_digest) = 64', name=op.f('ck_webhook_subscriptions_digest_length')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_webhook_subscriptions_created_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_subscriptions')),
    )
    op.create_index(op.f('ix_webhook_subscriptions_created_by_id'), 'webhook_subscriptions', ['created_by_id'],
                    unique=False)
    op.create_table(
        'webhook_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=40), nullable=False),
        sa.Column('event_type', sa.String(length=60), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('redelivery_of_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('last_status', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.String(length=60), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('delivered_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'delivering', 'delivered', 'failed')",
                           name=op.f('ck_webhook_deliveries_state_known')),
        sa.CheckConstraint('attempts >= 0', name=op.f('ck_webhook_deliveries_attempts_not_negative')),
        sa.CheckConstraint("(state = 'delivered') = (delivered_at IS NOT NULL)",
                           name=op.f('ck_webhook_deliveries_delivered_has_time')),
        sa.ForeignKeyConstraint(['subscription_id'], ['webhook_subscriptions.id'],
                                name=op.f('fk_webhook_deliveries_subscription_id_webhook_subscriptions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['redelivery_of_id'], ['webhook_deliveries.id'],
                                name=op.f('fk_webhook_deliveries_redelivery_of_id_webhook_deliveries'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
    )
    op.create_index('ix_webhook_deliveries_subscription_id_id', 'webhook_deliveries', ['subscription_id', 'id'],
                    unique=False)
    op.create_index('ix_webhook_deliveries_state_next_attempt_at', 'webhook_deliveries',
                    ['state', 'next_attempt_at'], unique=False)
    op.create_index('ix_webhook_deliveries_created_at', 'webhook_deliveries', ['created_at'], unique=False)
    op.create_index(op.f('ix_webhook_deliveries_redelivery_of_id'), 'webhook_deliveries', ['redelivery_of_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_webhook_deliveries_redelivery_of_id'), table_name='webhook_deliveries')
    op.drop_index('ix_webhook_deliveries_created_at', table_name='webhook_deliveries')
    op.drop_index('ix_webhook_deliveries_state_next_attempt_at', table_name='webhook_deliveries')
    op.drop_index('ix_webhook_deliveries_subscription_id_id', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_index(op.f('ix_webhook_subscriptions_created_by_id'), table_name='webhook_subscriptions')
    op.drop_table('webhook_subscriptions')
