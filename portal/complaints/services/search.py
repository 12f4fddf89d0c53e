"""Finding complaints by the subject's name: each word of the name, normalised, is a row of
complaint_name_word; a search term matches the names with a word that starts with it.

What an officer expects: case and accents do not matter, titles (H., Hj., S.Pd. …) are neither
indexed nor needed, the words of the name may come in any order ("aminah siti"), and each typed
word may be the start of a word ("sit amin"). Every term must match (AND)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.complaints.models.complaint import Complaint
from portal.complaints.models.name_word import ComplaintFilerWord, ComplaintNameWord
from portal.core.names import name_tokens

WORD_LENGTH = 40
ID_LIST_LIMIT = 2000  # more matching names than this are searched with a subquery
MAX_TERMS = 5
_RAW_WORDS = re.compile(r"[^a-z0-9]+")


def name_words(name: str) -> set[str]:
    return {token[:WORD_LENGTH] for token in name_tokens(name)}


def search_terms(query: str) -> list[str]:
    """The words of a name search. A title alone ("ir", "r") is kept: it may be the start of a
    name being typed (Irfan, Rina)."""
    terms = name_tokens(query) or [w for w in _RAW_WORDS.split(query.casefold()) if w]
    return list(dict.fromkeys(term[:WORD_LENGTH] for term in terms))[:MAX_TERMS]


WordTable = type[ComplaintNameWord] | type[ComplaintFilerWord]


def _matches(term: str, table: WordTable = ComplaintNameWord) -> sa.ColumnElement[bool]:
    """A word starting with `term`, as an index range on both databases (LIKE 'x%' is one only
    under some collations); terms are [a-z0-9], so the character after the last one is ASCII too.
    A single letter matches only itself: as a prefix it would match a third of all names."""
    if len(term) == 1:
        return table.word == term
    following = term[:-1] + chr(ord(term[-1]) + 1)
    return sa.and_(table.word >= term, table.word < following)


def name_clause(
    *, session: Session, terms: list[str], table: WordTable = ComplaintNameWord
) -> tuple[sa.ColumnElement[bool], bool]:
    """Complaints whose name (the subject's; with `table` ComplaintFilerWord, the filer's) has,
    for every term, a word starting with it; and whether they are many (over ID_LIST_LIMIT). The
    matching ids are fetched first, from the word index alone: a list of ids gives both databases
    the true number of rows to plan for (an INTERSECT of two common first names looks large to
    PostgreSQL even when it is a handful)."""
    if not terms:
        return sa.false(), False
    found = [sa.select(table.complaint_id).where(_matches(term, table)) for term in terms]
    matching = found[0] if len(found) == 1 else sa.intersect(*found)
    ids: list[int] = list(session.scalars(sa.select(matching.subquery().c[0]).limit(ID_LIST_LIMIT + 1)))
    if len(ids) > ID_LIST_LIMIT:
        return Complaint.id.in_(matching), True
    return Complaint.id.in_(ids), False


def index_name(*, session: Session, complaint: Complaint) -> None:
    """(Re)write the words of one complaint's names, the subject's and the filer's (after it has an id)."""
    for table, name in ((ComplaintNameWord, complaint.subject_name), (ComplaintFilerWord, complaint.filer_name)):
        session.execute(sa.delete(table).where(table.complaint_id == complaint.id))
        words = name_words(name or "")
        if words:
            session.execute(sa.insert(table), [{"word": word, "complaint_id": complaint.id} for word in sorted(words)])


def reindex_names(*, session: Session, batch_size: int = 5000) -> int:
    """Rebuild the whole name index (bulk loads that bypass file_complaint). Returns the rows."""
    written = 0
    for table, column in ((ComplaintNameWord, Complaint.subject_name), (ComplaintFilerWord, Complaint.filer_name)):
        session.execute(sa.delete(table))
        rows: list[dict[str, object]] = []
        for complaint_id, name in session.execute(sa.select(Complaint.id, column)).all():
            rows += [{"word": word, "complaint_id": complaint_id} for word in sorted(name_words(name or ""))]
            if len(rows) >= batch_size:
                session.execute(sa.insert(table), rows)
                written, rows = written + len(rows), []
        if rows:
            session.execute(sa.insert(table), rows)
            written += len(rows)
    return written
