"""Letters of participation: issued letters with their printed data, and a gap-free counter per year.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21

Reviewed: letter keeps a copy of what it printed (masked NIK only, never the NIK) so it can be
produced again and verified after the roster changes; a partial unique index allows one valid
('berlaku') letter per person on both SQLite and PostgreSQL; (year, seq) is unique, and
letter_counter holds the last number per year, incremented in the issuing transaction.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('letter_counter',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_letter_counter'))
    )
    op.create_table('letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=120), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('status', sa.Enum('berlaku', 'dicabut', 'diganti', name='letterstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('issued_via', sa.Enum('mandiri', 'massal', 'petugas', name='issuedvia', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('nama', sa.String(length=150), nullable=False),
    sa.Column('nik_masked', sa.String(length=19), nullable=False),
    sa.Column('kpj', sa.String(length=11), nullable=False),
    sa.Column('kelurahan_code', sa.String(length=13), nullable=False),
    sa.Column('mulai', sa.Date(), nullable=False),
    sa.Column('selesai', sa.Date(), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_letter_person_id_person')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['letter.id'], name=op.f('fk_letter_superseded_by_id_letter')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter')),
    sa.UniqueConstraint('code', name=op.f('uq_letter_code')),
    sa.UniqueConstraint('number', name=op.f('uq_letter_number')),
    sa.UniqueConstraint('year', 'seq', name='uq_letter_year_seq')
    )
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_person_id'), ['person_id'], unique=False)
        batch_op.create_index('uq_letter_person_valid', ['person_id'], unique=True, sqlite_where=sa.text("status = 'berlaku'"), postgresql_where=sa.text("status = 'berlaku'"))



def downgrade():
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.drop_index('uq_letter_person_valid', sqlite_where=sa.text("status = 'berlaku'"), postgresql_where=sa.text("status = 'berlaku'"))
        batch_op.drop_index(batch_op.f('ix_letter_person_id'))

    op.drop_table('letter')
    op.drop_table('letter_counter')
