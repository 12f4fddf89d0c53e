"""Accessibility assistance requests, assisted filing and candidate proposals, reference series.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21

Reviewed: assistance_request with its kinds of help (assistance_need), its optional disability
categories (assistance_disability: rows are deleted when the person asks, so nothing lingers)
and its timeline (assistance_event). complaint gains the filing officer (filed_by_id) and the
fields a candidate proposal needs (all nullable: existing rows stay valid), and the category
CHECK constraints of complaint and response_template accept 'usulan_calon'.
reference_counter is keyed by (series, year): existing rows become series 'SGP', so complaint
numbering continues where it was; 'BTN' numbers assistance requests.
Downgrade: proposals become category 'lainnya' (their extra columns are dropped) and the BTN
counters are deleted.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

CATEGORIES_0004 = ('terlewat', 'data_salah', 'masalah_kartu_klaim', 'penerima_tidak_layak', 'pungli',
                   'informasi', 'lainnya')
CATEGORIES_0005 = CATEGORIES_0004 + ('usulan_calon',)


def _quoted(values):
    return ", ".join(f"'{value}'" for value in values)


def upgrade():
    op.create_table('assistance_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('access_code_hash', sa.String(length=255), nullable=False),
    sa.Column('status', sa.Enum('diterima', 'dijadwalkan', 'selesai', name='assistancestatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('topic', sa.Enum('cek_status', 'pengaduan', 'usulan_calon', 'surat', 'lainnya', name='assistancetopic', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('subject_name', sa.String(length=150), nullable=False),
    sa.Column('requester_relation', sa.Enum('sendiri', 'keluarga', 'pendamping', 'rt_rw', 'lainnya', name='filerrelation', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('requester_name', sa.String(length=150), nullable=True),
    sa.Column('requester_relationship', sa.String(length=100), nullable=True),
    sa.Column('consent_recorded', sa.Boolean(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('contact_preference', sa.Enum('telepon', 'sms', 'whatsapp_pesan', 'whatsapp_video', name='contactpreference', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('preferred_times', sa.JSON(), nullable=False),
    sa.Column('time_note', sa.String(length=200), nullable=True),
    sa.Column('kelurahan_code', sa.String(length=13), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=True),
    sa.Column('rt', sa.String(length=3), nullable=True),
    sa.Column('rw', sa.String(length=3), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('disability_consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('disability_note', sa.String(length=500), nullable=True),
    sa.Column('disability_deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('contact_due', sa.Date(), nullable=False),
    sa.Column('contacted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('appointment_kind', sa.Enum('kunjungan_rumah', 'telepon', 'whatsapp', 'kantor', name='appointmentkind', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('appointment_on', sa.Date(), nullable=True),
    sa.Column('appointment_at', sa.Time(), nullable=True),
    sa.Column('outcome', sa.Enum('cek_status', 'pengaduan_diajukan', 'diusulkan', 'informasi', 'tidak_dapat_dihubungi', name='assistanceoutcome', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('outcome_reference', sa.String(length=20), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['account.id'], name=op.f('fk_assistance_request_assigned_to_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_request')),
    sa.UniqueConstraint('reference', name=op.f('uq_assistance_request_reference'))
    )
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_request_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_request_contact_due'), ['contact_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_request_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_request_kelurahan_code'), ['kelurahan_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_request_status'), ['status'], unique=False)

    op.create_table('assistance_disability',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('fisik', 'intelektual', 'mental', 'sensorik_netra', 'sensorik_rungu', 'sensorik_wicara', name='disabilitycategory', native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id'], name=op.f('fk_assistance_disability_request_id_assistance_request')),
    sa.PrimaryKeyConstraint('request_id', 'category', name=op.f('pk_assistance_disability'))
    )
    op.create_table('assistance_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.Enum('dibuat', 'status', 'catatan', 'pengajuan', 'disabilitas_dihapus', name='assistanceeventkind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('from_status', sa.Enum('diterima', 'dijadwalkan', 'selesai', name='assistancestatus', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('to_status', sa.Enum('diterima', 'dijadwalkan', 'selesai', name='assistancestatus', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('appointment_kind', sa.Enum('kunjungan_rumah', 'telepon', 'whatsapp', 'kantor', name='appointmentkind', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('appointment_on', sa.Date(), nullable=True),
    sa.Column('appointment_at', sa.Time(), nullable=True),
    sa.Column('outcome', sa.Enum('cek_status', 'pengaduan_diajukan', 'diusulkan', 'informasi', 'tidak_dapat_dihubungi', name='assistanceoutcome', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('complaint_reference', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id'], name=op.f('fk_assistance_event_request_id_assistance_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_event'))
    )
    with op.batch_alter_table('assistance_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_event_request_id'), ['request_id'], unique=False)

    op.create_table('assistance_need',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('kunjungan_rumah', 'telepon', 'whatsapp', 'juru_bahasa_isyarat', 'pendampingan_kantor', 'bantuan_formulir', name='assistancekind', native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_request.id'], name=op.f('fk_assistance_need_request_id_assistance_request')),
    sa.PrimaryKeyConstraint('request_id', 'kind', name=op.f('pk_assistance_need'))
    )
    with op.batch_alter_table('assistance_need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_need_kind'), ['kind'], unique=False)

    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kk_number', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('street', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('rt', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('rw', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('occupation', sa.String(length=100), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_complaint_filed_by_id_account'), 'account', ['filed_by_id'], ['id'])

    for table in ('complaint', 'response_template'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            name = batch_op.f(f'ck_{table}_category_complaintcategory')
            batch_op.drop_constraint(name, type_='check')
            batch_op.create_check_constraint(name, sa.text(f"category IN ({_quoted(CATEGORIES_0005)})"))

    with op.batch_alter_table('reference_counter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series', sa.String(length=3), nullable=False, server_default='SGP'))
        batch_op.drop_constraint(batch_op.f('pk_reference_counter'), type_='primary')
        batch_op.create_primary_key(batch_op.f('pk_reference_counter'), ['series', 'year'])
    with op.batch_alter_table('reference_counter', schema=None) as batch_op:
        batch_op.alter_column('series', existing_type=sa.String(length=3), existing_nullable=False,
                              server_default=None)


def downgrade():
    op.execute("DELETE FROM reference_counter WHERE series <> 'SGP'")
    with op.batch_alter_table('reference_counter', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('pk_reference_counter'), type_='primary')
        batch_op.drop_column('series')
        batch_op.create_primary_key(batch_op.f('pk_reference_counter'), ['year'])

    op.execute("UPDATE complaint SET category = 'lainnya' WHERE category = 'usulan_calon'")
    op.execute("UPDATE response_template SET category = NULL WHERE category = 'usulan_calon'")
    for table in ('complaint', 'response_template'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            name = batch_op.f(f'ck_{table}_category_complaintcategory')
            batch_op.drop_constraint(name, type_='check')
            batch_op.create_check_constraint(name, sa.text(f"category IN ({_quoted(CATEGORIES_0004)})"))

    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_complaint_filed_by_id_account'), type_='foreignkey')
        batch_op.drop_column('occupation')
        batch_op.drop_column('rw')
        batch_op.drop_column('rt')
        batch_op.drop_column('street')
        batch_op.drop_column('kk_number')
        batch_op.drop_column('filed_by_id')

    with op.batch_alter_table('assistance_need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_need_kind'))

    op.drop_table('assistance_need')
    with op.batch_alter_table('assistance_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_event_request_id'))

    op.drop_table('assistance_event')
    op.drop_table('assistance_disability')
    with op.batch_alter_table('assistance_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_request_status'))
        batch_op.drop_index(batch_op.f('ix_assistance_request_kelurahan_code'))
        batch_op.drop_index(batch_op.f('ix_assistance_request_created_at'))
        batch_op.drop_index(batch_op.f('ix_assistance_request_contact_due'))
        batch_op.drop_index(batch_op.f('ix_assistance_request_assigned_to_id'))

    op.drop_table('assistance_request')
