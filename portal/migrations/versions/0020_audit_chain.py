"""The audit trail becomes a hash chain (issue 16 point 11).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05

Reviewed: audit_event gains person_id (the roster person a row's action showed when the object
is another, e.g. a case page and its subject; no foreign key: the trail outlives what it names),
chain_seq (the row's place in the chain, unique) and row_hash (SHA-256 of the previous row's hash
and this row's fields); the one-row table audit_chain_head holds the newest position and hash,
which portal.core.trail.record moves forward under its row lock. Existing rows are chained here
in id order, in batches, with the same function as record's (copied below, so that a later change
of the portal cannot change what this migration wrote); the columns are made NOT NULL after.
A long trail takes a while: about a minute per million rows. Downgrade drops the chain.
"""
import hashlib
from datetime import UTC

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
BATCH = 5000


def _hash(previous, seq, row):
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    fields = (
        previous,
        str(seq),
        at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "" if row.account_id is None else str(row.account_id),
        row.action,
        row.object_type,
        row.object_id,
        "",  # person_id: none before this revision
        row.ip,
        row.detail,
    )
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


def upgrade():
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_chain_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('chain_seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))

    bind = op.get_bind()
    events = sa.table(
        'audit_event',
        sa.column('id', sa.Integer), sa.column('at', sa.DateTime(timezone=True)), sa.column('account_id', sa.Integer),
        sa.column('action', sa.String), sa.column('object_type', sa.String), sa.column('object_id', sa.String),
        sa.column('ip', sa.String), sa.column('detail', sa.String),
        sa.column('chain_seq', sa.BigInteger), sa.column('row_hash', sa.String),
    )
    previous, seq, last_id = GENESIS, 0, 0
    while True:
        rows = bind.execute(
            sa.select(events).where(events.c.id > last_id).order_by(events.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        chained = []
        for row in rows:
            seq += 1
            previous = _hash(previous, seq, row)
            chained.append({'row_id': row.id, 'chain_seq': seq, 'row_hash': previous})
        bind.execute(
            events.update().where(events.c.id == sa.bindparam('row_id')).values(
                chain_seq=sa.bindparam('chain_seq'), row_hash=sa.bindparam('row_hash')
            ),
            chained,
        )
        last_id = rows[-1].id
    bind.execute(sa.text("INSERT INTO audit_chain_head (id, seq, last_hash) VALUES (1, :seq, :hash)"),
                 {'seq': seq, 'hash': previous})

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('chain_seq', existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column('row_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(batch_op.f('ix_audit_event_person_id'), ['person_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_event_chain_seq'), ['chain_seq'])


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_event_chain_seq'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_audit_event_person_id'))
        batch_op.drop_column('row_hash')
        batch_op.drop_column('chain_seq')
        batch_op.drop_column('person_id')
    op.drop_table('audit_chain_head')
