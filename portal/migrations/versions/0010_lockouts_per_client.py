"""Lockouts per (secret, client) in one table (access_lockout), none on the account row.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

Reviewed: before, a NIK (nik_lockout), a reference (access_lockout) and an account (its
failed_logins/locked_until columns) were locked for everyone after five failures from anyone, so
anyone could lock the owner out. Now access_lockout counts per (secret_hmac, client_hmac): the
HMAC (NIK_HMAC_KEY) of what is guessed (the NIK, "lacak:" + reference, "masuk:" + the typed
e-mail) and of the client (its address, or an officer's device). client_hmac "*" is the secret's
total over every client. `scope` says which kind of secret a row is about (cek_status, lacak,
masuk). Nothing is stored in clear.

Existing data: an old row's key is the HMAC of the secret alone, which is exactly the new
secret_hmac of its scope (a NIK's HMAC for nik_lockout, the HMAC of "lacak:" + reference for
access_lockout), but the client was never stored, so an old count cannot become a per-client
count. The rows are kept as the secret's total ("*"), with their failures and lockouts, and
without locked_until: a total does not lock anyone out of the status check or tracking (it only
shows staff an attack), so a lockout in progress at upgrade time ends (at most 15 minutes times
2^n early; the client then has five guesses again, the same as any other client). The account
columns failed_logins and locked_until are dropped: a sign-in lockout lasts 15 minutes, and its
per-client key needs the HMAC key, which a migration does not have; an account locked at upgrade
time is unlocked, and its attacker starts again at five guesses per address. The composite
primary key (secret_hmac, client_hmac) serves both the lookup of one client and the scan of one
secret's clients, so no other index is added. Downgrade puts the totals back into nik_lockout and
the old access_lockout (per-client rows are dropped: the old schema cannot hold them) and adds
the account columns back empty.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

SCOPES = ('cek_status', 'lacak', 'masuk')


def upgrade():
    _rename_table('access_lockout', 'access_lockout_old')
    op.create_table('access_lockout',
    sa.Column('secret_hmac', sa.String(length=64), nullable=False),
    sa.Column('client_hmac', sa.String(length=64), nullable=False),
    sa.Column('scope', sa.Enum(*SCOPES, name='lockoutscope', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('lockouts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('secret_hmac', 'client_hmac', name=op.f('pk_access_lockout'))
    )
    op.execute("INSERT INTO access_lockout (secret_hmac, client_hmac, scope, failures, lockouts, locked_until, "
               "updated_at) SELECT nik_hmac, '*', 'cek_status', failures, lockouts, NULL, updated_at FROM nik_lockout")
    op.execute("INSERT INTO access_lockout (secret_hmac, client_hmac, scope, failures, lockouts, locked_until, "
               "updated_at) SELECT key_hmac, '*', 'lacak', failures, lockouts, NULL, updated_at "
               "FROM access_lockout_old")
    op.drop_table('nik_lockout')
    op.drop_table('access_lockout_old')
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+ too): no copy of `account`, which other tables refer to.
    with op.batch_alter_table('account', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    # The old columns back, empty (the server default fills existing rows and stays: harmless).
    with op.batch_alter_table('account', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    _rename_table('access_lockout', 'access_lockout_new')
    op.create_table('nik_lockout',
    sa.Column('nik_hmac', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('lockouts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('nik_hmac', name=op.f('pk_nik_lockout'))
    )
    op.create_table('access_lockout',
    sa.Column('key_hmac', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('lockouts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key_hmac', name=op.f('pk_access_lockout'))
    )
    op.execute("INSERT INTO nik_lockout (nik_hmac, failures, lockouts, locked_until, updated_at) SELECT secret_hmac, "
               "failures, lockouts, NULL, updated_at FROM access_lockout_new "
               "WHERE client_hmac = '*' AND scope = 'cek_status'")
    op.execute("INSERT INTO access_lockout (key_hmac, failures, lockouts, locked_until, updated_at) SELECT "
               "secret_hmac, failures, lockouts, NULL, updated_at FROM access_lockout_new "
               "WHERE client_hmac = '*' AND scope = 'lacak'")
    op.drop_table('access_lockout_new')


def _rename_table(before: str, after: str) -> None:
    """A table moved aside for its successor of the same name. PostgreSQL keeps the primary key's
    name (an index name, unique in the schema) across a rename, so it is renamed too; SQLite has
    no named primary key index."""
    op.rename_table(before, after)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'ALTER TABLE {after} RENAME CONSTRAINT pk_{before} TO pk_{after}')
