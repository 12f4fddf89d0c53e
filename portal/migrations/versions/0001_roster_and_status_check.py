"""Roster (person, status history, import batches) and the status-check log and lockouts.

Revision ID: 0001
Revises:
Create Date: 2026-11-21

Reviewed: enums are VARCHAR + CHECK constraints named per column; timestamps are timezone-aware.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('nik_lockout',
    sa.Column('nik_hmac', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('lockouts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('nik_hmac', name=op.f('pk_nik_lockout'))
    )
    op.create_table('roster_import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('imported_by', sa.String(length=255), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('inserted', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_import_batch'))
    )
    op.create_table('status_check_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('nik_hmac', sa.String(length=64), nullable=False),
    sa.Column('client_hmac', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.Enum('found', 'no_match', 'locked', name='checkoutcome', native_enum=False, create_constraint=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_check_log'))
    )
    with op.batch_alter_table('status_check_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_check_log_checked_at'), ['checked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_status_check_log_nik_hmac'), ['nik_hmac'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('nama', sa.String(length=150), nullable=False),
    sa.Column('tanggal_lahir', sa.Date(), nullable=False),
    sa.Column('jenis_kelamin', sa.Enum('L', 'P', name='sex', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('kelurahan_code', sa.String(length=13), nullable=False),
    sa.Column('pekerjaan', sa.String(length=120), nullable=False),
    sa.Column('desil', sa.SmallInteger(), nullable=True),
    sa.Column('status', sa.Enum('aktif', 'proses', 'daftar_tunggu', 'nonaktif', 'tidak_memenuhi_syarat', name='personstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('alasan', sa.Enum('bukan_dtsen', 'desil_di_atas_5', 'bukan_warga_kota_bekasi', 'sudah_peserta_lain', 'meninggal', 'pindah', name='statusreason', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('kpj', sa.String(length=11), nullable=True),
    sa.Column('mulai', sa.Date(), nullable=True),
    sa.Column('selesai', sa.Date(), nullable=True),
    sa.Column('tanggal_data', sa.Date(), nullable=False),
    sa.Column('import_batch_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['import_batch_id'], ['roster_import_batch.id'], name=op.f('fk_person_import_batch_id_roster_import_batch')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('nik', name=op.f('uq_person_nik'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_kelurahan_code'), ['kelurahan_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_status'), ['status'], unique=False)

    op.create_table('person_status_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('old_status', sa.Enum('aktif', 'proses', 'daftar_tunggu', 'nonaktif', 'tidak_memenuhi_syarat', name='personstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('old_alasan', sa.Enum('bukan_dtsen', 'desil_di_atas_5', 'bukan_warga_kota_bekasi', 'sudah_peserta_lain', 'meninggal', 'pindah', name='statusreason', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('new_status', sa.Enum('aktif', 'proses', 'daftar_tunggu', 'nonaktif', 'tidak_memenuhi_syarat', name='personstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('new_alasan', sa.Enum('bukan_dtsen', 'desil_di_atas_5', 'bukan_warga_kota_bekasi', 'sudah_peserta_lain', 'meninggal', 'pindah', name='statusreason', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('old_tanggal_data', sa.Date(), nullable=False),
    sa.Column('new_tanggal_data', sa.Date(), nullable=False),
    sa.Column('import_batch_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['import_batch_id'], ['roster_import_batch.id'], name=op.f('fk_person_status_history_import_batch_id_roster_import_batch')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_status_history_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_status_history'))
    )
    with op.batch_alter_table('person_status_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_status_history_person_id'), ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('person_status_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_status_history_person_id'))

    op.drop_table('person_status_history')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_status'))
        batch_op.drop_index(batch_op.f('ix_person_kelurahan_code'))

    op.drop_table('person')
    with op.batch_alter_table('status_check_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_check_log_nik_hmac'))
        batch_op.drop_index(batch_op.f('ix_status_check_log_checked_at'))

    op.drop_table('status_check_log')
    op.drop_table('roster_import_batch')
    op.drop_table('nik_lockout')
