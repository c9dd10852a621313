"""The default archive storage: one ZODB blob per distribution file."""

from collections.abc import Iterable
from collective.psc.interfaces import IArchiveStorage
from collective.psc.interfaces import IDistributionFile
from typing import BinaryIO
from ZODB.blob import Blob
from ZODB.interfaces import BlobError
from zope.interface import implementer


BLOB_ATTRIBUTE = "_psc_archive_blob"


@implementer(IArchiveStorage)
class BlobStorage:
    """Keep archives as ZODB blobs on the distribution objects.

    Blob writes are transactional by themselves: an aborted or retried
    transaction leaves no committed blob behind.
    """

    title = "ZODB blobs"

    def store(self, distribution: IDistributionFile, chunks: Iterable[bytes]) -> None:
        """Write the archive into a new blob on the distribution."""
        blob = Blob()
        with blob.open("w") as target:
            for chunk in chunks:
                target.write(chunk)
        setattr(distribution, BLOB_ATTRIBUTE, blob)

    def open(self, distribution: IDistributionFile) -> BinaryIO:
        """Return the blob opened for reading."""
        return getattr(distribution, BLOB_ATTRIBUTE).open("r")

    def exists(self, distribution: IDistributionFile) -> bool:
        """Tell whether the distribution has a blob."""
        return getattr(distribution, BLOB_ATTRIBUTE, None) is not None

    def local_path(self, distribution: IDistributionFile) -> str | None:
        """Return the committed blob's file, or None before its commit."""
        blob = getattr(distribution, BLOB_ATTRIBUTE, None)
        if blob is None:
            return None
        try:
            return blob.committed()
        except BlobError:
            return None

    def delete(self, distribution: IDistributionFile) -> None:
        """Drop the blob; packing the database removes its file."""
        if getattr(distribution, BLOB_ATTRIBUTE, None) is not None:
            setattr(distribution, BLOB_ATTRIBUTE, None)
