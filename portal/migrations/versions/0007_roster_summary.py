"""Roster counted per group for the public statistics (roster_summary).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21

Reviewed: roster_summary holds, per (status, kelurahan_code, jenis_kelamin, mulai, selesai,
tanggal_data), how many `person` rows have exactly those values (`people`); /statistik reads it
instead of counting `person`. The roster import keeps it in its own transaction
(portal.services.roster_summary). No unique constraint: mulai and selesai are NULL for people
without coverage, and NULLs never collide in a UNIQUE on SQLite; only that service writes the
table. Enums are VARCHAR + CHECK like person's. The upgrade fills it from the existing rows with
one INSERT ... SELECT ... GROUP BY (the same statement as roster_summary.recount, written out
here so that later changes to the service do not change this migration), so an upgraded database
shows the right figures at once; at 1,000,000 person rows that pass takes a few seconds and holds
no lock that stops reads. Downgrade drops the table (nothing else refers to it).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

GROUP = 'status, kelurahan_code, jenis_kelamin, mulai, selesai, tanggal_data'


def upgrade():
    op.create_table('roster_summary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('aktif', 'proses', 'daftar_tunggu', 'nonaktif', 'tidak_memenuhi_syarat', name='personstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('kelurahan_code', sa.String(length=13), nullable=False),
    sa.Column('jenis_kelamin', sa.Enum('L', 'P', name='sex', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('mulai', sa.Date(), nullable=True),
    sa.Column('selesai', sa.Date(), nullable=True),
    sa.Column('tanggal_data', sa.Date(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_summary'))
    )
    # SQLite would otherwise read person row by row through ix_person_status
    source = 'person NOT INDEXED' if op.get_bind().dialect.name == 'sqlite' else 'person'
    op.execute(f'INSERT INTO roster_summary ({GROUP}, people) '  # noqa: S608 (constants only)
               f'SELECT {GROUP}, count(*) FROM {source} GROUP BY {GROUP}')


def downgrade():
    op.drop_table('roster_summary')
