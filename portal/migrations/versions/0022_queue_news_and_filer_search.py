"""The queue finds a case by the filer's name and phone, and marks news from the resident.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05

Reviewed: complaint gains one nullable column, resident_news_at (when the resident last added
something the assigned officer has not opened: an answer on the web or by SMS, a rating); it
starts empty for every case, so nothing old is marked "baru dari warga" (issue 16 point 6).
ix_complaint_phone indexes the stored E.164 number the queue's phone search compares with.
complaint_filer_word holds each normalised word of the name of who filed for someone (family,
companion, RT/RW), as complaint_name_word does for the subject: primary key (word, complaint_id)
for a range scan; it is filled here from complaint.filer_name with a frozen copy of the portal's
normaliser (portal.core.names.name_tokens as of this revision, dotted titles such as "S. Pd"
joined) and afterwards by the filing service. No row of complaint is rewritten.
Downgrade drops the table, the index and the column (the marks of news are lost; nothing else
depends on them).
"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

import portal.core.base

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

BATCH = 5000

# The portal's name normaliser as it was when this revision was written (portal.core.names),
# frozen here: a migration must give the same words whatever the live code later becomes.
_TITLES = frozenset({
    "h", "hj", "haji", "hajah", "dr", "drs", "dra", "ir", "prof", "st", "sh", "se", "mm", "mh",
    "spd", "spdi", "mpd", "msi", "ssi", "skm", "sked", "mkes", "sst", "sag", "skom", "sos", "ssos",
    "amd", "ama", "amk", "bsc", "ba", "kh", "ust", "ustadz", "ustazah", "raden", "rd", "r", "tb",
    "ny", "nn", "tn", "sdr", "sdri", "bpk", "ibu",
})
_APOSTROPHES = re.compile(r"[’'`´ʼ‘]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_WORD_BREAKS = re.compile(r"[\s,]+")


def name_tokens(name):
    folded = name.lower() if name.isascii() else "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()
    words = [w for w in _WORD_BREAKS.split(_APOSTROPHES.sub("", folded)) if w]
    tokens = [_NON_WORD.sub("", w) for w in words]
    joined, i = [], 0
    while i < len(tokens):
        token, j = tokens[i], i
        while words[j].endswith(".") and len(token) <= 3 and j + 1 < len(tokens) and token + tokens[j + 1] in _TITLES:
            token, j = token + tokens[j + 1], j + 1
        joined.append(token)
        i = j + 1
    return [t for t in joined if t and t not in _TITLES]


def _fill_filer_words():
    bind = op.get_bind()
    words = sa.table('complaint_filer_word', sa.column('word', sa.String), sa.column('complaint_id', sa.Integer))
    names = bind.execute(sa.text('SELECT id, filer_name FROM complaint WHERE filer_name IS NOT NULL')).all()
    rows = []
    for complaint_id, name in names:
        rows += [{'word': word, 'complaint_id': complaint_id} for word in sorted({t[:40] for t in name_tokens(name)})]
        if len(rows) >= BATCH:
            bind.execute(words.insert(), rows)
            rows = []
    if rows:
        bind.execute(words.insert(), rows)


def upgrade():
    op.create_table('complaint_filer_word',
    sa.Column('word', sa.String(length=40), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_filer_word_complaint_id_complaint')),
    sa.PrimaryKeyConstraint('word', 'complaint_id', name=op.f('pk_complaint_filer_word'))
    )
    with op.batch_alter_table('complaint_filer_word', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_filer_word_complaint_id'), ['complaint_id'], unique=False)
    _fill_filer_words()
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resident_news_at', portal.core.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_complaint_phone'), ['phone'], unique=False)


def downgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_phone'))
        batch_op.drop_column('resident_news_at')
    with op.batch_alter_table('complaint_filer_word', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_filer_word_complaint_id'))
    op.drop_table('complaint_filer_word')
