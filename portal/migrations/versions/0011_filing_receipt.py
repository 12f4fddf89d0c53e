"""The confirmation after filing, kept sealed on the server for a short while (filing_receipt).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

Reviewed: one new table, nothing else changes. Until now the reference's id and the access code
sat readable in the signed session cookie for the whole browser session; now the cookie holds a
token and a random pad, and filing_receipt holds the code XOR that pad (sealed_code, hex) with
the moment the confirmation stops being shown (expires_at, indexed for the purge). Confirmations
of sessions open during the upgrade are lost: the resident already saw reference and code on the
page, and can track the case with them. Downgrade drops the table.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('filing_receipt',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('sealed_code', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_filing_receipt'))
    )
    with op.batch_alter_table('filing_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_filing_receipt_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('filing_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_filing_receipt_expires_at'))
    op.drop_table('filing_receipt')
