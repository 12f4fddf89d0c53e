"""Who wrote a timeline line: a kind and an account (actor_kind, actor_officer_id), not a string.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05

Reviewed: complaint_event.actor and assistance_event.actor held "warga", "sistem", "demo" or
"petugas:<account id>", a string parsed back to find the officer's name. Each table now has
actor_kind (resident, system, demo, officer; a CHECK refuses anything else, NOT NULL) and
actor_officer_id (a foreign key to account), with a CHECK that an officer's line names the
account and no other line does; `actor` is dropped. Existing lines are mapped one to one:
"warga" -> resident, "sistem" -> system, "demo" -> demo, "petugas:N" -> officer N. Those are the
only values the portal ever wrote; before changing anything the upgrade looks for any other
value (or "petugas:N" of an account that does not exist) and stops, naming them, so that nothing
is guessed: such lines must be corrected by hand first. Accounts are never deleted, so the
foreign key holds for every line written so far.

SQLite: the columns are changed by copying each table (batch mode). complaint_event is referred
to by attachment.event_id: migrations/env.py runs migrations on SQLite with foreign keys off
(dropping the old copy would fail otherwise) and checks before the commit that no reference
dangles; every line keeps its id, so the attachments stay on their lines.

Downgrade writes `actor` back from the two columns, the same strings as before, and drops them.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

TABLES = ('complaint_event', 'assistance_event')
KINDS = ('officer', 'resident', 'system', 'demo')
OLD_NAMES = {'resident': 'warga', 'system': 'sistem', 'demo': 'demo'}  # and 'petugas:<id>'
OFFICER_CHECK = ("(actor_kind = 'officer' AND actor_officer_id IS NOT NULL) "
                 "OR (actor_kind <> 'officer' AND actor_officer_id IS NULL)")


def _kind():
    return sa.Enum(*KINDS, name='actorkind', native_enum=False, create_constraint=True, length=8)


def upgrade():
    _refuse_unknown_actors()
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('actor_kind', _kind(), nullable=True))
            batch_op.add_column(sa.Column('actor_officer_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_actor_officer_id_account'), 'account',
                                        ['actor_officer_id'], ['id'])
        kind = ' '.join(f"WHEN '{old}' THEN '{new}'" for new, old in OLD_NAMES.items())
        op.execute(f"UPDATE {table} SET actor_kind = CASE actor {kind} ELSE 'officer' END")  # noqa: S608
        op.execute(f"UPDATE {table} SET actor_officer_id = CAST(substr(actor, 9) AS INTEGER) "  # noqa: S608
                   "WHERE actor_kind = 'officer'")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('actor_kind', existing_type=_kind(), nullable=False)
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_actor_officer'), OFFICER_CHECK)
            batch_op.drop_column('actor')


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('actor', sa.String(length=100), nullable=True))
        name = ' '.join(f"WHEN '{new}' THEN '{old}'" for new, old in OLD_NAMES.items())
        op.execute(f"UPDATE {table} SET actor = CASE actor_kind {name} "  # noqa: S608
                   "ELSE 'petugas:' || CAST(actor_officer_id AS VARCHAR(20)) END")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('actor', existing_type=sa.String(length=100), nullable=False)
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_actor_officer'), type_='check')
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_actor_kind_actorkind'), type_='check')
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_actor_officer_id_account'), type_='foreignkey')
            batch_op.drop_column('actor_officer_id')
            batch_op.drop_column('actor_kind')


def _refuse_unknown_actors():
    """Stop before any change if a line's author is not one the mapping knows."""
    known = ', '.join(f"'{old}'" for old in OLD_NAMES.values())
    unknown = []
    for table in TABLES:
        rows = op.get_bind().execute(sa.text(
            f"SELECT actor, count(*) FROM {table} t WHERE actor NOT IN ({known}) AND NOT EXISTS ("  # noqa: S608
            "SELECT 1 FROM account a WHERE t.actor = 'petugas:' || CAST(a.id AS VARCHAR(20))) GROUP BY actor"
        )).all()
        unknown += [f'{table}: {actor!r} ({count} lines)' for actor, count in rows]
    if unknown:
        raise RuntimeError('Timeline lines by an unknown author; correct them before upgrading: ' + '; '.join(unknown))
