"""The database file store: stored_file and stored_file_chunk (portal.core.files_db).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05

Reviewed: two new tables, nothing existing changes. stored_file is one row per file of an area
(attachments today), unique by (area, key), indexed by (area, created_at) for the purges'
"older than"; stored_file_chunk holds its bytes in pieces of chunk_size (1 MB), keyed by
(file_id, seq), deleted with their file (the store deletes them itself; ON DELETE CASCADE is
there for a file row removed by hand). Both are empty after the upgrade: with FILE_STORE=local
(the default) nothing writes them; `flask files migrate` copies a local folder in before a
switch to FILE_STORE=database.

Downgrade drops both tables, and with them every file kept in the database: copy them out first
(or stay on this revision) if FILE_STORE=database was in use.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('chunk_size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_file')),
    sa.UniqueConstraint('area', 'key', name='uq_stored_file_area_key')
    )
    with op.batch_alter_table('stored_file', schema=None) as batch_op:
        batch_op.create_index('ix_stored_file_area_created_at', ['area', 'created_at'], unique=False)

    op.create_table('stored_file_chunk',
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['stored_file.id'], name=op.f('fk_stored_file_chunk_file_id_stored_file'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('file_id', 'seq', name=op.f('pk_stored_file_chunk'))
    )


def downgrade():
    op.drop_table('stored_file_chunk')
    with op.batch_alter_table('stored_file', schema=None) as batch_op:
        batch_op.drop_index('ix_stored_file_area_created_at')
    op.drop_table('stored_file')
