"""The filters every page shares: which customer groups and services to look at."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    """Empty tuples mean "all"."""

    group_ids: tuple[int, ...] = ()
    service_ids: tuple[int, ...] = ()

    def params(self) -> dict[str, list[int]]:
        """Named SQL parameters ``groups`` and ``services`` used with :data:`IN_GROUPS` and :data:`IN_SERVICES`."""
        return {"groups": list(self.group_ids), "services": list(self.service_ids)}


# SQL conditions over a customers alias ``c`` and a row with a ``service_id``;
# an empty list matches every row. Always bound as parameters, never formatted.
IN_GROUPS = "(len($groups::INTEGER[]) = 0 OR list_contains($groups::INTEGER[], c.group_id))"
IN_SERVICES = "(len($services::INTEGER[]) = 0 OR list_contains($services::INTEGER[], service_id))"
