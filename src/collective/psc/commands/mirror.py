"""The ``psc mirror`` subcommands: configure, resync and verify mirror trees.

``psc mirror apache`` and ``psc mirror nginx`` print the web server
configuration that serves a tree; they need no instance.
"""

from collections.abc import Callable
from collections.abc import Iterable
from collective.psc.commands.instance import add_center_argument
from collective.psc.commands.instance import open_center
from collective.psc.commands.instance import opened_app
from pathlib import Path
from typing import Any

import argparse
import sys


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``psc mirror ...`` to the subcommands of ``psc``."""
    mirror = commands.add_parser(
        "mirror", help="static copies of a center for Apache or nginx"
    )
    actions = mirror.add_subparsers(dest="mirror_command", required=True)

    targets = actions.add_parser(
        "targets", help="list, add or remove the mirror directories of a center"
    )
    add_center_argument(targets)
    targets.add_argument("--add", metavar="DIR", type=Path, action="append")
    targets.add_argument("--remove", metavar="DIR", type=Path, action="append")
    targets.set_defaults(handler=run_targets)

    for name, handler, text in (
        ("resync", run_resync, "write the whole tree, changing only what differs"),
        ("verify", run_verify, "list missing, extra and mismatched files"),
    ):
        command = actions.add_parser(name, help=text)
        add_center_argument(command)
        command.add_argument(
            "--target",
            metavar="DIR",
            type=Path,
            action="append",
            help="this directory only (default: the center's mirror directories)",
        )
        command.set_defaults(handler=handler)

    for name, handler, listen in (
        ("apache", run_apache, "*:80"),
        ("nginx", run_nginx, "80"),
    ):
        command = actions.add_parser(
            name, help=f"print the {name} configuration that serves a tree"
        )
        command.add_argument("--tree", type=Path, required=True, metavar="DIR")
        command.add_argument("--server-name", default="localhost")
        command.add_argument("--listen", default=listen)
        command.add_argument(
            "--prefix", default="", help="the URL path of the tree, such as /pypi"
        )
        command.set_defaults(handler=handler)
    apache = actions.choices["apache"]
    apache.add_argument(
        "--standalone",
        metavar="RUN_DIR",
        type=Path,
        help="print a complete configuration for 'apache2 -f', with its pid "
        "file and logs in RUN_DIR",
    )


def run_targets(args: argparse.Namespace) -> int:
    """Change the mirror directories of a center, then print them."""
    from collective.psc.mirroring.behaviors import IMirrorTargets
    from collective.psc.mirroring.behaviors import mirror_targets

    import transaction

    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        if IMirrorTargets(center, None) is None:
            raise SystemExit(
                "Mirroring is off for software centers: enable the behavior "
                "'collective.psc.mirror' (upgrade collective.psc in the add-ons "
                "control panel)."
            )
        current = mirror_targets(center)
        added = [str(path.absolute()) for path in args.add or []]
        removed = {str(path.absolute()) for path in args.remove or []}
        wanted = [path for path in current if path not in removed]
        wanted += [path for path in added if path not in wanted]
        if wanted != current:
            center.mirror_targets = wanted
            transaction.commit()
    for path in wanted:
        print(path)
    return 0


def run_resync(args: argparse.Namespace) -> int:
    """Write each tree completely, showing progress; print what changed."""
    from collective.psc.mirroring.sync import resync

    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        path = "/".join(center.getPhysicalPath())
        for tree in _trees(center, args):
            with tree.locked():
                report = resync(
                    center,
                    tree,
                    center_path=path,
                    progress=_progress_bar(str(tree.root)),
                )
            print(
                f"{tree.root}: serial {report.serial}, {report.pages} pages written, "
                f"{report.linked} archives linked, {report.copied} copied, "
                f"{report.metadata} metadata files, {report.removed} removed"
            )
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """Print the differences of each tree; exit 1 when any tree is wrong."""
    from collective.psc.mirroring.sync import verify

    wrong = False
    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        for tree in _trees(center, args, claim=False):
            differences = verify(center, tree)
            for kind in ("missing", "extra", "mismatched"):
                for path in getattr(differences, kind):
                    print(f"{kind:<10} {tree.root / path}")
            if differences:
                wrong = True
                print(
                    f"{tree.root}: differs from the center; run 'psc mirror resync "
                    f"--center {args.center}' to repair it.",
                    file=sys.stderr,
                )
            else:
                print(f"{tree.root}: matches the center.")
    return 1 if wrong else 0


def run_apache(args: argparse.Namespace) -> int:
    """Print the Apache configuration of a tree."""
    from collective.psc.mirroring.serving import apache_config

    print(
        apache_config(
            tree=args.tree,
            listen=args.listen,
            server_name=args.server_name,
            prefix=args.prefix,
            run_dir=args.standalone,
        ),
        end="",
    )
    return 0


def run_nginx(args: argparse.Namespace) -> int:
    """Print the nginx configuration of a tree."""
    from collective.psc.mirroring.serving import nginx_config

    print(
        nginx_config(
            tree=args.tree,
            listen=args.listen,
            server_name=args.server_name,
            prefix=args.prefix,
        ),
        end="",
    )
    return 0


def _trees(center: Any, args: argparse.Namespace, *, claim: bool = True) -> list:
    """Return the trees a command works on, claimed for writing if asked."""
    from collective.psc.mirroring.behaviors import mirror_targets
    from collective.psc.mirroring.writer import Tree
    from collective.psc.mirroring.writer import TreeRefused

    paths = args.target or mirror_targets(center)
    if not paths:
        raise SystemExit(
            f"The center {args.center} has no mirror directories; pass --target DIR "
            f"or add one with 'psc mirror targets --center {args.center} --add DIR'."
        )
    trees = [Tree(path) for path in paths]
    if claim:
        path = "/".join(center.getPhysicalPath())
        for tree in trees:
            try:
                tree.claim(center_path=path)
            except TreeRefused as error:
                raise SystemExit(str(error)) from None
    return trees


def _progress_bar(label: str) -> Callable[[Iterable, int], Iterable]:
    """Return a function that wraps a resync's projects in a tqdm progress bar."""
    from tqdm import tqdm

    def progress(items: Iterable, total: int) -> Iterable:
        return tqdm(items, total=total, unit="project", desc=label)

    return progress
