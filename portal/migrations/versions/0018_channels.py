"""Channels: SMS and WhatsApp beside e-mail, messages residents send, opt-outs, the contact log.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05

Reviewed:
- outbox_message: channel may be 'sms' and 'whatsapp' too, and state 'sampai' (a delivery report
  said it arrived), 'cadangan' (a later channel of one notice, queued only if the earlier fail)
  and 'dilewati' (not needed); both CHECK constraints are replaced. New columns: event (which
  template), notice_id and route_position (the channels of one notice, in order), template and
  parameters (a WhatsApp template and its values), provider_id (WhatsApp's message id, unique,
  for its status webhooks), delivered_at. Existing rows are e-mails: event and notice_id stay
  NULL, route_position 0, parameters '[]' (server defaults, dropped again: the app writes them).
- inbound_message: texts residents send, unique per (channel, provider_id) so a replayed webhook
  is ignored; a NIK is never stored in it.
- channel_opt_out: numbers that replied STOP.
- resident_contact: staff's calls, chats, texts and visits on a case or help request.
Downgrade drops the new tables and columns and refuses while a non-e-mail message exists.
"""
import sqlalchemy as sa
from alembic import op

import portal.core.base

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

OLD_STATES = ('antre', 'mengirim', 'terkirim', 'gagal', 'tidak_pasti')
STATES = (*OLD_STATES, 'sampai', 'cadangan', 'dilewati')
CHANNELS = ('email', 'sms', 'whatsapp')
EVENTS = ('dibuat', 'info_diminta', 'dijawab', 'selesai', 'status', 'banding_diputus', 'kunjungan', 'pengingat',
          'ditutup_tanpa_jawaban', 'balasan_perintah')


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def upgrade():
    op.create_table('channel_opt_out',
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('opted_out_at', portal.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('phone', name=op.f('pk_channel_opt_out'))
    )
    op.create_table('inbound_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', _enum(CHANNELS, 'outboxchannel'), nullable=False),
    sa.Column('provider_id', sa.String(length=128), nullable=False),
    sa.Column('from_number', sa.String(length=20), nullable=False),
    sa.Column('text', sa.String(length=1600), nullable=False),
    sa.Column('command', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=True),
    sa.Column('received_at', portal.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_message')),
    sa.UniqueConstraint('channel', 'provider_id', name=op.f('uq_inbound_message_channel'))
    )
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_message_reference'), ['reference'], unique=False)

    op.create_table('resident_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('method', _enum(('telepon', 'whatsapp', 'sms', 'kunjungan', 'loket'), 'contactmethod'), nullable=False),
    sa.Column('outcome', _enum(('terhubung', 'tidak_diangkat', 'nomor_salah', 'pesan_ditinggalkan', 'tidak_di_rumah'),
                               'contactoutcome'), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('contacted_at', portal.core.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_resident_contact_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_contact'))
    )
    with op.batch_alter_table('resident_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_contact_reference'), ['reference'], unique=False)

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_state_outboxstate'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_channel_outboxchannel'), type_='check')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('channel', existing_type=sa.String(length=5), type_=_enum(CHANNELS, 'outboxchannel'),
                              existing_nullable=False)
        batch_op.alter_column('state', existing_type=sa.String(length=11), type_=_enum(STATES, 'outboxstate'),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('event', _enum(EVENTS, 'noticeevent'), nullable=True))
        batch_op.add_column(sa.Column('notice_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('route_position', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('template', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('parameters', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('provider_id', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('delivered_at', portal.core.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_outbox_message_notice_id', ['notice_id'], unique=False)
        batch_op.create_index('ix_outbox_message_reference', ['reference'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_message_provider_id'), ['provider_id'])
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('route_position', existing_type=sa.Integer(), existing_nullable=False,
                              server_default=None)
        batch_op.alter_column('parameters', existing_type=sa.JSON(), existing_nullable=False, server_default=None)


def downgrade():
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM outbox_message WHERE channel <> 'email'")).scalar():
        raise RuntimeError('outbox_message holds SMS or WhatsApp messages: the revision before 0018 cannot hold them')
    op.execute("UPDATE outbox_message SET state = 'terkirim' WHERE state = 'sampai'")
    op.execute("DELETE FROM outbox_message WHERE state IN ('cadangan', 'dilewati')")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outbox_message_provider_id'), type_='unique')
        batch_op.drop_index('ix_outbox_message_reference')
        batch_op.drop_index('ix_outbox_message_notice_id')
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('provider_id')
        batch_op.drop_column('parameters')
        batch_op.drop_column('template')
        batch_op.drop_column('route_position')
        batch_op.drop_column('notice_id')
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_event_noticeevent'), type_='check')
        batch_op.drop_column('event')
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_state_outboxstate'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_outbox_message_channel_outboxchannel'), type_='check')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('channel', existing_type=sa.String(length=8), type_=_enum(('email',), 'outboxchannel'),
                              existing_nullable=False)
        batch_op.alter_column('state', existing_type=sa.String(length=11), type_=_enum(OLD_STATES, 'outboxstate'),
                              existing_nullable=False)
    op.drop_table('resident_contact')
    op.drop_table('inbound_message')
    op.drop_table('channel_opt_out')
