"""Write a mirror tree: every file appears whole, by rename, under a lock."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextlib import suppress
from datetime import datetime
from datetime import UTC
from pathlib import Path
from typing import BinaryIO

import errno
import fcntl
import json
import os
import shutil
import tempfile


STATUS_FILE = "mirror-status.json"
LOCK_FILE = ".psc-mirror.lock"
TEMPORARY_PREFIX = ".tmp-"
# The files of a tree that are not pages or archives.
OWN_FILES = frozenset({STATUS_FILE, LOCK_FILE})
CHUNK = 1 << 16


class TreeRefused(Exception):
    """The directory is not a tree this center may write into."""


class Tree:
    """A mirror target: a directory that holds one center's static tree."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).absolute()

    def claim(self, *, center_path: str) -> None:
        """Make the directory a tree, refusing one that holds anything else.

        Exports replace and remove files, so they may only touch a directory
        that is empty or already a tree of the same center.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        status = self.read_status()
        if status is None:
            others = set(os.listdir(self.root)) - OWN_FILES
            if others:
                raise TreeRefused(
                    f"{self.root} is not empty and holds no {STATUS_FILE}; "
                    "choose an empty directory for the mirror, or empty this one."
                )
        elif status.get("center") != center_path:
            raise TreeRefused(
                f"{self.root} mirrors the center {status.get('center')}, not "
                f"{center_path}; choose another directory."
            )

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the tree's lock, so that one export at a time writes it."""
        with open(self.root / LOCK_FILE, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def read_status(self) -> dict | None:
        """Return the status of the last export, or None before the first."""
        try:
            return json.loads((self.root / STATUS_FILE).read_bytes())
        except FileNotFoundError:
            return None
        except ValueError:
            return {}

    def status_bytes(self, *, center_path: str, journal: str, serial: int) -> bytes:
        """Return the status file of an export up to a serial."""
        status = {
            "center": center_path,
            "journal": journal,
            "serial": serial,
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        return json.dumps(status, indent=2).encode("utf-8") + b"\n"

    def read(self, path: str) -> bytes | None:
        """Return the bytes of a tree file, or None when it is missing."""
        try:
            return (self.root / path).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def write(self, path: str, body: bytes) -> None:
        """Write a file whole: into a temporary file, then renamed over."""
        with self._temporary(path) as (temporary, handle):
            handle.write(body)
            handle.close()
            os.chmod(temporary, 0o644)

    def write_many(self, files: dict[str, bytes]) -> int:
        """Write the files whose bytes differ from the tree's; return how many."""
        written = 0
        for path, body in files.items():
            if self.read(path) != body:
                self.write(path, body)
                written += 1
        return written

    def link_or_copy(self, path: str, source: Path | None, opener) -> str:
        """Put an archive into the tree; return "link" or "copy".

        A hard link costs neither time nor space; across filesystems, or
        when the storage has no local file, the archive is copied from
        ``opener()``.
        """
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if source is not None:
            temporary = target.with_name(f"{TEMPORARY_PREFIX}{target.name}")
            try:
                temporary.unlink(missing_ok=True)
                os.link(source, temporary)
            except OSError as error:
                if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                    raise
            else:
                readable_by_all(temporary)
                os.replace(temporary, target)
                return "link"
        with opener() as stream, self._temporary(path) as (copied, handle):
            copy(stream, handle)
            handle.close()
            readable_by_all(copied)
        return "copy"

    def remove(self, path: str) -> bool:
        """Remove a file and the directories it leaves empty; tell if it was there."""
        target = self.root / path
        try:
            target.unlink()
        except FileNotFoundError:
            return False
        parent = target.parent
        while parent != self.root:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent
        return True

    def files(self) -> Iterator[str]:
        """Yield the paths of the tree's pages, archives and stray files."""
        for directory, _names, filenames in os.walk(self.root):
            relative = Path(directory).relative_to(self.root)
            for filename in filenames:
                path = (relative / filename).as_posix()
                if path not in OWN_FILES:
                    yield path

    @contextmanager
    def _temporary(self, path: str) -> Iterator[tuple[str, BinaryIO]]:
        """Open a temporary file beside ``path`` and rename it over on success."""
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=TEMPORARY_PREFIX
        )
        handle = os.fdopen(descriptor, "wb")
        try:
            yield temporary, handle
            handle.close()
            os.replace(temporary, target)
        except BaseException:
            handle.close()
            os.unlink(temporary)
            raise


def readable_by_all(path: Path | str) -> None:
    """Let the web server, which runs as another user, read an archive.

    A hard link shares its mode with the stored archive; a storage file of
    another owner keeps its mode, and the web server must run as its owner.
    """
    with suppress(PermissionError):
        os.chmod(path, 0o444)


def copy(source: BinaryIO, target: BinaryIO) -> None:
    """Copy a stream in chunks; an archive is never held whole in memory."""
    shutil.copyfileobj(source, target, CHUNK)
