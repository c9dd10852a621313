"""Keep archives in a directory outside the ZODB, made final by the commit.

Layout below a center's archive directory::

    .psc-center                            which center owns the directory
    .incoming/<token>.part                 an archive being received
    <aa>/<bb>/<rest>/<filename>            a committed archive; aa, bb and
                                           rest are its SHA-256 in hex
    <archive>.<token>.pending              received; final when its
                                           transaction commits
    <archive>.<token>.deleting             deleted; gone when its
                                           transaction commits

The process whose transaction owns a temporary file holds an exclusive
``flock`` on it until the transaction ends, so a temporary file that nobody
locks belongs to a transaction that is over; ``recovery.recover`` settles
such files from what the database knows.
"""

from Acquisition import aq_base
from App.config import getConfiguration
from collections.abc import Iterable
from collective.psc.exceptions import StorageUnavailable
from collective.psc.interfaces import IArchiveStorage
from collective.psc.interfaces import IDistributionFile
from collective.psc.interfaces import ISoftwareCenter
from dataclasses import dataclass
from pathlib import Path
from plone.uuid.interfaces import IUUID
from transaction.interfaces import IDataManager
from transaction.interfaces import IDataManagerSavepoint
from transaction.interfaces import ITransaction
from transaction.interfaces import ITransactionManager
from typing import Any
from typing import BinaryIO
from ZODB.POSException import ConflictError
from zope.interface import implementer

import fcntl
import hashlib
import logging
import os
import secrets
import transaction


logger = logging.getLogger(__name__)

MARKER = ".psc-center"
INCOMING = ".incoming"
PART = "part"
PENDING = "pending"
DELETING = "deleting"
# The distribution's attribute holding its archive's path below the directory.
PATH_ATTRIBUTE = "_psc_archive_file"
# Transactions sort their data managers by this key. ZODB connections use
# "<storage name>:<id>"; "~" sorts after them, so archives become final only
# after the database has committed (zope.sqlalchemy sorts last the same way).
SORT_KEY = "~collective.psc.storage.filesystem"


def archive_name(sha256: str, filename: str) -> str:
    """Return the path of an archive below the directory, addressed by content."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256[4:]}/{filename}"


def temporary_name(final: Path, token: str, kind: str) -> Path:
    """Return the path of a pending or deleting copy of an archive."""
    return final.with_name(f"{final.name}.{token}.{kind}")


def final_of(temporary: Path) -> Path:
    """Return the archive path a pending or deleting file stands for."""
    return temporary.with_name(temporary.name.rsplit(".", 2)[0])


def storage_directory(setting: str | None) -> Path:
    """Return the absolute directory that a center's storage_path names."""
    if not setting or not setting.strip():
        raise StorageUnavailable(
            "The filesystem storage needs a directory: set the center's "
            "archive directory (psc storage use --path DIR)."
        )
    path = Path(setting.strip()).expanduser()
    if path.is_absolute():
        return path
    var = getattr(getConfiguration(), "clienthome", None)
    if not var:
        raise StorageUnavailable(
            f"The archive directory {setting!r} is relative, and this instance "
            "has no var directory (clienthome) to resolve it against; give an "
            "absolute path."
        )
    return Path(var) / path


def check_directory(path: Path) -> None:
    """Raise StorageUnavailable unless a directory exists and is writable."""
    if not path.is_dir():
        raise StorageUnavailable(
            f"The archive directory {path} does not exist; create it "
            f"(mkdir -p {path}) or choose another directory."
        )
    if not os.access(path, os.W_OK | os.X_OK):
        raise StorageUnavailable(
            f"The archive directory {path} is not writable by this process; "
            "give the user that runs Zope write access to it."
        )


def lock(handle: BinaryIO, *, wait: bool = True) -> bool:
    """Take the exclusive lock of an open file; tell whether it was free."""
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


