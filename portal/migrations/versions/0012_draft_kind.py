"""Each draft says its kind (complaint_draft.kind) instead of a token prefix.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05

Reviewed: complaint_draft holds three kinds of kept forms, told apart until now by the token's
prefix ("btn-" a help request, "rst-" an unsent form, none a complaint), and the complaints'
reader did not look at it: a token of another kind posted to it was taken as a complaint draft.
Now `kind` says it (complaint, assistance, unsent_form; a CHECK refuses anything else, NOT NULL)
and every reader asks for its kind. Existing rows get their kind from their prefix; a complaint
token (43 random URL-safe characters) that happened to begin with one of the prefixes (about one
in 17 million) would be taken for that kind and no longer be found as a complaint draft, which
costs its resident a form to type again, nothing more. New tokens carry no prefix.

Downgrade drops the column. The old code tells kinds by prefix, so help-request and unsent-form
drafts written without one are deleted (the old code would read them as complaint drafts); those
browsers type their form again.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

KINDS = ('complaint', 'assistance', 'unsent_form')
PREFIXES = {'assistance': 'btn-', 'unsent_form': 'rst-'}


def upgrade():
    kind = sa.Enum(*KINDS, name='draftkind', native_enum=False, create_constraint=True, length=11)
    with op.batch_alter_table('complaint_draft', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', kind, nullable=True))
    draft = sa.table('complaint_draft', sa.column('token', sa.String), sa.column('kind', sa.String))
    for name, prefix in PREFIXES.items():
        op.execute(draft.update().where(draft.c.token.startswith(prefix, autoescape=True)).values(kind=name))
    op.execute(draft.update().where(draft.c.kind.is_(None)).values(kind='complaint'))
    with op.batch_alter_table('complaint_draft', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=kind, nullable=False)


def downgrade():
    draft = sa.table('complaint_draft', sa.column('token', sa.String), sa.column('kind', sa.String))
    for name, prefix in PREFIXES.items():
        op.execute(
            draft.delete().where(draft.c.kind == name, sa.not_(draft.c.token.startswith(prefix, autoescape=True)))
        )
    with op.batch_alter_table('complaint_draft', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_complaint_draft_kind_draftkind'), type_='check')
        batch_op.drop_column('kind')
