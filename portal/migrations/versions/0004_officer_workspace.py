"""Officer workspace: accounts with kecamatan scope, append-only audit, reply templates,
and the complaint's assignment, referral and resolution fields.

Revision ID: 0004
Revises: 0002 (re-chained after 0003 when letters land)
Create Date: 2026-11-21

Reviewed: complaint columns are nullable (existing rows stay valid); batch mode for SQLite.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('role', sa.Enum('officer', 'supervisor', 'admin', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('totp_enabled', sa.Boolean(), nullable=False),
    sa.Column('totp_last_step', sa.Integer(), nullable=True),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('email', name=op.f('uq_account_email'))
    )
    op.create_table('response_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('category', sa.Enum('terlewat', 'data_salah', 'masalah_kartu_klaim', 'penerima_tidak_layak', 'pungli', 'informasi', 'lainnya', name='complaintcategory', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('status', sa.Enum('diterima', 'diverifikasi', 'menunggu_informasi', 'dirujuk', 'selesai', 'ditolak', 'banding', 'ditutup', name='complaintstatus', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response_template'))
    )
    op.create_table('account_kecamatan',
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kecamatan_code', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_account_kecamatan_account_id_account')),
    sa.PrimaryKeyConstraint('account_id', 'kecamatan_code', name=op.f('pk_account_kecamatan'))
    )
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('object_type', sa.String(length=30), nullable=False),
    sa.Column('object_id', sa.String(length=40), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_audit_event_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_event_object', ['object_type', 'object_id'], unique=False)

    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_to_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('referral_agency', sa.Enum('dukcapil', 'dinsos', 'bpjs_ketenagakerjaan', 'sp4n_lapor', 'lainnya', name='referralagency', native_enum=False, create_constraint=True), nullable=True))
        batch_op.add_column(sa.Column('referral_reference', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('follow_up_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('resolution_code', sa.Enum('didaftarkan', 'data_diperbaiki', 'masuk_daftar_tunggu', 'informasi_diberikan', 'ditindaklanjuti', 'tidak_memenuhi_syarat', 'bukan_kewenangan', 'tidak_cukup_bukti', 'tidak_dapat_dihubungi', name='resolutioncode', native_enum=False, create_constraint=True), nullable=True))
        batch_op.add_column(sa.Column('next_step', sa.String(length=500), nullable=True))
        batch_op.create_index(batch_op.f('ix_complaint_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_complaint_assigned_to_id_account'), 'account', ['assigned_to_id'], ['id'])



def downgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_complaint_assigned_to_id_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_complaint_assigned_to_id'))
        batch_op.drop_constraint(batch_op.f('ck_complaint_resolution_code_resolutioncode'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_complaint_referral_agency_referralagency'), type_='check')
        batch_op.drop_column('next_step')
        batch_op.drop_column('resolution_code')
        batch_op.drop_column('follow_up_on')
        batch_op.drop_column('referral_reference')
        batch_op.drop_column('referral_agency')
        batch_op.drop_column('assigned_to_id')

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_object')
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_account_id'))

    op.drop_table('audit_event')
    op.drop_table('account_kecamatan')
    op.drop_table('response_template')
    op.drop_table('account')