def fsync_directory(path: Path) -> None:
    """Make the names in a directory durable (renames, new files)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@dataclass
class Staged:
    """A temporary file of a transaction and the locked handle that owns it."""

    kind: str
    final: Path
    path: Path
    handle: BinaryIO


@implementer(IDataManagerSavepoint)
class FilesSavepoint:
    """Roll back the files staged after a savepoint."""

    def __init__(self, files: "ArchiveFiles") -> None:
        self.files = files
        self.count = len(files.staged)

    def rollback(self) -> None:
        """Undo what was staged since the savepoint."""
        while len(self.files.staged) > self.count:
            self.files.undo(self.files.staged.pop())


@implementer(IDataManager)
class ArchiveFiles:
    """Make a transaction's archive writes and deletes final when it commits.

    Received archives wait as ``.pending`` files, deleted ones as
    ``.deleting`` files; after the database's commit ``tpc_finish`` renames
    the first into place and removes the second, and an abort does the
    opposite. A process that dies in between leaves unlocked temporary files
    for ``recovery.recover``.
    """

    def __init__(self, manager: ITransactionManager) -> None:
        self.transaction_manager = manager
        self.staged: list[Staged] = []

    def pending(self, final: Path) -> Path | None:
        """Return the file received in this transaction for an archive path."""
        for staged in reversed(self.staged):
            if staged.final == final:
                return staged.path if staged.kind == PENDING else None
        return None

    def add(self, staged: Staged) -> None:
        """Make a received or deleted archive part of the transaction."""
        self.staged.append(staged)

    def remove(self, final: Path) -> None:
        """Stage the deletion of an archive: moved aside now, removed on commit."""
        for staged in reversed(self.staged):
            if staged.final == final and staged.kind == PENDING:
                self.staged.remove(staged)
                self.undo(staged)
                return
        token = secrets.token_hex(16)
        aside = temporary_name(final, token, DELETING)
        try:
            handle = open(final, "rb")  # noqa: SIM115 - held until the end
        except FileNotFoundError:
            return
        if not lock(handle, wait=False):
            handle.close()
            raise ConflictError(
                f"Another transaction is deleting the archive {final} at the moment."
            )
        try:
            os.replace(final, aside)
        except FileNotFoundError:
            handle.close()
            return
        self.staged.append(Staged(DELETING, final, aside, handle))

    def undo(self, staged: Staged) -> None:
        """Put one staged file back as it was before the transaction."""
        try:
            if staged.kind == PENDING:
                staged.path.unlink(missing_ok=True)
            elif staged.path.exists():
                os.replace(staged.path, staged.final)
        except OSError:
            logger.exception("Could not undo %s; psc storage clean will.", staged.path)
        finally:
            staged.handle.close()

    def abort(self, txn: ITransaction) -> None:
        """Remove received archives and bring deleted ones back."""
        while self.staged:
            self.undo(self.staged.pop())

    def tpc_begin(self, txn: ITransaction) -> None:
        """Begin the two-phase commit; nothing to prepare."""

    def commit(self, txn: ITransaction) -> None:
        """Check that every staged file is still there."""
        for staged in self.staged:
            if not staged.path.exists():
                raise StorageUnavailable(
                    f"The temporary archive {staged.path} vanished before the "
                    "commit; upload the file again."
                )

    def tpc_vote(self, txn: ITransaction) -> None:
        """Make the staged names durable before the database commits."""
        for directory in {staged.path.parent for staged in self.staged}:
            fsync_directory(directory)

    def tpc_finish(self, txn: ITransaction) -> None:
        """Rename received archives into place and remove deleted ones."""
        # No fsync of the renames: a rename lost in a power cut leaves the
        # durable .pending file, which recovery renames again.
        for staged in self.staged:
            try:
                if staged.kind == PENDING:
                    os.replace(staged.path, staged.final)
                else:
                    staged.path.unlink(missing_ok=True)
            except OSError:
                # The database has committed: never fail now. The file stays
                # as it is, unlocked, and recovery settles it.
                logger.exception("Could not finish %s.", staged.path)
            finally:
                staged.handle.close()
        self.staged = []

    def tpc_abort(self, txn: ITransaction) -> None:
        """Undo everything, as an abort does."""
        self.abort(txn)

    def sortKey(self) -> str:
        """Sort after the ZODB connections, see SORT_KEY."""
        return f"{SORT_KEY}:{id(self)}"

    def savepoint(self) -> FilesSavepoint:
        """Remember what is staged, for a rollback."""
        return FilesSavepoint(self)


@implementer(IArchiveStorage)
class FileSystemStorage:
    """Keep archives as files in a directory of the center's choice."""

    title = "Directory on the file system"

    def check(self, center: ISoftwareCenter) -> None:
        """Refuse a center without a usable archive directory."""
        check_directory(storage_directory(getattr(center, "storage_path", None)))

    def store(
        self,
        distribution: IDistributionFile,
        chunks: Iterable[bytes],
        *,
        center: ISoftwareCenter,
    ) -> None:
        """Receive the archive into a locked temporary file, final on commit."""
        root = self.directory(center)
        self.check(center)
        claim(root, center)
        token = secrets.token_hex(16)
        handle, part = self._create_part(root, token)
        try:
            hasher = hashlib.sha256()
            for chunk in chunks:
                handle.write(chunk)
                hasher.update(chunk)
            handle.flush()
            os.fsync(handle.fileno())
            name = archive_name(hasher.hexdigest(), distribution.filename)
            final = root / name
            final.parent.mkdir(parents=True, exist_ok=True)
            pending = temporary_name(final, token, PENDING)
            os.replace(part, pending)
        except BaseException:
            part.unlink(missing_ok=True)
            handle.close()
            raise
        self._staged(center).add(Staged(PENDING, final, pending, handle))
        setattr(distribution, PATH_ATTRIBUTE, name)

    def open(
        self, distribution: IDistributionFile, *, center: ISoftwareCenter
    ) -> BinaryIO:
        """Open the archive, or the one received in this transaction."""
        final = self._final(distribution, center)
        if final is None:
            raise FileNotFoundError(f"No archive is stored for {distribution!r}.")
        files = self._files(center)
        pending = files.pending(final) if files is not None else None
        if pending is not None:
            return open(pending, "rb")  # noqa: SIM115 - the caller closes it
        try:
            return open(final, "rb")  # noqa: SIM115 - the caller closes it
        except FileNotFoundError:
            # Committed a moment ago by another thread that has not renamed it
            # yet, or by a process that stopped before: read the copy that
            # recovery will rename.
            for candidate in sorted(final.parent.glob(f"{final.name}.*.{PENDING}")):
                try:
                    return open(candidate, "rb")  # noqa: SIM115
                except FileNotFoundError:
                    continue
            raise

    def exists(
        self, distribution: IDistributionFile, *, center: ISoftwareCenter
    ) -> bool:
        """Tell whether the archive is committed or received in this transaction."""
        final = self._final(distribution, center)
        if final is None:
            return False
        files = self._files(center)
        if files is not None and files.pending(final) is not None:
            return True
        return final.is_file()

    def delete(
        self, distribution: IDistributionFile, *, center: ISoftwareCenter
    ) -> None:
        """Move the archive aside now and remove it when the transaction commits."""
        final = self._final(distribution, center)
        if final is None:
            return
        self._staged(center).remove(final)
        setattr(distribution, PATH_ATTRIBUTE, None)

    def local_path(
        self, distribution: IDistributionFile, *, center: ISoftwareCenter
    ) -> str | None:
        """Return the committed archive's file, or None."""
        final = self._final(distribution, center)
        if final is None or not final.is_file():
            return None
        return str(final)

    def directory(self, center: ISoftwareCenter) -> Path:
        """Return the center's archive directory."""
        return storage_directory(getattr(center, "storage_path", None))

    def _final(
        self, distribution: IDistributionFile, center: ISoftwareCenter
    ) -> Path | None:
        name = getattr(aq_base(distribution), PATH_ATTRIBUTE, None)
        return self.directory(center) / name if name else None

    def _staged(self, center: ISoftwareCenter) -> ArchiveFiles:
        """Return the archives this transaction staged, joining it on first use."""
        manager = self._manager(center)
        txn = manager.get()
        try:
            return txn.data(self)
        except KeyError:
            files = ArchiveFiles(manager)
            txn.join(files)
            txn.set_data(self, files)
            return files

    def _files(self, center: ISoftwareCenter) -> ArchiveFiles | None:
        """Return the archives this transaction staged, or None."""
        try:
            return self._manager(center).get().data(self)
        except KeyError:
            return None

    def _manager(self, center: ISoftwareCenter) -> Any:
        manager = getattr(getattr(center, "_p_jar", None), "transaction_manager", None)
        return manager or transaction.manager

    def _create_part(self, root: Path, token: str) -> tuple[BinaryIO, Path]:
        incoming = root / INCOMING
        incoming.mkdir(exist_ok=True)
        part = incoming / f"{token}.{PART}"
        handle = open(part, "xb")  # noqa: SIM115 - held until the transaction ends
        lock(handle)
        if os.fstat(handle.fileno()).st_nlink == 0:
            # Recovery removed the unlocked new file before the lock was taken.
            handle.close()
            return self._create_part(root, secrets.token_hex(16))
        return handle, part


def claim(root: Path, center: Any) -> None:
    """Mark the directory as the center's; refuse one that another center owns."""
    owner = IUUID(center, None) or "/".join(center.getPhysicalPath())
    marker = root / MARKER
    try:
        with open(marker, "x") as handle:
            handle.write(owner + "\n")
        return
    except FileExistsError:
        pass
    found = marker.read_text().strip()
    if found and found != owner:
        raise StorageUnavailable(
            f"The archive directory {root} belongs to another center ({found}); "
            "give each center a directory of its own."
        )
