"""The ``psc upstream`` subcommands: the conflict report of a center's upstreams."""

from collective.psc.commands.instance import add_center_argument
from collective.psc.commands.instance import open_center
from collective.psc.commands.instance import opened_app

import argparse
import json


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``psc upstream conflicts`` to the subcommands of ``psc``."""
    upstream = commands.add_parser(
        "upstream", help="report on the upstream indexes of a center"
    )
    actions = upstream.add_subparsers(dest="upstream_command", required=True)
    conflicts = actions.add_parser(
        "conflicts",
        help="list upstream projects shadowed by local or reserved names, "
        "and refused upstream files",
    )
    add_center_argument(conflicts)
    conflicts.add_argument(
        "--json", action="store_true", help="print the report as JSON"
    )
    conflicts.set_defaults(handler=run_conflicts)


def run_conflicts(args: argparse.Namespace) -> int:
    """Print the conflict report; exit with 1 when anything was refused."""
    from collective.psc.upstream import service

    import transaction

    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        report = service.conflicts(center)
        transaction.abort()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 1 if report["refused"] else 0


def print_report(report: dict) -> None:
    """Print the report as two tables."""
    print(f"{'shadowed name':<32} {'why':<20} versions upstream")
    for row in report["shadowed"]:
        why = (
            f"reserved {row['reserved']}"
            if row["reserved"]
            else ("merged" if row["merged"] else "local")
        )
        print(f"{row['name']:<32} {why:<20} {', '.join(row['versions'])}")
    print()
    print(f"{'refused file':<48} pinned sha256 / offered sha256")
    for row in report["refused"]:
        print(f"{row['filename']:<48} {row['pinned_sha256']} / {row['offered_sha256']}")
