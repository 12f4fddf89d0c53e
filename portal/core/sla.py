"""Service targets in working days: to verify and to answer a complaint, by category (its value)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SlaTargets:
    verify_days: int = 3
    resolve_days: int = 14
    verify_days_by_category: dict[str, int] = field(default_factory=dict)
    resolve_days_by_category: dict[str, int] = field(default_factory=dict)

    def verify_for(self, category: enum.Enum) -> int:
        return self.verify_days_by_category.get(category.value, self.verify_days)

    def resolve_for(self, category: enum.Enum) -> int:
        return self.resolve_days_by_category.get(category.value, self.resolve_days)
