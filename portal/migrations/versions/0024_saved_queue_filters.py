"""Officers save queue filters under a name (saved_queue_filter).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05

Reviewed: one new table, an officer's saved filters: the account, a name unique per account, and
the queue's query string (its filters as the address holds them: never a NIK or phone number,
which are searched by POST). Nothing else changes (issue 16 point 6).
Downgrade drops the table: officers lose their saved filters, nothing else depends on them.
"""
import sqlalchemy as sa
from alembic import op

import portal.core.base

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saved_queue_filter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('query', sa.String(length=500), nullable=False),
    sa.Column('created_at', portal.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_saved_queue_filter_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_queue_filter')),
    sa.UniqueConstraint('account_id', 'name', name=op.f('uq_saved_queue_filter_account_id'))
    )
    with op.batch_alter_table('saved_queue_filter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_queue_filter_account_id'), ['account_id'], unique=False)


def downgrade():
    with op.batch_alter_table('saved_queue_filter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_queue_filter_account_id'))
    op.drop_table('saved_queue_filter')
