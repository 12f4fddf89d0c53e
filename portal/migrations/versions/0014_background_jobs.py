"""Background jobs in the database (background_job, background_job_part), not in job.json files.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

Reviewed: two new tables, nothing else changes. A letter batch (and later a web roster import)
is one background_job row: who started it, its scope, state, progress, result (JSON: counts,
file size) and error; its parts (chunks of letter ids) are background_job_part rows that
consumers claim with a lease. Batches that were in instance/letter-batches/ before the upgrade
are not carried over: they were kept for 7 days only; their letters and numbers are in `letter`
and a new batch of the same region reuses them. Downgrade drops both tables.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('background_job',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('kind', sa.Enum('surat_massal', 'impor_data', name='jobkind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=True),
    sa.Column('region_code', sa.String(length=20), nullable=True),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_by_name', sa.String(length=200), nullable=False),
    sa.Column('state', sa.Enum('antre', 'menyiapkan', 'membuat', 'menggabung', 'selesai', 'gagal', name='jobstate', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['started_by_id'], ['account.id'], name=op.f('fk_background_job_started_by_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_background_job'))
    )
    with op.batch_alter_table('background_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_background_job_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_background_job_state'), ['state'], unique=False)

    op.create_table('background_job_part',
    sa.Column('job_id', sa.String(length=24), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('antre', 'membuat', 'selesai', name='partstate', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=80), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['background_job.id'], name=op.f('fk_background_job_part_job_id_background_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', 'index', name=op.f('pk_background_job_part'))
    )
    with op.batch_alter_table('background_job_part', schema=None) as batch_op:
        batch_op.create_index('ix_background_job_part_state', ['job_id', 'state'], unique=False)



def downgrade():
    with op.batch_alter_table('background_job_part', schema=None) as batch_op:
        batch_op.drop_index('ix_background_job_part_state')

    op.drop_table('background_job_part')
    with op.batch_alter_table('background_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_background_job_state'))
        batch_op.drop_index(batch_op.f('ix_background_job_kind'))

    op.drop_table('background_job')
