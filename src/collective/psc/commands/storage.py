"""The ``psc storage`` subcommands: choose, migrate, verify and clean storage."""

from collective.psc.commands.instance import add_center_argument
from collective.psc.commands.instance import call_service
from collective.psc.commands.instance import open_center
from collective.psc.commands.instance import opened_app
from pathlib import Path
from typing import Any

import argparse
import sys


DEFAULT_BATCH = 50
# Attempts of a batch that conflicts with the running site, as Zope does.
ATTEMPTS = 4


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``psc storage use|migrate|verify|clean`` to the subcommands of ``psc``."""
    storage = commands.add_parser(
        "storage", help="choose, migrate, verify and clean the archive storage"
    )
    actions = storage.add_subparsers(dest="storage_command", required=True)

    use = actions.add_parser(
        "use", help="keep the new archives of a center with a storage strategy"
    )
    add_center_argument(use)
    use.add_argument("name", help="the strategy: blob, filesystem or a registered one")
    use.add_argument(
        "--path",
        help="the archive directory of the filesystem strategy, absolute or "
        "relative to the instance's var directory; created when missing",
    )
    use.set_defaults(handler=run_use)

    migrate = actions.add_parser(
        "migrate",
        help="move the archives of a center into a strategy, in committed batches",
    )
    add_center_argument(migrate)
    migrate.add_argument("--to", required=True, help="the strategy to move into")
    migrate.add_argument(
        "--batch",
        type=int,
        default=DEFAULT_BATCH,
        help="files per transaction (default: %(default)s)",
    )
    migrate.add_argument(
        "--dry-run", action="store_true", help="print what would move, change nothing"
    )
    migrate.set_defaults(handler=run_migrate)

    verify = actions.add_parser(
        "verify",
        help="check every archive's SHA-256 and list files the database does not know",
    )
    add_center_argument(verify)
    verify.set_defaults(handler=run_verify)

    clean = actions.add_parser(
        "clean",
        help="settle temporary files left by stopped processes and remove "
        "archives the database does not know",
    )
    add_center_argument(clean)
    clean.set_defaults(handler=run_clean)


def run_use(args: argparse.Namespace) -> int:
    """Set the center's strategy (and directory) for new archives."""
    from collective.psc.services.centers import set_storage
    from collective.psc.storage.filesystem import storage_directory

    import transaction

    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        if args.path is not None:
            directory = call_service(storage_directory, setting=args.path)
            if not directory.exists():
                directory.mkdir(parents=True, mode=0o750)
                print(f"Created {directory}.")
        call_service(set_storage, center=center, name=args.name, path=args.path)
        transaction.commit()
    print(f"New archives of {args.center} go to the {args.name!r} storage.")
    print(
        f"Move the existing ones with: psc storage migrate --center {args.center} "
        f"--to {args.name}"
    )
    return 0


def run_migrate(args: argparse.Namespace) -> int:
    """Move every archive not yet in the target strategy, batch by batch."""
    from collective.psc.services.centers import center_files
    from collective.psc.storage import get_storage

    if args.batch < 1:
        raise SystemExit("--batch must be 1 or more.")
    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        target = call_service(get_storage, name=args.to)
        call_service(target.check, center=center)
        files = center_files(center=center)
        todo = [(item.filename, item.storage, item.size) for item in files]
        todo = [row for row in todo if row[1] != args.to]
        if args.dry_run:
            for filename, storage, size in todo:
                print(
                    f"would move {filename} ({size} bytes) from {storage} to {args.to}"
                )
            print(
                f"Dry run: {len(todo)} of {len(files)} files would move to "
                f"{args.to!r}; nothing was changed."
            )
            return 0
        current = center.storage
        moved, failed = _migrate(app, center, [row[0] for row in todo], args)
    print(f"Moved {moved} of {len(todo)} files to {args.to!r}.")
    for filename, reason in failed:
        print(f"NOT MOVED {filename}: {reason}", file=sys.stderr)
    if current != args.to:
        print(
            f"New uploads still go to {current!r}; switch them with: "
            f"psc storage use --center {args.center} {args.to}"
        )
    return 1 if failed else 0


