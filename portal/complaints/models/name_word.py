"""The words of each complaint's subject name, normalised: the index behind the queue's name search."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.base import Base


class ComplaintNameWord(Base):
    """One word of a complaint's subject name: lower case, without accents, punctuation or titles
    ("Hj. Siti Ma'rifah" → siti, marifah). The primary key (word, complaint_id) finds every name
    with a word starting with what an officer typed by a range scan, on SQLite and PostgreSQL.
    Written by portal.complaints.services.search when a complaint is filed."""

    __tablename__ = "complaint_name_word"

    word: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaint.id"), primary_key=True, index=True)


class ComplaintFilerWord(Base):
    """One word of the name of who filed a complaint for someone (family, companion, RT/RW), as
    ComplaintNameWord holds the subject's: the queue finds a case by the filer's name too (only
    where the officer may see the filer's identity). Written by the filing service."""

    __tablename__ = "complaint_filer_word"

    word: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaint.id"), primary_key=True, index=True)
