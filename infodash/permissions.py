"""What each role may do, enforced where the work is done (not by hiding buttons).

viewer (senior management): aggregate pages and packs; staff: their own work and the anomaly queue;
lead: everything, including set-up, imports, privacy and accounts.
"""

from __future__ import annotations

from infodash.accounts import Account

ROLE_RANK = {"viewer": 0, "staff": 1, "lead": 2}


class NotAllowed(Exception):
    """The signed-in account's role does not allow this; the message says what is needed."""


def require(account: Account, least_role: str, what: str) -> None:
    """Raise NotAllowed unless ``account`` has at least ``least_role`` (e.g. 'lead') for ``what``."""
    if ROLE_RANK.get(account.role, -1) < ROLE_RANK[least_role]:
        raise NotAllowed(f"Only a {least_role} may {what}; {account.name} is signed in as {account.role}.")
