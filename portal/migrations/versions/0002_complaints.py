"""Complaints: cases, timeline events, attachments, drafts, reference counter, outbox, lockouts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

Reviewed: complaint.version is the optimistic-locking counter; attachments may belong to a draft
(draft_token) before the complaint exists; access_lockout is keyed by an HMAC, never a reference.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('access_lockout',
    sa.Column('key_hmac', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('lockouts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key_hmac', name=op.f('pk_access_lockout'))
    )
    op.create_table('complaint_draft',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_complaint_draft'))
    )
    with op.batch_alter_table('complaint_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_draft_created_at'), ['created_at'], unique=False)

    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_sent_at'), ['sent_at'], unique=False)

    op.create_table('reference_counter',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_reference_counter'))
    )
    op.create_table('complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('access_code_hash', sa.String(length=255), nullable=False),
    sa.Column('category', sa.Enum('terlewat', 'data_salah', 'masalah_kartu_klaim', 'penerima_tidak_layak', 'pungli', 'informasi', 'lainnya', name='complaintcategory', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('diterima', 'diverifikasi', 'menunggu_informasi', 'dirujuk', 'selesai', 'ditolak', 'banding', 'ditutup', name='complaintstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('subject_nik', sa.String(length=16), nullable=True),
    sa.Column('subject_name', sa.String(length=150), nullable=False),
    sa.Column('kelurahan_code', sa.String(length=13), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('filer_relation', sa.Enum('sendiri', 'keluarga', 'pendamping', 'rt_rw', 'lainnya', name='filerrelation', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('filer_name', sa.String(length=150), nullable=True),
    sa.Column('filer_relationship', sa.String(length=100), nullable=True),
    sa.Column('consent_recorded', sa.Boolean(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('contact_channel', sa.Enum('telepon', 'whatsapp', name='contactchannel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('verify_due', sa.Date(), nullable=False),
    sa.Column('resolve_due', sa.Date(), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paused_since', sa.Date(), nullable=True),
    sa.Column('satisfaction', sa.Enum('puas', 'belum_puas', name='satisfaction', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('appealed', sa.Boolean(), nullable=False),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['complaint.id'], name=op.f('fk_complaint_duplicate_of_id_complaint')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_complaint_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint')),
    sa.UniqueConstraint('reference', name=op.f('uq_complaint_reference'))
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_kelurahan_code'), ['kelurahan_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_resolve_due'), ['resolve_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_subject_nik'), ['subject_nik'], unique=False)

    op.create_table('complaint_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.Enum('dibuat', 'status', 'balasan', 'catatan', 'jawaban_warga', 'tambahan_info', 'penilaian', name='eventkind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('from_status', sa.Enum('diterima', 'diverifikasi', 'menunggu_informasi', 'dirujuk', 'selesai', 'ditolak', 'banding', 'ditutup', name='complaintstatus', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('to_status', sa.Enum('diterima', 'diverifikasi', 'menunggu_informasi', 'dirujuk', 'selesai', 'ditolak', 'banding', 'ditutup', name='complaintstatus', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_event_complaint_id_complaint')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_event'))
    )
    with op.batch_alter_table('complaint_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_event_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('draft_token', sa.String(length=64), nullable=True),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=120), nullable=False),
    sa.Column('content_type', sa.String(length=50), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_attachment_complaint_id_complaint')),
    sa.ForeignKeyConstraint(['event_id'], ['complaint_event.id'], name=op.f('fk_attachment_event_id_complaint_event')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_attachment_storage_key'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_draft_token'), ['draft_token'], unique=False)



def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_draft_token'))
        batch_op.drop_index(batch_op.f('ix_attachment_complaint_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('complaint_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_event_complaint_id'))

    op.drop_table('complaint_event')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_subject_nik'))
        batch_op.drop_index(batch_op.f('ix_complaint_status'))
        batch_op.drop_index(batch_op.f('ix_complaint_resolve_due'))
        batch_op.drop_index(batch_op.f('ix_complaint_person_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_kelurahan_code'))
        batch_op.drop_index(batch_op.f('ix_complaint_created_at'))
        batch_op.drop_index(batch_op.f('ix_complaint_category'))

    op.drop_table('complaint')
    op.drop_table('reference_counter')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_sent_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_next_attempt_at'))

    op.drop_table('outbox_message')
    with op.batch_alter_table('complaint_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_draft_created_at'))

    op.drop_table('complaint_draft')
    op.drop_table('access_lockout')
