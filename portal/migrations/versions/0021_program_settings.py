"""Program settings an admin changes at run time (issue 16 point 9).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05

Reviewed: one new table, program_setting (name, value as the environment variable would be
written, when and by whom); empty, so every setting stays the environment's until an admin
changes it on /petugas/admin/pengaturan. Downgrade drops the table: the environment's values
apply again (what was changed stays in the audit trail).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('program_setting',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('value', sa.String(length=2000), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['account.id'], name=op.f('fk_program_setting_updated_by_id_account')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_program_setting'))
    )


def downgrade():
    op.drop_table('program_setting')
