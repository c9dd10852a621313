"""Contracts of collective.psc: marker interfaces, storage and journal."""

from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any
from typing import BinaryIO
from zope.interface import Attribute
from zope.interface import Interface
from zope.interface.interfaces import IObjectEvent
from zope.publisher.interfaces.browser import IDefaultBrowserLayer


class ICollectivePscLayer(IDefaultBrowserLayer):
    """Browser layer active where collective.psc is installed."""


class ISoftwareCenter(Interface):
    """A folder of projects that is a Python package index."""


class IProject(Interface):
    """A project: one PEP 503 name in a center, holding its releases."""

    display_name = Attribute("The project's name as its uploads spell it.")

    def releases() -> list:
        """Return the releases, newest version first."""


class IUpstreamProject(IProject):
    """A project tracked from an upstream index: shown here, installed from there.

    Its releases hold no files; the merge policy treats its name as not local.
    """

    upstream_index = Attribute("The upstream index URL it is read from, public.")
    upstream_url = Attribute("The page of the project on its upstream.")


class IRelease(Interface):
    """A release: one PEP 440 version of a project, holding its files."""


class IDistributionFile(Interface):
    """One archive (wheel or sdist) of a release."""

    filename = Attribute("The archive's filename, which is never used again.")


class IIndexEndpoint(Interface):
    """A view of a center that speaks a package-index protocol.

    API tokens log in only to requests published to such a view whose context
    is a software center: the upload API, the simple pages, the archives, the
    find-links pages and PyPI's JSON API.
    """


class IMissingNames(Interface):
    """Answer, during traversal, a name that is not in a center, project or release.

    Looked up as a multi-adapter of the container and the request; without
    one, Zope's own traversal goes on.
    """

    def placeholder(name: str) -> object | None:
        """Return what to publish for a missing name, or None for Zope's way."""


class IArchiveStorage(Interface):
    """Keep the bytes of distribution files; named utilities, chosen per center.

    Every method gets the center explicitly: a distribution being uploaded is
    not in its release yet, so it cannot find its center by acquisition.
    Writes and deletes follow the transaction: an aborted or retried
    transaction leaves nothing, and bytes are removed only after a commit.
    """

    title = Attribute("Human readable name of the strategy.")

    def check(center: ISoftwareCenter) -> None:
        """Raise StorageUnavailable unless archives of the center can be stored."""

    def store(
        distribution: IDistributionFile,
        chunks: Iterable[bytes],
        *,
        center: ISoftwareCenter,
    ) -> None:
        """Write the archive of a distribution from byte chunks, in the transaction."""

    def open(distribution: IDistributionFile, *, center: ISoftwareCenter) -> BinaryIO:
        """Return a seekable binary file object reading the stored archive."""

    def exists(distribution: IDistributionFile, *, center: ISoftwareCenter) -> bool:
        """Tell whether an archive is stored for the distribution."""

    def delete(distribution: IDistributionFile, *, center: ISoftwareCenter) -> None:
        """Forget the archive of a distribution when the transaction commits."""

    def local_path(
        distribution: IDistributionFile, *, center: ISoftwareCenter
    ) -> str | None:
        """Return the path of the committed archive on local disk, or None."""


class IJournal(Interface):
    """Append-only record of a center's changes, numbered by a serial."""

    last_serial = Attribute("The serial of the newest entry, 0 when empty.")

    def append(
        *, project: str, action: str, version: str, filename: str, user: str
    ) -> None:
        """Record a change; its serial is fixed in commit order."""

    def project_serial(project: str) -> int:
        """Return the serial of the newest entry of a project, 0 when none."""

    def entries(since: int) -> Iterator:
        """Iterate over the entries with a serial above ``since``, oldest first."""


class ICenterChangedEvent(IObjectEvent):
    """A change of a center (its ``object``) was recorded in its journal."""


class IArchiveRecords(Interface):
    """Where a center records stored archives by filename.

    Subscription adapters of a center: its distribution files, and the files
    fetched from upstream indexes. The storage asks them which archive paths
    are in use (recovery, ``psc storage verify``).
    """

    def find(filename: str) -> Any:
        """Return the object that records the archive of a filename, or None."""
