"""Outbox message states: each email is claimed before it is sent, sent at most once, and one
that gives up is shown to staff.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

Reviewed: outbox_message gains
- state (antre, mengirim, terkirim, gagal, tidak_pasti; CHECK constraint) and an index on
  (state, next_attempt_at) for the sender's "next due message" and the staff page;
- claimed_by, lease_until, last_attempt_at: who claimed a message, until when the claim holds
  (a message still "mengirim" after that is never sent again by itself: it becomes tidak_pasti),
  and when it was last tried;
- reference (the complaint's number, for the staff page instead of the address) and channel
  ('email', the only one so far).
Existing rows: sent_at set -> terkirim; unsent with attempts >= 12 (the old code's silent give-up)
-> gagal, keeping its last_error; any other unsent row -> antre (nothing was claimed before this
revision). reference is read back from the subject ("Pengaduan SGP-2026-000001: Diterima").
The server defaults used to fill the new NOT NULL columns are removed again: the application
writes every value.
Downgrade drops the new columns (a gagal or tidak_pasti row becomes an unsent row again, which
the old code retries while attempts < 12).
"""
import re

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

STATES = ('antre', 'mengirim', 'terkirim', 'gagal', 'tidak_pasti')
OLD_MAX_ATTEMPTS = 12
SUBJECT = re.compile(r'Pengaduan ([A-Z]{3}-\d{4}-\d+)\b')


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('channel', sa.Enum('email', name='outboxchannel', native_enum=False, create_constraint=True), nullable=False, server_default='email'))
        batch_op.add_column(sa.Column('state', sa.Enum(*STATES, name='outboxstate', native_enum=False, create_constraint=True), nullable=False, server_default='antre'))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_outbox_message_state_next_attempt_at', ['state', 'next_attempt_at'], unique=False)

    op.execute("UPDATE outbox_message SET state = 'terkirim' WHERE sent_at IS NOT NULL")
    op.execute(f"UPDATE outbox_message SET state = 'gagal' WHERE sent_at IS NULL AND attempts >= {OLD_MAX_ATTEMPTS}")  # noqa: S608 (a constant)
    bind = op.get_bind()
    table = sa.table('outbox_message', sa.column('id', sa.Integer), sa.column('subject', sa.String),
                     sa.column('reference', sa.String))
    rows = bind.execute(sa.select(table.c.id, table.c.subject)).all()
    found = [{'row_id': row.id, 'ref': m.group(1)[:20]} for row in rows if (m := SUBJECT.match(row.subject or ''))]
    if found:
        bind.execute(table.update().where(table.c.id == sa.bindparam('row_id')).values(reference=sa.bindparam('ref')),
                     found)

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('channel', existing_type=sa.String(length=5), existing_nullable=False, server_default=None)
        batch_op.alter_column('state', existing_type=sa.String(length=11), existing_nullable=False, server_default=None)


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_state_next_attempt_at')
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_state_outboxstate'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_channel_outboxchannel'), type_='check')
        batch_op.drop_column('last_attempt_at')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('state')
        batch_op.drop_column('channel')
        batch_op.drop_column('reference')
