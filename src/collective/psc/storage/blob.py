"""The default archive storage: one ZODB blob per distribution file."""

from collections.abc import Iterable
from collective.psc.exceptions import StorageUnavailable
from collective.psc.interfaces import IArchiveStorage
from collective.psc.interfaces import IDistributionFile
from collective.psc.interfaces import ISoftwareCenter
from typing import BinaryIO
from ZODB.blob import Blob
from ZODB.interfaces import BlobError
from ZODB.interfaces import IBlobStorage
from zope.interface import implementer


BLOB_ATTRIBUTE = "_psc_archive_blob"


@implementer(IArchiveStorage)
class BlobStorage:
    """Keep archives as ZODB blobs on the distribution objects.

    Blob writes are transactional by themselves: an aborted or retried
    transaction leaves no committed blob behind.
    """

    title = "ZODB blobs"

    def check(self, center: ISoftwareCenter) -> None:
        """Refuse a database whose storage keeps no blobs."""
        connection = getattr(center, "_p_jar", None)
        if connection is not None and not IBlobStorage.providedBy(
            connection.db().storage
        ):
            raise StorageUnavailable(
                "The ZODB storage of this site keeps no blobs; configure a "
                "blob-dir for it or choose the filesystem storage."
            )

    def store(
        self,
        distribution: IDistributionFile,
        chunks: Iterable[bytes],
        *,
        center: ISoftwareCenter,
    ) -> None:
        """Write the archive into a new blob on the distribution."""
        blob = Blob()
        with blob.open("w") as target:
            for chunk in chunks:
                target.write(chunk)
        setattr(distribution, BLOB_ATTRIBUTE, blob)

    def open(
        self, distribution: IDistributionFile, *, center: ISoftwareCenter
    ) -> BinaryIO:
        """Return the blob opened for reading."""
        return getattr(distribution, BLOB_ATTRIBUTE).open("r")

    def exists(
        self, distribution: IDistributionFile, *, center: ISoftwareCenter
    ) -> bool:
        """Tell whether the distribution has a blob."""
        return getattr(distribution, BLOB_ATTRIBUTE, None) is not None

    def local_path(
        self, distribution: IDistributionFile, *, center: ISoftwareCenter
    ) -> str | None:
        """Return the committed blob's file, or None before its commit."""
        blob = getattr(distribution, BLOB_ATTRIBUTE, None)
        if blob is None:
            return None
        try:
            return blob.committed()
        except BlobError:
            return None

    def delete(
        self, distribution: IDistributionFile, *, center: ISoftwareCenter
    ) -> None:
        """Drop the blob; packing the database removes its file."""
        if getattr(distribution, BLOB_ATTRIBUTE, None) is not None:
            setattr(distribution, BLOB_ATTRIBUTE, None)
