"""Settle what a stopped process left in archive directories.

A transaction's temporary files are locked by the process that owns the
transaction. Whatever is not locked belongs to a transaction that is over;
the database says how it ended: a pending archive the database records
became final, a deleted archive it still records was never deleted, and
anything else is removed. Run at start-up for every center with an archive
directory, and by ``psc storage clean``.
"""

from Acquisition import aq_base
from collections.abc import Callable
from collections.abc import Iterator
from collective.psc.interfaces import IArchiveRecords
from collective.psc.interfaces import ISoftwareCenter
from collective.psc.storage.filesystem import DELETING
from collective.psc.storage.filesystem import final_of
from collective.psc.storage.filesystem import fsync_directory
from collective.psc.storage.filesystem import INCOMING
from collective.psc.storage.filesystem import lock
from collective.psc.storage.filesystem import MARKER
from collective.psc.storage.filesystem import PART
from collective.psc.storage.filesystem import PATH_ATTRIBUTE
from collective.psc.storage.filesystem import PENDING
from collective.psc.storage.filesystem import storage_directory
from dataclasses import dataclass
from dataclasses import field
from functools import partial
from pathlib import Path
from typing import Any
from typing import BinaryIO
from zope.component import subscribers

import logging
import os
import transaction


logger = logging.getLogger(__name__)

TEMPORARY_KINDS = (PART, PENDING, DELETING)


@dataclass
class Recovery:
    """What a recovery did, as paths below the directory."""

    finished: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    busy: list[str] = field(default_factory=list)


@dataclass
class Contents:
    """The files of an archive directory, as paths below it."""

    archives: list[str] = field(default_factory=list)
    temporary: list[str] = field(default_factory=list)


def is_temporary(path: Path) -> bool:
    """Tell whether a file is a transaction's temporary file."""
    return path.name.rsplit(".", 1)[-1] in TEMPORARY_KINDS


def list_contents(root: Path) -> Contents:
    """Return the archives and temporary files below a directory."""
    contents = Contents()
    for path in sorted(_files(root)):
        name = path.relative_to(root).as_posix()
        if name == MARKER:
            continue
        if is_temporary(path):
            contents.temporary.append(name)
        else:
            contents.archives.append(name)
    return contents


def is_known(center: ISoftwareCenter, name: str) -> bool:
    """Tell whether a file of the center, or a fetched upstream file, records a path."""
    filename = name.rsplit("/", 1)[-1]
    for records in subscribers((center,), IArchiveRecords):
        record = records.find(filename)
        if (
            record is not None
            and getattr(aq_base(record), PATH_ATTRIBUTE, None) == name
        ):
            return True
    return False


def recover(root: Path, load_center: Callable[[], ISoftwareCenter]) -> Recovery:
    """Settle the temporary files that no running transaction owns.

    ``load_center`` must return the center as the database has it *now*: it
    is called after the files were locked, so every commit that could concern
    them is visible.
    """
    recovery = Recovery()
    if not root.is_dir():
        return recovery
    locked: list[tuple[Path, BinaryIO]] = []
    try:
        for path in sorted(_files(root)):
            if not is_temporary(path):
                continue
            handle = _lock_if_free(path)
            if handle is None:
                if path.exists():
                    recovery.busy.append(path.relative_to(root).as_posix())
                continue
            locked.append((path, handle))
        if not locked:
            return recovery
        center = load_center()
        for path, _handle in locked:
            _settle(root, path, center, recovery)
    finally:
        for _path, handle in locked:
            handle.close()
    for name in recovery.finished + recovery.restored + recovery.removed:
        logger.info("Recovered %s in %s.", name, root)
    return recovery


def remove_unknown(root: Path, load_center: Callable[[], ISoftwareCenter]) -> list[str]:
    """Remove the archives that no file of the center records; return them."""
    # List before loading: an archive appears only after its commit, so a
    # center loaded afterwards knows every archive listed.
    names = list_contents(root).archives
    center = load_center()
    unknown = [name for name in names if not is_known(center, name)]
    for name in unknown:
        (root / name).unlink(missing_ok=True)
    return unknown


def recover_all(event: Any) -> None:
    """Recover the archive directory of every center when Zope starts."""
    database = event.database
    opened = [database.open(transaction_manager=transaction.TransactionManager())]

    def load(path: tuple[str, ...]) -> ISoftwareCenter:
        connection = database.open(transaction_manager=transaction.TransactionManager())
        opened.append(connection)
        return connection.root()["Application"].unrestrictedTraverse(path)

    try:
        for center in _centers(opened[0].root().get("Application")):
            directory = getattr(aq_base(center), "storage_path", None)
            if not directory:
                continue
            path = center.getPhysicalPath()
            try:
                recover(storage_directory(directory), partial(load, path))
            except Exception:
                logger.exception("Could not recover the archives of %s.", path)
    except Exception:
        # Never keep Zope from starting; psc storage clean does the same later.
        logger.exception("Could not recover the archive directories.")
    finally:
        for connection in opened:
            connection.transaction_manager.abort()
            connection.close()


def _centers(app: Any) -> Iterator[Any]:
    if app is None:
        return
    for site in app.objectValues("Plone Site"):
        catalog = getattr(site, "portal_catalog", None)
        if catalog is None:
            continue
        for brain in catalog.unrestrictedSearchResults(portal_type="SoftwareCenter"):
            center = brain._unrestrictedGetObject()
            if ISoftwareCenter.providedBy(center):
                yield center


def _files(root: Path) -> Iterator[Path]:
    for directory, _subdirectories, filenames in os.walk(root):
        for filename in filenames:
            yield Path(directory) / filename


def _lock_if_free(path: Path) -> BinaryIO | None:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the caller
    except FileNotFoundError:
        return None
    if not lock(handle, wait=False):
        handle.close()
        return None
    try:
        same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
    except FileNotFoundError:
        same = False
    if not same:
        # Renamed by its owner between the listing and the lock.
        handle.close()
        return None
    return handle


def _settle(
    root: Path, path: Path, center: ISoftwareCenter, recovery: Recovery
) -> None:
    kind = path.name.rsplit(".", 1)[-1]
    if kind == PART or path.parent.name == INCOMING:
        path.unlink(missing_ok=True)
        recovery.removed.append(path.relative_to(root).as_posix())
        return
    final = final_of(path)
    name = final.relative_to(root).as_posix()
    if is_known(center, name) and not final.exists():
        os.replace(path, final)
        fsync_directory(final.parent)
        (recovery.finished if kind == PENDING else recovery.restored).append(name)
        return
    path.unlink(missing_ok=True)
    recovery.removed.append(path.relative_to(root).as_posix())
