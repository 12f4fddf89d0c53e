"""Staff roles, known to every layer that checks who may do what."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


# Every role sees personal data (people found by NIK, complaints, help requests' stories), so
# every staff account signs in with a second factor: a stolen password alone opens nothing.
TWO_FACTOR_ROLES: frozenset[Role] = frozenset(Role)


def needs_two_factor(role: Role) -> bool:
    return role in TWO_FACTOR_ROLES
