"""The last public figures, kept in the database for every worker (stats_snapshot).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21

Reviewed: one new table, nothing else changes. stats_snapshot holds, per key ("statistik"), the
figures /statistik last counted (payload: JSON text written by portal.services.stats_codec,
counts under 5 included, never served as it is) and when they were counted (computed_at, the
same moment as in the payload). A worker's first request reads this one row instead of counting
100,000 complaints; writers keep the newer of two counts (INSERT ... ON CONFLICT DO UPDATE
... WHERE computed_at < excluded.computed_at). The upgrade leaves the table empty: the first
request after it counts once and stores the figures (or run `flask stats refresh` right after
the upgrade). Downgrade drops the table (nothing refers to it; the figures are counted again).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stats_snapshot',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_stats_snapshot'))
    )


def downgrade():
    op.drop_table('stats_snapshot')
