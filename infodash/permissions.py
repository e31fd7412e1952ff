"""What each role may do, enforced where the work is done (not by hiding buttons).

Every write function a person's action reaches takes the acting :class:`Account` and calls :func:`require`
(or :func:`require_owner` for a record someone owns) before it touches the database (what InfoDash derives
by itself, such as service-level verdicts, and its note of a download in the audit log, need no role):

- viewer (senior management): aggregate pages and packs; may generate a pack, nothing else;
- staff: log touchpoints, requests, feedback and survey answers; change their own touchpoints and the
  requests they logged, are assigned or that nobody is assigned yet; explain breaches of those; work
  the anomaly queue;
- lead: everything, including set-up (organisation, policies, calendars, surveys, settings), imports,
  anyone's records, privacy (export, erasure, retention) and accounts.

Whoever runs ``python -m infodash`` has the database file itself, so the command line acts as a lead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from infodash.errors import NotAllowed

ROLE_RANK = {"viewer": 0, "staff": 1, "lead": 2}
_ARTICLE = {"viewer": "a viewer", "staff": "staff", "lead": "a lead"}  # "... is signed in as <article>"

__all__ = ["ROLE_RANK", "Account", "NotAllowed", "command_line", "require", "require_owner"]


@dataclass(frozen=True)
class Account:
    """A person who may sign in, and what they may do (never with the password or its hash)."""

    account_id: int
    email: str
    name: str
    role: str


def require(account: Account, least_role: str, what: str) -> None:
    """Raise NotAllowed unless ``account`` has at least ``least_role`` (e.g. 'lead') for ``what``."""
    if ROLE_RANK.get(account.role, -1) < ROLE_RANK[least_role]:
        who = {"viewer": "Anyone signed in", "staff": "Staff and leads", "lead": "Only a lead"}[least_role]
        raise NotAllowed(f"{who} may {what}; {account.name} is signed in as "
                         f"{_ARTICLE.get(account.role, account.role)}.")


def require_owner(account: Account, owners: Iterable[str | None], what: str, whose: str) -> None:
    """Staff may change a record only when their name is among ``owners`` (``whose`` says who they are,
    e.g. "Ana Costa, who logged it"); a lead may change any. Raises NotAllowed otherwise."""
    require(account, "staff", what)
    if account.role != "lead" and account.name.casefold() not in {owner.casefold() for owner in owners if owner}:
        raise NotAllowed(f"Only {whose}, or a lead, may {what}.")


def command_line(name: str) -> Account:
    """The account a command-line job acts as: a lead, under the name its ``--author`` gives."""
    return Account(0, "", name.strip(), "lead")
