"""person: one partial index for the active people of a kelurahan instead of two plain ones.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05

Reviewed: no row changes; only indexes of `person`.
- ix_person_status goes: five values, no query reads a status through it that a scan does not
  serve as well, and it cost a 1,000,000-row import on PostgreSQL about 1.4 s of index inserts.
- ix_person_kelurahan_code becomes ix_person_aktif_kelurahan_code, (kelurahan_code) WHERE
  status = 'aktif': the letter batches' query (active people of a list of kelurahan) is the one
  that used it; the officers' scope filters are prefix matches that read by NIK or name anyway.
Downgrade puts the two plain indexes back.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

_ACTIVE = sa.text("status = 'aktif'")


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_status')
        batch_op.drop_index('ix_person_kelurahan_code')
        batch_op.create_index(
            'ix_person_aktif_kelurahan_code',
            ['kelurahan_code'],
            unique=False,
            postgresql_where=_ACTIVE,
            sqlite_where=_ACTIVE,
        )


def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index('ix_person_aktif_kelurahan_code')
        batch_op.create_index('ix_person_kelurahan_code', ['kelurahan_code'], unique=False)
        batch_op.create_index('ix_person_status', ['status'], unique=False)
