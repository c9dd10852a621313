"""The ``psc token`` subcommands: create, list and revoke API tokens of a center."""

from collective.psc.commands.instance import add_center_argument
from collective.psc.commands.instance import call_service
from collective.psc.commands.instance import open_center
from collective.psc.commands.instance import opened_app
from typing import Any

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``psc token create|list|revoke`` to the subcommands of ``psc``."""
    token = commands.add_parser(
        "token", help="create, list and revoke API tokens for uploads"
    )
    actions = token.add_subparsers(dest="token_command", required=True)

    create = actions.add_parser(
        "create", help="create a token for a user and print it, this once only"
    )
    add_center_argument(create)
    create.add_argument(
        "--user",
        dest="owner",
        metavar="USER",
        required=True,
        help="the id of the site user the token logs in",
    )
    create.add_argument(
        "--project", help="the one project the token may upload to (default: all)"
    )
    create.add_argument("--description", default="", help="where the token is used")
    create.set_defaults(handler=run_create)

    listing = actions.add_parser("list", help="list the tokens, without secrets")
    add_center_argument(listing)
    listing.add_argument(
        "--user", dest="owner", metavar="USER", help="only the tokens of this user id"
    )
    listing.set_defaults(handler=run_list)

    revoke = actions.add_parser("revoke", help="revoke a token by its id")
    add_center_argument(revoke)
    revoke.add_argument("token_id", help="the 12 hex digits after 'psc-'")
    revoke.set_defaults(handler=run_revoke)


def run_create(args: argparse.Namespace) -> int:
    """Create a token and print it with how to use it."""
    from collective.psc.constants import TOKEN_LOGIN
    from collective.psc.tokens.store import create_token

    import transaction

    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        info, token = call_service(
            create_token,
            center=center,
            user_id=args.owner,
            project=args.project,
            description=args.description,
        )
        transaction.commit()
    print(f"Created API token {info.id} for {info.user_id}, scope: {_scope(info)}.")
    print(token)
    print(
        "Store it now: it is not shown again. "
        f"Use it as the password of the user {TOKEN_LOGIN}."
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print one line per token: id, user, scope, dates, last use, description."""
    from collective.psc.tokens.store import list_tokens

    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        infos = call_service(list_tokens, center=center, user_id=args.owner)
    print(
        f"{'id':<12}  {'user':<20}  {'scope':<24}  {'created (UTC)':<16}  "
        f"{'expires':<10}  {'last used (UTC)':<16}  description"
    )
    for info in infos:
        print(
            f"{info.id:<12}  {info.user_id:<20}  {_scope(info):<24}  "
            f"{info.created:%Y-%m-%d %H:%M}  {_expiry(info):<10}  "
            f"{_last_used(info):<16}  {info.description}"
        )
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    """Revoke a token."""
    from collective.psc.tokens.store import revoke_token

    import transaction

    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        info = call_service(revoke_token, center=center, token_id=args.token_id)
        transaction.commit()
    print(f"Revoked API token {info.id} of {info.user_id}.")
    return 0


def _expiry(info: Any) -> str:
    if info.expires is None:
        return "never"
    return "expired" if info.expired() else f"{info.expires:%Y-%m-%d}"


def _last_used(info: Any) -> str:
    return "never" if info.last_used is None else f"{info.last_used:%Y-%m-%d %H:%M}"


def _scope(info: Any) -> str:
    return f"project {info.project}" if info.project else "all projects"
