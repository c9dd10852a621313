"""The ``psc maintainer`` subcommands: list, add and remove project maintainers."""

from collective.psc.commands.instance import add_center_argument
from collective.psc.commands.instance import call_service
from collective.psc.commands.instance import open_center
from collective.psc.commands.instance import opened_app

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``psc maintainer list|add|remove`` to the subcommands of ``psc``."""
    maintainer = commands.add_parser(
        "maintainer", help="list, add and remove the maintainers of a project"
    )
    actions = maintainer.add_subparsers(dest="maintainer_command", required=True)
    listing = actions.add_parser("list", help="list owners and maintainers")
    add_center_argument(listing)
    listing.add_argument("project", help="the project name, in any spelling")
    listing.set_defaults(handler=run_list)
    for name, handler, text in (
        ("add", run_add, "let a user upload releases of the project"),
        ("remove", run_remove, "take that right from a user"),
    ):
        action = actions.add_parser(name, help=text)
        add_center_argument(action)
        action.add_argument("project", help="the project name, in any spelling")
        action.add_argument("user_id", help="the id of the site user")
        action.set_defaults(handler=handler)


def run_list(args: argparse.Namespace) -> int:
    """Print one line per user with a role on the project."""
    from collective.psc.services import maintainers
    from collective.psc.services import projects

    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        project = call_service(projects.get_project, center=center, name=args.project)
        people = maintainers.list_maintainers(project=project)
    for user_id, roles in sorted(people.items()):
        print(f"{user_id:<24} {', '.join(roles)}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    """Give a user the Maintainer role on a project."""
    return _change(args, add=True)


def run_remove(args: argparse.Namespace) -> int:
    """Take the Maintainer role on a project from a user."""
    return _change(args, add=False)


def _change(args: argparse.Namespace, *, add: bool) -> int:
    from collective.psc.services import maintainers
    from collective.psc.services import projects

    import transaction

    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        project = call_service(projects.get_project, center=center, name=args.project)
        function = maintainers.add_maintainer if add else maintainers.remove_maintainer
        call_service(function, project=project, user_id=args.user_id)
        transaction.commit()
        name = project.display_name
    verb = "is now a maintainer of" if add else "is no longer a maintainer of"
    print(f"{args.user_id} {verb} {name}.")
    return 0
