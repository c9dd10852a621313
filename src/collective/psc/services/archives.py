"""Archives: receive one into a center's storage, open, verify and move them."""

from collections.abc import Mapping
from collective.psc.constants import FILE_TYPE
from collective.psc.digests import CHUNK_SIZE
from collective.psc.digests import Digests
from collective.psc.digests import stream_chunks
from collective.psc.exceptions import ArchiveCorrupted
from collective.psc.exceptions import DuplicateFile
from collective.psc.exceptions import FileExists
from collective.psc.metadata import extract_core_metadata
from collective.psc.metadata import parse_core_metadata
from collective.psc.names import file_id
from collective.psc.names import parse_filename
from collective.psc.names import ParsedFilename
from collective.psc.permissions import ManagePortal
from collective.psc.services.base import current_user_id
from collective.psc.services.base import get_center
from collective.psc.services.base import require
from collective.psc.services.distributions import add_distribution
from collective.psc.services.distributions import find_file
from collective.psc.services.projects import check_may_upload
from collective.psc.storage import DEFAULT_STORAGE
from collective.psc.storage import get_storage
from collective.psc.types import Center
from collective.psc.types import Distribution
from datetime import datetime
from datetime import UTC
from pathlib import Path
from plone.dexterity.utils import createContent
from typing import BinaryIO

import hashlib


def receive_archive(
    *,
    center: Center,
    parsed: ParsedFilename,
    stream: BinaryIO,
    digests: Mapping[str, str] | None = None,
    max_size: int | None = None,
) -> Distribution:
    """Stream an archive into the center's storage as a file not yet in any release.

    The bytes are hashed while they stream; the digests the client sent are
    checked against them. The identical file again raises DuplicateFile, the
    same filename with other bytes FileExists. The core metadata file is read
    out of the stored archive, byte for byte, and left to the caller to check.
    Nothing is added to the center: an abort drops the stored bytes.
    """
    storage_name = getattr(center, "storage", None) or DEFAULT_STORAGE
    storage = get_storage(storage_name)
    storage.check(center)
    distribution = createContent(
        FILE_TYPE,
        id=file_id(parsed.filename),
        title=parsed.filename,
        filename=parsed.filename,
        package_type=parsed.package_type,
        python_tag=parsed.python_tag,
        storage=storage_name,
    )
    seen = Digests()
    storage.store(
        distribution, stream_chunks(stream, seen, max_size=max_size), center=center
    )
    seen.check(dict(digests or {}))
    _refuse_reused_filename(
        center=center, filename=parsed.filename, sha256=seen.hexdigest("sha256")
    )
    distribution.size = seen.size
    distribution.sha256 = seen.hexdigest("sha256")
    distribution.blake2_256 = seen.hexdigest("blake2_256")
    distribution.md5 = seen.hexdigest("md5")
    distribution.upload_time = datetime.now(UTC)
    distribution.uploader = current_user_id()
    with storage.open(distribution, center=center) as archive:
        data = extract_core_metadata(archive, parsed)
    if data is not None:
        distribution.core_metadata = data
        distribution.core_metadata_sha256 = hashlib.sha256(data).hexdigest()
    return distribution


def add_archive(
    *,
    center: Center,
    filename: str,
    stream: BinaryIO,
    digests: Mapping[str, str] | None = None,
    max_size: int | None = None,
) -> Distribution:
    """Store an archive as a file of its release, with its metadata unchecked.

    For content made by a Manager's own tools and tests; uploads and imports
    go through ``collective.psc.upload.publish``, which checks the metadata
    before anything is added.
    """
    parsed = parse_filename(filename)
    check_may_upload(center=center, name=parsed.name)
    distribution = receive_archive(
        center=center, parsed=parsed, stream=stream, digests=digests, max_size=max_size
    )
    data = distribution.core_metadata
    fields = parse_core_metadata(data) if data is not None else {}
    return add_distribution(
        center=center, distribution=distribution, parsed=parsed, fields=fields
    )


def open_archive(distribution: Distribution) -> BinaryIO:
    """Return the stored archive of a distribution file opened for reading."""
    center = get_center(distribution)
    return get_storage(distribution.storage).open(distribution, center=center)


def archive_path(distribution: Distribution) -> Path | None:
    """Return the committed archive's path on local disk, or None."""
    storage = get_storage(distribution.storage)
    path = storage.local_path(distribution, center=get_center(distribution))
    return Path(path) if path else None


def move_archive(*, distribution: Distribution, to: str) -> bool:
    """Copy a file's archive into another storage, verify it, switch the file over.

    The copy's SHA-256, read back from the target, must match the file's;
    the old archive is deleted through its storage, so its bytes go only when
    the transaction that switched the file commits. Tell whether it moved.
    """
    center = get_center(distribution)
    require(ManagePortal, center, "move the archives of this index")
    if distribution.storage == to:
        return False
    source = get_storage(distribution.storage)
    target = get_storage(to)
    target.check(center)
    with source.open(distribution, center=center) as archive:
        target.store(distribution, stream_chunks(archive, Digests()), center=center)
    with target.open(distribution, center=center) as copy:
        sha256 = _sha256(copy)
    if sha256 != distribution.sha256:
        raise ArchiveCorrupted(
            f"The archive of {distribution.filename!r} in {distribution.storage!r} "
            f"has the SHA-256 {sha256}, not {distribution.sha256}; it was not "
            "moved. Restore it from a backup or delete the file."
        )
    source.delete(distribution, center=center)
    distribution.storage = to
    return True


def check_archive(*, distribution: Distribution) -> str | None:
    """Return what is wrong with a file's stored archive, or None when it is sound."""
    center = get_center(distribution)
    storage = get_storage(distribution.storage)
    if not storage.exists(distribution, center=center):
        return f"missing from the {distribution.storage!r} storage"
    with storage.open(distribution, center=center) as archive:
        sha256 = _sha256(archive)
    if sha256 != distribution.sha256:
        return f"SHA-256 is {sha256}, expected {distribution.sha256}"
    return None


def _sha256(archive: BinaryIO) -> str:
    hasher = hashlib.sha256()
    while chunk := archive.read(CHUNK_SIZE):
        hasher.update(chunk)
    return hasher.hexdigest()


def _refuse_reused_filename(*, center: Center, filename: str, sha256: str) -> None:
    if filename not in center.filenames:
        return
    existing = find_file(center=center, filename=filename)
    if existing is not None and existing.sha256 == sha256:
        raise DuplicateFile(f"File already exists: {filename!r} was uploaded before.")
    if existing is None:
        raise FileExists(
            f"File already exists: {filename!r} belonged to a file that was "
            "deleted, and a filename is never reused; bump the version or add a "
            "build tag."
        )
    raise FileExists(
        f"File already exists: {filename!r} was uploaded before with other content, "
        "and a filename is never reused; bump the version or add a build tag."
    )
