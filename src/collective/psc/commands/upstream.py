"""The ``psc upstream`` subcommands: a center's upstream settings and conflicts."""

from collective.psc.commands.instance import add_center_argument
from collective.psc.commands.instance import call_service
from collective.psc.commands.instance import open_center
from collective.psc.commands.instance import opened_app

import argparse
import json


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``psc upstream show|set|conflicts|import`` to the subcommands of ``psc``."""
    upstream = commands.add_parser(
        "upstream", help="configure and report on the upstream indexes of a center"
    )
    actions = upstream.add_subparsers(dest="upstream_command", required=True)
    show = actions.add_parser("show", help="print the upstream settings")
    add_center_argument(show)
    show.set_defaults(handler=run_show)
    change = actions.add_parser("set", help="change the upstream settings")
    add_center_argument(change)
    change.add_argument(
        "--url",
        action="append",
        dest="urls",
        help="an upstream simple index URL (repeat it; replaces the list)",
    )
    change.add_argument(
        "--merge",
        action="append",
        dest="merged",
        help="a project served from both sources (repeat it; replaces the list)",
    )
    change.add_argument(
        "--allow-list-only",
        action=argparse.BooleanOptionalAction,
        help="serve no upstream project but the merged ones",
    )
    change.add_argument("--ttl", type=int, help="page lifetime in seconds")
    change.add_argument(
        "--offline",
        action=argparse.BooleanOptionalAction,
        help="never ask the upstreams; serve what was fetched",
    )
    change.set_defaults(handler=run_set)
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
    imported = actions.add_parser(
        "import",
        help="import a release from an upstream as a local one, with its provenance",
    )
    add_center_argument(imported)
    imported.add_argument(
        "spec", help="name==version, or a file URL ending in #sha256=<hex digest>"
    )
    imported.set_defaults(handler=run_import)


def run_show(args: argparse.Namespace) -> int:
    """Print the upstream settings, without the credentials of the URLs."""
    from collective.psc.upstream.behaviors import upstream_settings
    from collective.psc.upstream.client import public_url

    with opened_app(args.zope_conf) as app:
        settings = upstream_settings(open_center(app, args))
    print(f"urls:            {' '.join(map(public_url, settings.urls)) or '-'}")
    print(f"merged:          {' '.join(sorted(settings.allow_list)) or '-'}")
    print(f"allow-list-only: {'yes' if settings.allow_list_only else 'no'}")
    print(f"ttl:             {settings.ttl}")
    print(f"offline:         {'yes' if settings.offline else 'no'}")
    return 0


def run_set(args: argparse.Namespace) -> int:
    """Validate and store the given upstream settings."""
    from collective.psc.upstream.behaviors import index_url
    from collective.psc.upstream.behaviors import IUpstreamIndexes
    from collective.psc.upstream.behaviors import project_name
    from zope.interface import Invalid

    import transaction

    try:
        for url in args.urls or ():
            index_url(url)
        for name in args.merged or ():
            project_name(name)
    except Invalid as error:
        raise SystemExit(str(error.args[0])) from None
    if args.ttl is not None and args.ttl < 0:
        raise SystemExit("Give the page lifetime as seconds, 0 or more.")
    changes = {
        "upstream_urls": args.urls,
        "upstream_allow_list": args.merged,
        "upstream_allow_list_only": args.allow_list_only,
        "upstream_ttl": args.ttl,
        "upstream_offline": args.offline,
    }
    with opened_app(args.zope_conf) as app:
        settings = IUpstreamIndexes(open_center(app, args), None)
        if settings is None:
            raise SystemExit(
                "This center has no upstream settings; upgrade the add-on's profile."
            )
        for name, value in changes.items():
            if value is not None:
                setattr(settings, name, value)
        transaction.commit()
    print("Upstream settings saved.")
    return 0


def run_conflicts(args: argparse.Namespace) -> int:
    """Print the conflict report; exit with 1 when anything was refused."""
    from collective.psc.upstream import proxy

    import transaction

    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        report = proxy.conflicts(center)
        transaction.abort()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 1 if report["refused"] else 0


def run_import(args: argparse.Namespace) -> int:
    """Import a release or a file; commit only when every file passed the checks."""
    from collective.psc.upstream import imports

    import transaction

    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        stored = call_service(imports.import_spec, center=center, spec=args.spec)
        filenames = [distribution.filename for distribution in stored]
        transaction.commit()
    for filename in filenames:
        print(f"Imported {filename}.")
    if not filenames:
        print("Nothing to import: every file is here already.")
    return 0


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
