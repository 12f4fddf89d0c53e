"""Staff change the password an admin chose for them (account.must_change_password).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05

Reviewed: account gains one column, NOT NULL with a server default of false, so every existing
account reads as "no change needed" (their owners have been signing in with their passwords);
no row is rewritten. Accounts made by an admin (web form or `flask users create`) and passwords
reset by one set it; the owner's own change clears it (issue 16 point 8).
Downgrade drops the column: accounts still owing a change simply are not asked any more.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