def _migrate(
    app: Any, center: Any, filenames: list[str], args: argparse.Namespace
) -> tuple[int, list[tuple[str, str]]]:
    from tqdm import tqdm

    import transaction

    path = center.getPhysicalPath()
    moved, failed = 0, []
    with tqdm(total=len(filenames), unit="file", desc=f"to {args.to}") as bar:
        for start in range(0, len(filenames), args.batch):
            batch = filenames[start : start + args.batch]
            for attempt in transaction.manager.attempts(ATTEMPTS):
                with attempt:
                    result = _move_batch(app.unrestrictedTraverse(path), batch, args.to)
            moved += result[0]
            failed.extend(result[1])
            bar.update(len(batch))
    return moved, failed


def _move_batch(
    center: Any, filenames: list[str], to: str
) -> tuple[int, list[tuple[str, str]]]:
    """Move the archives of some files in the current transaction."""
    from collective.psc.exceptions import PSCError
    from collective.psc.services.archives import move_archive
    from collective.psc.services.distributions import find_file
    from ZODB.POSException import POSKeyError

    import transaction

    moved, failed = 0, []
    for filename in filenames:
        distribution = find_file(center=center, filename=filename)
        if distribution is None:
            continue
        savepoint = transaction.savepoint()
        try:
            moved += move_archive(distribution=distribution, to=to)
        except (PSCError, OSError, POSKeyError) as error:
            savepoint.rollback()
            failed.append((filename, getattr(error, "message", None) or repr(error)))
    return moved, failed


def run_verify(args: argparse.Namespace) -> int:
    """Print every archive that is missing or damaged, and every unknown file."""
    from collective.psc.services.archives import check_archive
    from collective.psc.services.centers import center_files
    from collective.psc.storage.recovery import is_known
    from collective.psc.storage.recovery import list_contents
    from tqdm import tqdm

    import transaction

    problems = []
    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        root = _directory(center)
        # List the directory before reading the database: an archive appears
        # only after its commit, so the database read next knows it.
        contents = list_contents(root) if root is not None else None
        transaction.begin()
        center = app.unrestrictedTraverse(center.getPhysicalPath())
        files = center_files(center=center)
        for item in tqdm(files, unit="file", desc="verify"):
            problem = check_archive(distribution=item)
            if problem:
                problems.append(f"{item.filename} ({item.storage}): {problem}")
        if root is not None and contents is not None:
            problems.extend(
                f"{root / name}: not a file of this center"
                for name in contents.archives
                if not is_known(center, name)
            )
            problems.extend(
                f"{root / name}: temporary file (an upload in progress, or run "
                "psc storage clean)"
                for name in contents.temporary
            )
    for problem in problems:
        print(problem)
    print(f"Checked {len(files)} files: {len(problems)} problems.")
    return 1 if problems else 0


def run_clean(args: argparse.Namespace) -> int:
    """Settle temporary files of stopped processes, remove unknown archives."""
    from collective.psc.storage.recovery import recover
    from collective.psc.storage.recovery import remove_unknown

    import transaction

    with opened_app(args.zope_conf) as app:
        center = open_center(app, args)
        root = _directory(center)
        if root is None:
            print(f"{args.center} has no archive directory; nothing to clean.")
            return 0
        path = center.getPhysicalPath()

        def load() -> Any:
            transaction.begin()
            return app.unrestrictedTraverse(path)

        recovery = recover(root, load)
        unknown = remove_unknown(root, load)
    for label, names in (
        ("finished", recovery.finished),
        ("restored", recovery.restored),
        ("removed", recovery.removed + unknown),
        ("in use, kept", recovery.busy),
    ):
        for name in names:
            print(f"{label}: {root / name}")
    print(
        f"{root}: {len(recovery.finished)} finished, {len(recovery.restored)} "
        f"restored, {len(recovery.removed) + len(unknown)} removed, "
        f"{len(recovery.busy)} in use."
    )
    return 0


def _directory(center: Any) -> Path | None:
    from collective.psc.storage.filesystem import storage_directory

    setting = getattr(center, "storage_path", None)
    return call_service(storage_directory, setting=setting) if setting else None
