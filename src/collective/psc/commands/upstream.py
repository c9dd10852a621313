"""The ``psc upstream`` subcommands: settings, conflicts, imports, tracked projects."""

from collective.psc.commands.instance import add_center_argument
from collective.psc.commands.instance import call_service
from collective.psc.commands.instance import open_center
from collective.psc.commands.instance import opened_app

import argparse
import json
import sys


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``psc upstream show|set|conflicts|import|sync`` to the subcommands."""
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
    change.add_argument(
        "--track",
        action="append",
        dest="tracked",
        help="a project whose upstream metadata the center shows "
        "(repeat it; replaces the list)",
    )
    change.add_argument(
        "--track-classifier",
        action="append",
        dest="tracked_classifiers",
        help="a trove classifier whose upstream projects the center shows "
        "(repeat it; replaces the list)",
    )
    change.add_argument(
        "--clear-tracked",
        action="store_true",
        help="track no project by name or classifier ('sync' then removes them)",
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
    synced = actions.add_parser(
        "sync",
        help="read the tracked upstream projects' metadata into the center",
    )
    add_center_argument(synced)
    synced.add_argument(
        "--batch",
        type=int,
        default=50,
        help="commit after this many changed projects (default 50)",
    )
    synced.set_defaults(handler=run_sync)


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
    print(f"tracked:         {' '.join(sorted(settings.tracked)) or '-'}")
    classifiers = " | ".join(sorted(settings.tracked_classifiers))
    print(f"classifiers:     {classifiers or '-'}")
    return 0


def run_set(args: argparse.Namespace) -> int:
    """Validate and store the given upstream settings."""
    from collective.psc.upstream.behaviors import index_url
    from collective.psc.upstream.behaviors import IUpstreamIndexes
    from collective.psc.upstream.behaviors import project_name
    from collective.psc.upstream.behaviors import trove_classifier
    from zope.interface import Invalid

    import transaction

    try:
        for url in args.urls or ():
            index_url(url)
        for name in [*(args.merged or ()), *(args.tracked or ())]:
            project_name(name)
        for classifier in args.tracked_classifiers or ():
            trove_classifier(classifier)
    except Invalid as error:
        raise SystemExit(str(error.args[0])) from None
    if args.clear_tracked and (args.tracked or args.tracked_classifiers):
        raise SystemExit(
            "Give --clear-tracked alone, without --track or --track-classifier."
        )
    if args.ttl is not None and args.ttl < 0:
        raise SystemExit("Give the page lifetime as seconds, 0 or more.")
    changes = {
        "upstream_urls": args.urls,
        "upstream_allow_list": args.merged,
        "upstream_allow_list_only": args.allow_list_only,
        "upstream_ttl": args.ttl,
        "upstream_offline": args.offline,
        "upstream_tracked": [] if args.clear_tracked else args.tracked,
        "upstream_tracked_classifiers": []
        if args.clear_tracked
        else args.tracked_classifiers,
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


def run_sync(args: argparse.Namespace) -> int:
    """Sync the tracked upstream projects, committing in batches; 1 on errors."""
    from collective.psc.upstream import sync

    import transaction

    if args.batch < 1:
        raise SystemExit("Give the batch size as 1 or more.")
    bar = ProgressBar(sys.stderr)
    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        report = call_service(
            sync.sync,
            center=center,
            progress=bar.show,
            checkpoint=transaction.commit,
            batch=args.batch,
        )
        transaction.commit()
    bar.close()
    for name, why in sorted(report.skipped.items()):
        print(f"Skipped {name}: {why}.")
    for note in report.notes:
        print(f"Note: {note}")
    for error in report.errors:
        print(f"Error: {error}", file=sys.stderr)
    print(f"Synced: {report.summary()}.")
    return 1 if report.errors else 0


class ProgressBar:
    """Show a sync's progress: a bar on a terminal, a line per project else.

    Without a terminal (cron, logs) only the projects that are tracked get a
    line: a classifier walk looks at every name of the upstream.
    """

    WIDTH = 30

    def __init__(self, stream) -> None:
        self.stream = stream
        self.terminal = stream.isatty()
        self.shown = False

    def show(self, done: int, total: int, name: str, outcome: str) -> None:
        """Show one more project looked at."""
        if not self.terminal:
            if outcome != "not tracked":
                print(f"[{done}/{total}] {name}: {outcome}", file=self.stream)
            return
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} {name[:30]:<30}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """End the bar's line."""
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


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
