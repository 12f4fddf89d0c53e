"""Who files (a complaint or a help request) in relation to the person it is about."""

from __future__ import annotations

import enum


class FilerRelation(enum.StrEnum):
    SENDIRI = "sendiri"
    KELUARGA = "keluarga"
    PENDAMPING = "pendamping"
    RT_RW = "rt_rw"
    LAINNYA = "lainnya"
