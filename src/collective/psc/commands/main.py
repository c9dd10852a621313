"""The ``psc`` console command: one entry point with subcommands."""

from collective.psc.commands.balancer import register as register_balancer
from collective.psc.commands.downloads import register as register_downloads
from collective.psc.commands.instance import ADMIN_USER
from collective.psc.commands.instance import DEFAULT_VAR
from collective.psc.commands.instance import DEFAULT_ZOPE_CONF
from collective.psc.commands.instance import init_instance
from collective.psc.commands.instance import InstanceSettings
from collective.psc.commands.instance import login_as
from collective.psc.commands.instance import opened_app
from collective.psc.commands.instance import serve_instance
from collective.psc.commands.instance import write_zeo_server
from collective.psc.commands.maintainers import register as register_maintainers
from collective.psc.commands.mirror import register as register_mirror
from collective.psc.commands.storage import register as register_storage
from collective.psc.commands.tokens import register as register_tokens
from collective.psc.commands.upstream import register as register_upstream
from pathlib import Path

import argparse
import logging
import os
import sys


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``psc`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="psc", description="Manage the software centers of a Plone instance."
    )
    parser.add_argument(
        "-C",
        "--zope-conf",
        type=Path,
        default=Path(os.environ.get("PSC_ZOPE_CONF", DEFAULT_ZOPE_CONF)),
        help="the instance's zope.conf (default: %(default)s, or $PSC_ZOPE_CONF)",
    )
    parser.add_argument(
        "--user",
        default=ADMIN_USER,
        help="the Zope root user to act as (default: %(default)s)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    for name, handler, text in (
        (
            "init",
            run_init,
            "write the instance configuration, create the site and a center",
        ),
        (
            "serve",
            run_serve,
            "run 'init', then serve the site with waitress until stopped",
        ),
    ):
        command = commands.add_parser(
            name,
            help=text,
            description=text,
            formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        )
        command.add_argument(
            "--var",
            type=Path,
            default=DEFAULT_VAR,
            help="the directory of the data, logs and instance configuration",
        )
        command.add_argument(
            "--host", default="127.0.0.1", help="the address the server listens on"
        )
        command.add_argument(
            "--port", type=int, default=8080, help="the port the server listens on"
        )
        command.add_argument(
            "--threads", type=int, default=4, help="the server's worker threads"
        )
        command.add_argument(
            "--site-id",
            default="Plone",
            help="the id of the Plone site, created from the 'psc' distribution",
        )
        command.add_argument(
            "--center-id",
            default="pypi",
            help="the id of the software center in the site",
        )
        command.add_argument(
            "--zeo-address",
            default=os.environ.get("ZEO_ADDRESS") or None,
            help="keep the data in the ZEO server at HOST:PORT (see 'psc zeo') "
            "instead of the embedded FileStorage; $ZEO_ADDRESS sets the default",
        )
        command.add_argument(
            "--relstorage-dsn",
            default=os.environ.get("RELSTORAGE_DSN") or None,
            help="keep the data in PostgreSQL with RelStorage (history-free), "
            "for example 'dbname=psc host=127.0.0.1'; $RELSTORAGE_DSN sets the "
            "default",
        )
        command.set_defaults(handler=handler)

    zeo = commands.add_parser(
        "zeo",
        help="serve the instance's database to several processes (a ZEO server)",
        description="Run a ZEO server on the instance's FileStorage and blobs, so "
        "that several Zope processes and psc commands use the data at once; start "
        "them with --zeo-address.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    zeo.add_argument(
        "--var",
        type=Path,
        default=DEFAULT_VAR,
        help="the directory of the data (filestorage/, blobstorage/)",
    )
    zeo.add_argument(
        "--address",
        default=os.environ.get("ZEO_ADDRESS") or "127.0.0.1:8100",
        help="HOST:PORT the server listens on",
    )
    zeo.set_defaults(handler=run_zeo)

    centers = commands.add_parser(
        "centers", help="list the software centers with their projects and files"
    )
    centers.set_defaults(handler=run_centers)

    register_tokens(commands)
    register_maintainers(commands)
    register_mirror(commands)
    register_storage(commands)
    register_downloads(commands)
    register_upstream(commands)
    register_balancer(commands)
    return parser


def run_init(args: argparse.Namespace) -> int:
    """Write the configuration and create what is missing; print how to log in."""
    settings = _settings(args)
    info = init_instance(settings, site_id=args.site_id, center_id=args.center_id)
    _announce(settings, info)
    return 0


def run_serve(args: argparse.Namespace) -> int:
    """Initialise the instance and serve it, starting Zope once."""
    settings = _settings(args)
    serve_instance(
        settings,
        site_id=args.site_id,
        center_id=args.center_id,
        announce=lambda info: _announce(settings, info),
    )
    return 0


def _announce(settings: InstanceSettings, info: dict) -> None:
    print(f"Site:     {info['url']} ({'created' if info['site_created'] else 'kept'})")
    print(
        f"Index:    {info['center_url']}/ "
        f"({'created' if info['center_created'] else 'kept'})"
    )
    print(f"Login:    {info['username']} / {info['password']}")
    print(f"Config:   {settings.zope_ini}")
    sys.stdout.flush()


def run_zeo(args: argparse.Namespace) -> int:
    """Run a ZEO server on the instance's data until it is stopped."""
    # The server resolves write conflicts of the center's journal and of its
    # record of token uses itself, so it must import their classes: fail now
    # if it cannot.
    from collective.psc.journal import Journal
    from collective.psc.tokens.uses import TokenUses
    from ZEO.runzeo import main as runzeo

    config = write_zeo_server(args.var, args.address)
    resolved = ", ".join(
        f"{cls.__module__}.{cls.__name__}" for cls in (Journal, TokenUses)
    )
    print(f"ZEO:      {args.address} (data in {args.var.resolve()})")
    print(f"Resolves: write conflicts of {resolved}")
    sys.stdout.flush()
    runzeo(["-C", str(config)])
    return 0


def _settings(args: argparse.Namespace) -> InstanceSettings:
    return InstanceSettings(
        var=args.var,
        host=args.host,
        port=args.port,
        threads=args.threads,
        zeo_address=args.zeo_address,
        relstorage_dsn=args.relstorage_dsn,
    )


def run_centers(args: argparse.Namespace) -> int:
    """Print one line per software center: path, projects, files, serial."""
    from collective.psc.services.centers import center_stats
    from collective.psc.services.centers import CenterStats
    from collective.psc.services.centers import find_centers
    from zope.component.hooks import setSite

    with opened_app(args.zope_conf) as app:
        login_as(app, args.user)
        rows: list[CenterStats] = []
        for site in app.objectValues("Plone Site"):
            setSite(site)
            rows.extend(
                center_stats(center=center) for center in find_centers(site=site)
            )
    print(f"{'center':<40} {'projects':>9} {'files':>9} {'serial':>9}  title")
    for row in rows:
        print(
            f"{row.path:<40} {row.projects:>9} {row.files:>9} {row.last_serial:>9}"
            f"  {row.title}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the ``psc`` command line."""
    args = build_parser().parse_args(argv)
    # Plone's start-up logs many harmless warnings; show errors only.
    logging.basicConfig(level=logging.ERROR)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
