"""``python -m infodash users add|reset|disable|enable|role|list``: local accounts from the command line,
e.g. the first lead's account on a server nobody has signed in to yet, or a reset when a password is lost.

Passwords are asked for twice without echo, or read from the first line of standard input with
``--password-stdin`` (for scripts); they are never an option, so they stay out of shell history.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from infodash.accounts import ROLES, accounts, add_account, reset_password, set_disabled, set_role
from infodash.db import Store
from infodash.errors import ValidationError
from infodash.permissions import command_line

ACTOR = command_line("command line")


def add_user_commands(commands: argparse._SubParsersAction) -> None:
    """The ``users`` command and its steps, with their options."""
    steps = commands.add_parser("users", help="local accounts: add, reset a password, disable, enable, change a "
                                              "role, list").add_subparsers(dest="users_command", required=True)
    add = steps.add_parser("add", help="an account that signs in with a password (or, with --no-password, only "
                                       "through the organisation's identity provider)")
    add.add_argument("email")
    add.add_argument("--name", required=True)
    add.add_argument("--role", choices=list(ROLES), required=True,
                     help="; ".join(f"{description}" for description in ROLES.values()))
    add.add_argument("--no-password", action="store_true")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    reset = steps.add_parser("reset", help="a new password for the account (lifts a lock after failed attempts)")
    reset.add_argument("email")
    reset.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    for name, text in (("disable", "the account can no longer sign in; its history stays"),
                       ("enable", "the account can sign in again")):
        steps.add_parser(name, help=text).add_argument("email")
    role = steps.add_parser("role", help="change what the account may do")
    role.add_argument("email")
    role.add_argument("role", choices=list(ROLES))
    steps.add_parser("list", help="every account, its role and when it last signed in")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Once more: ") != first:
        raise ValidationError({"password": "The two passwords differ."})
    return first


def run_users(store: Store, args: argparse.Namespace) -> int:
    """Carry out one ``users`` step."""
    if args.users_command == "add":
        password = None if args.no_password else _password(args.password_stdin)
        account = add_account(store, args.email, args.name, args.role, password, ACTOR)
        print(f"added {account.email} ({account.role})")
    elif args.users_command == "reset":
        reset_password(store, args.email, _password(args.password_stdin), ACTOR)
        print(f"new password set for {args.email.strip().lower()}")
    elif args.users_command in ("disable", "enable"):
        set_disabled(store, args.email, args.users_command == "disable", ACTOR)
        print(f"{args.users_command}d {args.email.strip().lower()}")
    elif args.users_command == "role":
        set_role(store, args.email, args.role, ACTOR)
        print(f"{args.email.strip().lower()} is now {args.role}")
    else:
        listed = accounts(store)
        if listed.empty:
            print("no accounts yet: python -m infodash users add EMAIL --name NAME --role lead")
        for row in listed.itertuples():
            state = "disabled" if row.disabled else ("password" if row.local else "identity provider only")
            last = "never" if row.last_sign_in_at is None or str(row.last_sign_in_at) == "NaT" \
                else f"{row.last_sign_in_at:%Y-%m-%d %H:%M}"
            print(f"{row.email}\t{row.name}\t{row.role}\t{state}\tlast signed in {last}")
    return 0
