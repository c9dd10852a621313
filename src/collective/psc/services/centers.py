"""Centers: find them, count what they hold, choose their archive storage."""

from collective.psc.constants import CENTER_TYPE
from collective.psc.interfaces import IProject
from collective.psc.permissions import ManagePortal
from collective.psc.services.base import require
from collective.psc.storage import get_storage
from collective.psc.types import Center
from collective.psc.types import Distribution
from plone import api
from typing import Any
from typing import NamedTuple


class CenterStats(NamedTuple):
    """How much a center holds."""

    path: str
    title: str
    projects: int
    files: int
    last_serial: int


def find_centers(*, site: Any) -> list[Center]:
    """Return the software centers of a site that the user may see."""
    brains = api.content.find(context=site, portal_type=CENTER_TYPE, sort_on="path")
    return [brain.getObject() for brain in brains]


def center_stats(*, center: Center) -> CenterStats:
    """Count the projects and files of a center."""
    files = sum(
        len(release.objectIds())
        for project in center.objectValues()
        for release in project.objectValues()
    )
    return CenterStats(
        path="/".join(center.getPhysicalPath()),
        title=center.Title(),
        projects=center.objectCount(),
        files=files,
        last_serial=center.journal.last_serial,
    )


def center_files(*, center: Center) -> list[Distribution]:
    """Return every distribution file of a center, by project and release."""
    return [
        item
        for project in center.objectValues()
        if IProject.providedBy(project)
        for release in project.releases()
        for item in release.files()
    ]


def set_storage(*, center: Center, name: str, path: str | None = None) -> None:
    """Choose the storage strategy (and its directory) for a center's new archives."""
    require(ManagePortal, center, "choose the archive storage of this index")
    storage = get_storage(name)
    if path is not None:
        center.storage_path = path
    storage.check(center)
    center.storage = name
