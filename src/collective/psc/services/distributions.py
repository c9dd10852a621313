"""Distribution files: add a received archive to its release, find, delete."""

from collections.abc import Mapping
from collective.psc import _
from collective.psc import journal
from collective.psc import permissions
from collective.psc.exceptions import FileNotFound
from collective.psc.exceptions import InvalidFilename
from collective.psc.interfaces import IArchiveRecords
from collective.psc.names import file_id
from collective.psc.names import parse_filename
from collective.psc.names import ParsedFilename
from collective.psc.names import release_id
from collective.psc.services.base import add_content
from collective.psc.services.base import record_change
from collective.psc.services.base import remove_content
from collective.psc.services.base import require
from collective.psc.services.projects import find_project
from collective.psc.services.projects import get_or_create_project
from collective.psc.services.releases import get_or_create_release
from collective.psc.types import Center
from collective.psc.types import Distribution
from typing import Any
from zope.interface import implementer


def add_distribution(
    *,
    center: Center,
    distribution: Distribution,
    parsed: ParsedFilename,
    fields: Mapping[str, Any],
    display_name: str | None = None,
) -> Distribution:
    """Add a received archive to its release, creating the project and release.

    ``fields`` are the archive's core metadata fields (packaging's raw dict),
    which the caller has checked; the project of a new name takes the name as
    the metadata spells it, unless ``display_name`` says otherwise.
    """
    distribution.metadata_fields = dict(fields)
    distribution.requires_python = fields.get("requires_python") or None
    project = find_project(center=center, name=parsed.name)
    if project is None:
        project, _created = get_or_create_project(
            center=center, name=display_name or fields.get("name") or parsed.name
        )
    release, _created = get_or_create_release(
        project=project, version=str(parsed.version)
    )
    if release.release_date is None:
        release.release_date = distribution.upload_time
    if distribution.getId() in release.objectIds():
        raise InvalidFilename(
            f"Invalid filename {parsed.filename!r}: it clashes with another file of "
            "this release; rename the file."
        )
    # Files are added without Zope's object events: nothing catalogues them,
    # they need no intid, relations or workflow, and the events' subscribers
    # were a third of an upload's time. The journal records the addition.
    distribution = add_content(
        release, distribution, events=False, permission=permissions.UploadDistribution
    )
    center.filenames[parsed.filename] = project.getId()
    record_change(
        center=center,
        project=project.getId(),
        version=release.version,
        filename=parsed.filename,
        action=journal.ADD_FILE,
        user=distribution.uploader,
    )
    return distribution


def find_file(*, center: Center, filename: str) -> Distribution | None:
    """Return the distribution file of a filename, or None."""
    project_name = center.filenames.get(filename)
    if project_name is None or project_name not in center:
        return None
    parsed = parse_filename(filename)
    release = center[project_name].get(release_id(parsed.version))
    if release is None:
        return None
    return release.get(file_id(filename))


def get_file(*, center: Center, filename: str) -> Distribution:
    """Return the distribution file of a filename, or raise FileNotFound."""
    distribution = find_file(center=center, filename=filename)
    if distribution is None:
        raise FileNotFound(
            _(
                "There is no file ${filename} in this index.",
                mapping={"filename": repr(filename)},
            )
        )
    return distribution


def delete_file(*, distribution: Distribution) -> None:
    """Delete one distribution file; its filename is never used again.

    Removing content is journaled, and its archives deleted, by the
    subscribers in ``services/subscribers.py``, whichever page removes it.
    """
    project = distribution.aq_parent.aq_parent
    require(permissions.ManageReleases, project, "delete files of this project")
    remove_content(distribution)


@implementer(IArchiveRecords)
class CenterFiles:
    """The distribution files of a center, as records of their archives."""

    def __init__(self, center: Center) -> None:
        self.center = center

    def find(self, filename: str) -> Distribution | None:
        """Return the distribution file of a filename, or None."""
        return find_file(center=self.center, filename=filename)
