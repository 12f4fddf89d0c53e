"""Templates for requests for information, referrals and decisions too (response_template.kind).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05

Reviewed: response_template gains one column, kind, NOT NULL with a server default of 'balas', so
every existing template stays what it was, a reply to the resident; no row is rewritten. The new
kinds ('minta_informasi', 'rujuk', 'keputusan') start the case page's other messages (issue 16
point 7). Stored as a string with a CHECK, as the portal's other enums are.
Downgrade drops the column: templates of the other kinds then read as replies.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

KINDS = ('balas', 'minta_informasi', 'rujuk', 'keputusan')


def upgrade():
    with op.batch_alter_table('response_template', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'kind',
            sa.Enum(*KINDS, name='templatekind', native_enum=False, create_constraint=True),
            server_default='balas',
            nullable=False,
        ))


def downgrade():
    with op.batch_alter_table('response_template', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_response_template_kind_templatekind'), type_='check')
        batch_op.drop_column('kind')
