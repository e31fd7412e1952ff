"""The filters every page shares: which customer groups and services to look at."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    """Empty tuples mean "all"."""

    group_ids: tuple[int, ...] = ()
    service_ids: tuple[int, ...] = ()

    def conditions(self, customer_column: str = "customer_id", service_column: str = "service_id") -> str:
        """SQL ``AND ...`` conditions for the filters that are set ('' when none is).

        The chosen ids travel as the parameters of :meth:`params`, never in the SQL text;
        the column names are the caller's constants. Leaving out an unset filter, rather
        than writing "list is empty OR ...", lets DuckDB skip the customer lookup entirely.
        """
        parts = []
        if self.group_ids:
            parts.append(f"{customer_column} IN (SELECT customer_id FROM customers "
                         "WHERE list_contains($groups::INTEGER[], group_id))")
        if self.service_ids:
            parts.append(f"list_contains($services::INTEGER[], {service_column})")
        return "".join(f" AND {part}" for part in parts)

    def params(self) -> dict[str, list[int]]:
        """The named parameters the :meth:`conditions` refer to."""
        params = {}
        if self.group_ids:
            params["groups"] = list(self.group_ids)
        if self.service_ids:
            params["services"] = list(self.service_ids)
        return params
