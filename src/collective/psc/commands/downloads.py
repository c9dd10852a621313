"""The ``psc downloads`` subcommands: import access logs, show the counts."""

from collective.psc.commands.instance import add_center_argument
from collective.psc.commands.instance import open_center
from collective.psc.commands.instance import opened_app
from pathlib import Path

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``psc downloads import|show`` to the subcommands of ``psc``."""
    downloads = commands.add_parser(
        "downloads", help="count downloads from web server access logs"
    )
    actions = downloads.add_subparsers(dest="downloads_command", required=True)

    importing = actions.add_parser(
        "import",
        help="add the downloads of access logs (plain or gzipped) to the counts",
    )
    add_center_argument(importing)
    importing.add_argument(
        "--prefix",
        action="append",
        help="the URL path before /packages/ in the log, for example /pypi; "
        "repeat for several (default: the root, as a mirror is served, and the "
        "center's own path, as the site serves it)",
    )
    importing.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would be counted, change nothing",
    )
    importing.add_argument("logs", nargs="+", type=Path, metavar="LOGFILE")
    importing.set_defaults(handler=run_import)

    show = actions.add_parser("show", help="print the most downloaded projects")
    add_center_argument(show)
    show.add_argument("--top", type=int, default=20, help="how many (default: 20)")
    show.set_defaults(handler=run_show)


def run_import(args: argparse.Namespace) -> int:
    """Import each log, printing what it added."""
    from collective.psc.downloads.counts import import_log

    missing = [str(path) for path in args.logs if not path.is_file()]
    if missing:
        raise SystemExit(f"No such log file: {', '.join(missing)}.")
    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        prefixes = args.prefix or ["", "/".join(center.getPhysicalPath())]
        reports = [
            import_log(
                center=center, path=path, prefixes=prefixes, dry_run=args.dry_run
            )
            for path in args.logs
        ]
    for report in reports:
        _print_report(report, dry_run=args.dry_run)
    if args.dry_run:
        print("Dry run: nothing was changed.")
    return 0


def _print_report(report, *, dry_run: bool) -> None:
    if report.identity is None:
        print(f"{report.path}: empty, nothing to import.")
        return
    verb = "would add" if dry_run else "added"
    print(
        f"{report.path}: {report.lines} new lines (bytes {report.start}-{report.end}), "
        f"{verb} {report.downloads} downloads of {len(report.files)} files "
        f"of {len(report.projects)} projects."
    )
    for name, count in sorted(report.projects.items(), key=_by_count):
        print(f"  {count:>9}  {name}")
    for filename, count in sorted(report.files.items(), key=_by_count):
        print(f"  {count:>9}  {filename}")
    for filename, count in sorted(report.unknown.items(), key=_by_count):
        print(f"  {count:>9}  {filename} (not in this center, not counted)")
    if report.malformed:
        print(
            f"  {report.malformed} lines are not in the common or combined log "
            "format and were skipped."
        )
    if report.overtaken:
        print("  Another import of this log committed first; run the import again.")


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def run_show(args: argparse.Namespace) -> int:
    """Print the most downloaded projects and the logs imported."""
    from collective.psc.downloads.counts import imported_logs
    from collective.psc.downloads.counts import top_projects

    if args.top < 1:
        raise SystemExit("--top must be 1 or more.")
    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        rows = top_projects(center=center, limit=args.top)
        logs = imported_logs(center)
    print(f"{'downloads':>9}  project")
    for name, count in rows:
        print(f"{count:>9}  {name}")
    print(f"Imported from {len(logs)} logs:")
    for state in sorted(logs.values(), key=lambda state: state["imported"]):
        print(
            f"  {state['imported']}  {state['lines']:>9} lines "
            f"{state['downloads']:>9} downloads  {state['path']}"
        )
    return 0
