"""Staff roles, known to every layer that checks who may do what."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
