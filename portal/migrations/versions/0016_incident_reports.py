"""Incident reports (pungli, brokers, an officer's conduct) and anonymous reports.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05

Reviewed: complaint gains four columns and loosens two; no row is rewritten.
- incident_place, incident_date, incident_demand (nullable): where and when it happened, what was
  asked for. Empty for every other category and for reports filed before this revision.
- anonymous (NOT NULL, server default false, so existing rows read as not anonymous).
- phone and contact_channel become nullable: an anonymous report has neither. Every existing row
  has both, so nothing changes for them.
Downgrade refuses while an anonymous report exists (it has no phone to put back), then drops the
four columns and makes phone and contact_channel NOT NULL again.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('incident_place', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('incident_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('incident_demand', sa.String(length=300), nullable=True))
        batch_op.alter_column('phone', existing_type=sa.String(length=20), nullable=True)
        batch_op.alter_column(
            'contact_channel', existing_type=sa.String(length=8), nullable=True
        )


def downgrade():
    anonymous = op.get_bind().scalar(sa.text("SELECT count(*) FROM complaint WHERE phone IS NULL"))
    if anonymous:
        raise RuntimeError(
            f"{anonymous} anonymous complaint(s) have no phone number: downgrading below 0016 would lose them"
        )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.alter_column('contact_channel', existing_type=sa.String(length=8), nullable=False)
        batch_op.alter_column('phone', existing_type=sa.String(length=20), nullable=False)
        batch_op.drop_column('incident_demand')
        batch_op.drop_column('incident_date')
        batch_op.drop_column('incident_place')
        batch_op.drop_column('anonymous')
