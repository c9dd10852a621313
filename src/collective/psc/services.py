"""The service layer: every change to a center goes through these functions.

Views, the ``psc`` console command and tests call them with keyword arguments.
They check the current user's permissions, change content inside the current
transaction and record each change in the center's journal; committing or
aborting is the caller's business, so a replayed request repeats them safely.
"""

from Acquisition import aq_base
from Acquisition import aq_chain
from Acquisition import aq_inner
from collections.abc import Mapping
from collective.psc import _
from collective.psc import claims
from collective.psc import journal
from collective.psc import permissions
from collective.psc.digests import CHUNK_SIZE
from collective.psc.digests import Digests
from collective.psc.digests import stream_chunks
from collective.psc.exceptions import ArchiveCorrupted
from collective.psc.exceptions import DuplicateFile
from collective.psc.exceptions import FileExists
from collective.psc.exceptions import FileNotFound
from collective.psc.exceptions import Forbidden
from collective.psc.exceptions import InvalidFilename
from collective.psc.exceptions import InvalidName
from collective.psc.exceptions import ProjectNotFound
from collective.psc.exceptions import ReleaseNotFound
from collective.psc.exceptions import UserNotFound
from collective.psc.interfaces import ICenterChangedEvent
from collective.psc.interfaces import IProject
from collective.psc.interfaces import ISoftwareCenter
from collective.psc.metadata import extract_core_metadata
from collective.psc.metadata import parse_core_metadata
from collective.psc.names import file_id
from collective.psc.names import normalize_name
from collective.psc.names import parse_filename
from collective.psc.names import parse_version
from collective.psc.names import ParsedFilename
from collective.psc.names import release_id
from collective.psc.storage import DEFAULT_STORAGE
from collective.psc.storage import get_storage
from collective.psc.types import Center
from collective.psc.types import Distribution
from collective.psc.types import Project
from collective.psc.types import Release
from datetime import datetime
from datetime import UTC
from OFS.ObjectManager import checkValidId
from packaging.metadata import Metadata
from pathlib import Path
from plone import api
from plone.dexterity.interfaces import IDexterityFTI
from plone.dexterity.utils import createContent
from typing import Any
from typing import BinaryIO
from typing import NamedTuple
from zExceptions import BadRequest
from zope.component import getUtility
from zope.component import queryMultiAdapter
from zope.event import notify
from zope.globalrequest import getRequest
from zope.interface import implementer
from zope.interface.interfaces import ObjectEvent

import hashlib


# The indexes that depend on fields an upload changes; reindexing only these
# (and the metadata) keeps an upload's catalog work small.
PROJECT_TEXT_INDEXES = ["Title", "sortable_title", "Description", "SearchableText"]
# The indexes of the center's listing, which follow the newest release. An
# unchanged value writes nothing, so concurrent uploads do not conflict on them.
PROJECT_LISTING_INDEXES = [
    "psc_latest_date",
    "psc_maturity",
    "psc_classifiers",
    "psc_compatibility",
    "psc_categories",
]
# Views of a center; a project of such a name would hide the view.
RESERVED_NAMES = frozenset({"legacy", "simple", "packages", "pypi", "links", "submit"})
PROJECT_TYPE = "SoftwareProject"
RELEASE_TYPE = "SoftwareRelease"
FILE_TYPE = "DistributionFile"
CENTER_TYPE = "SoftwareCenter"
MANAGE_PORTAL = "Manage portal"


class CenterStats(NamedTuple):
    """How much a center holds."""

    path: str
    title: str
    projects: int
    files: int
    last_serial: int


def get_center(context: Any) -> Center:
    """Return the software center that holds a context (or is it)."""
    for obj in aq_chain(aq_inner(context)):
        if ISoftwareCenter.providedBy(obj):
            return obj
    raise LookupError(f"{context!r} is not inside a software center.")


def current_user_id() -> str:
    """Return the id of the user the request runs as."""
    user = api.user.get_current()
    return user.getId() or user.getUserName()


def find_project(*, center: Center, name: str) -> Project | None:
    """Return the project of a name in any spelling, or None."""
    return center.get(normalize_name(name))


def get_project(*, center: Center, name: str) -> Project:
    """Return the project of a name in any spelling, or raise ProjectNotFound."""
    project = find_project(center=center, name=name)
    if project is None:
        raise ProjectNotFound(
            _(
                "There is no project ${name} in this index.",
                mapping={"name": repr(name)},
            )
        )
    return project


def get_or_create_project(
    *,
    center: Center,
    name: str,
    fields: Mapping[str, Any] | None = None,
    with_file: bool = True,
) -> tuple[Project, bool]:
    """Return the project of a name, creating it when it is new and may be claimed.

    ``with_file`` says whether a file comes with the claim (an upload) or not
    (``twine register``); see ``collective.psc.claims`` for the policy.
    """
    project = find_project(center=center, name=name)
    if project is not None:
        return project, False
    _require(permissions.AddProject, center, f"create the project {name!r}")
    normalized = normalize_name(name)
    if normalized in RESERVED_NAMES:
        raise InvalidName(
            f"The name {name!r} is reserved: it is a URL of the index "
            f"({', '.join(sorted(RESERVED_NAMES))})."
        )
    if _shadows_the_site(center, normalized):
        raise InvalidName(
            f"The name {name!r} is reserved: it is the name of a page or method of "
            "the site, so a project of that name could not be reached; choose "
            "another name."
        )
    claims.check_new_name(
        center=center, name=normalized, user_id=current_user_id(), with_file=with_file
    )
    project = createContent(PROJECT_TYPE, id=normalized, title=name.strip())
    for field, value in (fields or {}).items():
        setattr(project, field, value)
    project = _add(center, project)
    user_id = current_user_id()
    project.manage_setLocalRoles(user_id, ["Owner"])
    project.changeOwnership(api.user.get_current())
    record_change(
        center=center, project=normalized, action=journal.CREATE_PROJECT, user=user_id
    )
    return project, True


def update_project(*, project: Project, fields: Mapping[str, Any]) -> bool:
    """Set the fields that differ, recording the change; tell whether any did."""
    _require(permissions.UploadDistribution, project, "change this project")
    changed = [
        name for name, value in fields.items() if getattr(project, name, None) != value
    ]
    if not changed:
        return False
    for name in changed:
        setattr(project, name, fields[name])
    project.reindexObject(idxs=PROJECT_TEXT_INDEXES + PROJECT_LISTING_INDEXES)
    record_change(
        center=project.aq_parent,
        project=project.getId(),
        action=journal.UPDATE_PROJECT,
        user=current_user_id(),
    )
    return True


def apply_release_metadata(
    *,
    project: Project,
    release: Release,
    metadata: Metadata,
    description_html: str | None,
) -> None:
    """Store a release's core metadata; the newest release also sets the project's."""
    _require(permissions.UploadDistribution, project, "change this project")
    compatibility = plone_compatibility(metadata.classifiers or [])
    release_fields = {
        "description": metadata.summary or "",
        "requires_python": str(metadata.requires_python or "") or None,
        "compatibility": compatibility,
    }
    changed = [
        name
        for name, value in release_fields.items()
        if getattr(release, name, None) != value
    ]
    for name in changed:
        setattr(release, name, release_fields[name])
    if changed:
        release.reindexObject()
    if aq_base(newest_release(project=project)) is not aq_base(release):
        return
    urls = [f"{label}, {url}" for label, url in (metadata.project_urls or {}).items()]
    if metadata.home_page:
        urls.insert(0, f"Homepage, {metadata.home_page}")
    if metadata.download_url:
        urls.append(f"Download, {metadata.download_url}")
    changed = update_project(
        project=project,
        fields={
            "title": metadata.name,
            "description": metadata.summary or "",
            "long_description": metadata.description or "",
            "long_description_content_type": metadata.description_content_type or "",
            "long_description_html": description_html or "",
            "project_urls": urls,
            "license": metadata.license or "",
            "license_expression": metadata.license_expression or "",
            "classifiers": list(metadata.classifiers or []),
            "keywords": list(metadata.keywords or []),
            "author": metadata.author or "",
            "author_email": metadata.author_email or "",
            "maintainer": metadata.maintainer or "",
            "maintainer_email": metadata.maintainer_email or "",
            "compatibility": compatibility,
        },
    )
    if not changed:
        # A new newest release with the same metadata still moves the listing.
        project.reindexObject(idxs=PROJECT_LISTING_INDEXES)


def newest_release(*, project: Project) -> Release | None:
    """Return the release that speaks for the project: the newest final, else newest."""
    releases = project.releases()
    finals = [
        release for release in releases if not release.parsed_version.is_prerelease
    ]
    return (finals or releases or [None])[0]


def plone_compatibility(classifiers: list[str]) -> list[str]:
    """Return the Plone versions named by 'Framework :: Plone :: X.Y' classifiers."""
    versions = []
    for classifier in classifiers:
        parts = [part.strip() for part in classifier.split("::")]
        is_version = len(parts) == 3 and parts[2][:1].isdigit()
        if is_version and parts[:2] == ["Framework", "Plone"]:
            versions.append(parts[2])
    return sorted(set(versions), key=parse_version)


def list_maintainers(*, project: Project) -> dict[str, list[str]]:
    """Return the users with the Owner or Maintainer role on a project."""
    return {
        user_id: sorted(set(roles) & {"Owner", "Maintainer"})
        for user_id, roles in project.get_local_roles()
        if set(roles) & {"Owner", "Maintainer"}
    }


def add_maintainer(*, project: Project, user_id: str) -> None:
    """Give a user the Maintainer role on a project."""
    _require(
        permissions.ManageMaintainers, project, "manage maintainers of this project"
    )
    if api.user.get(userid=user_id) is None:
        raise UserNotFound(
            _("There is no user ${user_id}.", mapping={"user_id": repr(user_id)})
        )
    roles = set(project.get_local_roles_for_userid(user_id)) | {"Maintainer"}
    project.manage_setLocalRoles(user_id, sorted(roles))
    project.reindexObjectSecurity()


def remove_maintainer(*, project: Project, user_id: str) -> None:
    """Take the Maintainer role on a project from a user."""
    _require(
        permissions.ManageMaintainers, project, "manage maintainers of this project"
    )
    roles = set(project.get_local_roles_for_userid(user_id)) - {"Maintainer"}
    if roles:
        project.manage_setLocalRoles(user_id, sorted(roles))
    else:
        project.manage_delLocalRoles([user_id])
    project.reindexObjectSecurity()


def find_release(*, project: Project, version: str) -> Release | None:
    """Return the release of a version in any PEP 440 spelling, or None."""
    return project.get(release_id(version))


def get_or_create_release(*, project: Project, version: str) -> tuple[Release, bool]:
    """Return the release of a version, creating it when it is new."""
    release = find_release(project=project, version=version)
    if release is not None:
        return release, False
    _require(permissions.UploadDistribution, project, "add releases to this project")
    display = str(parse_version(version))
    release = createContent(
        RELEASE_TYPE,
        id=release_id(version),
        title=f"{project.display_name} {display}",
        version=display,
    )
    release = _add(project, release, permission=permissions.UploadDistribution)
    record_change(
        center=project.aq_parent,
        project=project.getId(),
        version=display,
        action=journal.CREATE_RELEASE,
        user=current_user_id(),
    )
    return release, True


def add_distribution(
    *,
    center: Center,
    filename: str,
    stream: BinaryIO,
    digests: Mapping[str, str] | None = None,
    max_size: int | None = None,
    display_name: str | None = None,
) -> Distribution:
    """Add a wheel or sdist from a stream, creating its project and release.

    The archive is hashed while it streams into the center's storage; the
    digests the client sent are checked against the bytes. The identical file
    again raises DuplicateFile, the same filename with other bytes FileExists.
    """
    parsed = parse_filename(filename)
    project = find_project(center=center, name=parsed.name)
    if project is None:
        _require(permissions.AddProject, center, f"create the project {parsed.name!r}")
    else:
        _require(permissions.UploadDistribution, project, "upload to this project")
    storage_name = getattr(center, "storage", None) or DEFAULT_STORAGE
    storage = get_storage(storage_name)
    storage.check(center)
    distribution = createContent(
        FILE_TYPE,
        id=file_id(filename),
        title=filename,
        filename=filename,
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
        center=center, filename=filename, sha256=seen.hexdigest("sha256")
    )
    _set_digests(distribution, seen)
    _set_core_metadata(distribution, storage.open(distribution, center=center), parsed)
    if project is None:
        fields = distribution.metadata_fields or {}
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
            f"Invalid filename {filename!r}: it clashes with another file of this "
            "release; rename the file."
        )
    # Files are added without Zope's object events: nothing catalogues them,
    # they need no intid, relations or workflow, and the events' subscribers
    # were a third of an upload's time. The journal records the addition.
    distribution = _add(
        release, distribution, events=False, permission=permissions.UploadDistribution
    )
    center.filenames[filename] = project.getId()
    record_change(
        center=center,
        project=project.getId(),
        version=release.version,
        filename=filename,
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


def list_files(*, center: Center, name: str) -> list[Distribution]:
    """Return a project's files, newest release first, then by filename."""
    project = get_project(center=center, name=name)
    return [item for release in project.releases() for item in release.files()]


def open_archive(distribution: Distribution) -> BinaryIO:
    """Return the stored archive of a distribution file opened for reading."""
    center = get_center(distribution)
    return get_storage(distribution.storage).open(distribution, center=center)


def archive_path(distribution: Distribution) -> Path | None:
    """Return the committed archive's path on local disk, or None."""
    storage = get_storage(distribution.storage)
    path = storage.local_path(distribution, center=get_center(distribution))
    return Path(path) if path else None


def set_storage(*, center: Center, name: str, path: str | None = None) -> None:
    """Choose the storage strategy (and its directory) for a center's new archives."""
    _require(MANAGE_PORTAL, center, "choose the archive storage of this index")
    storage = get_storage(name)
    if path is not None:
        center.storage_path = path
    storage.check(center)
    center.storage = name


def center_files(*, center: Center) -> list[Distribution]:
    """Return every distribution file of a center, by project and release."""
    return [
        item
        for project in center.objectValues()
        if IProject.providedBy(project)
        for release in project.releases()
        for item in release.files()
    ]


def move_archive(*, center: Center, distribution: Distribution, to: str) -> bool:
    """Copy a file's archive into another storage, verify it, switch the file over.

    The copy's SHA-256, read back from the target, must match the file's;
    the old archive is deleted through its storage, so its bytes go only when
    the transaction that switched the file commits. Tell whether it moved.
    """
    _require(MANAGE_PORTAL, center, "move the archives of this index")
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


def check_archive(*, center: Center, distribution: Distribution) -> str | None:
    """Return what is wrong with a file's stored archive, or None when it is sound."""
    storage = get_storage(distribution.storage)
    if not storage.exists(distribution, center=center):
        return f"missing from the {distribution.storage!r} storage"
    with storage.open(distribution, center=center) as archive:
        sha256 = _sha256(archive)
    if sha256 != distribution.sha256:
        return f"SHA-256 is {sha256}, expected {distribution.sha256}"
    return None


def yank(
    *,
    center: Center,
    name: str,
    version: str,
    filename: str | None = None,
    reason: str = "",
) -> list[Distribution]:
    """Yank (PEP 592) one file, or every file of a release; return them."""
    return _set_yanked(
        center=center,
        name=name,
        version=version,
        filename=filename,
        yanked=True,
        reason=reason,
    )


def unyank(
    *, center: Center, name: str, version: str, filename: str | None = None
) -> list[Distribution]:
    """Take back the yank of one file, or of every file of a release."""
    return _set_yanked(
        center=center,
        name=name,
        version=version,
        filename=filename,
        yanked=False,
        reason="",
    )


def delete_file(*, center: Center, filename: str) -> None:
    """Delete one distribution file; its filename is never used again.

    Removing content is journaled, and its archives deleted, by the
    subscribers in content/subscribers.py, whichever page removes it.
    """
    distribution = get_file(center=center, filename=filename)
    project = distribution.aq_parent.aq_parent
    _require(permissions.ManageReleases, project, "delete files of this project")
    _remove(distribution)


def delete_release(*, center: Center, name: str, version: str) -> None:
    """Delete a release with all its files."""
    project = get_project(center=center, name=name)
    release = _get_release(project=project, version=version)
    _require(permissions.ManageReleases, project, "delete releases of this project")
    _remove(release)


def delete_project(*, center: Center, name: str) -> None:
    """Delete a project with all its releases and files."""
    project = get_project(center=center, name=name)
    _require(permissions.ManageReleases, project, "delete this project")
    _remove(project)


def record_change(*, center: Center, **entry: str) -> None:
    """Append a change to the center's journal and tell the subscribers."""
    center.journal.append(**entry)
    notify(CenterChangedEvent(center))


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


@implementer(ICenterChangedEvent)
class CenterChangedEvent(ObjectEvent):
    """A change of a center was recorded in its journal."""


def _add(
    container: Any,
    content: Any,
    *,
    events: bool = True,
    permission: str | None = None,
) -> Any:
    """Add content under its own id (ids are derived, never renamed).

    Releases and files have an add permission that no role is granted, so
    that nothing but an upload adds them; the upload names the permission
    it checks instead.
    """
    fti = getUtility(IDexterityFTI, name=content.portal_type)
    if permission is not None:
        _require(permission, container, f"add a {fti.Title()} here")
    elif not fti.isConstructionAllowed(container):
        raise Forbidden(
            f"User {api.user.get_current().getUserName()!r} is not allowed to add "
            f"a {fti.Title()} here."
        )
    container_fti = container.getTypeInfo()
    if container_fti is not None and not container_fti.allowType(content.portal_type):
        raise TypeError(f"{content.portal_type} cannot be added in {container!r}.")
    container._setObject(content.id, content, suppress_events=not events)
    return container._getOb(content.id)


def _require(permission: str, context: Any, what: str) -> None:
    if not api.user.has_permission(permission, obj=context):
        user = api.user.get_current().getUserName()
        raise Forbidden(f"User {user!r} is not allowed to {what}.")


def _sha256(archive: BinaryIO) -> str:
    hasher = hashlib.sha256()
    while chunk := archive.read(CHUNK_SIZE):
        hasher.update(chunk)
    return hasher.hexdigest()


def _get_release(*, project: Project, version: str) -> Release:
    release = find_release(project=project, version=version)
    if release is None:
        raise ReleaseNotFound(
            _(
                "Project ${name} has no release ${version}.",
                mapping={"name": repr(project.display_name), "version": repr(version)},
            )
        )
    return release


def _shadows_the_site(center: Center, name: str) -> bool:
    try:
        checkValidId(center, name)
    except BadRequest:
        return True
    if hasattr(aq_base(center), name):
        return True
    request = getRequest()
    return (
        request is not None
        and queryMultiAdapter((center, request), name=name) is not None
    )


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


def _set_digests(distribution: Distribution, seen: Digests) -> None:
    distribution.size = seen.size
    distribution.sha256 = seen.hexdigest("sha256")
    distribution.blake2_256 = seen.hexdigest("blake2_256")
    distribution.md5 = seen.hexdigest("md5")
    distribution.upload_time = datetime.now(UTC)
    distribution.uploader = current_user_id()


def _set_core_metadata(
    distribution: Distribution, archive: BinaryIO, parsed: ParsedFilename
) -> None:
    with archive:
        data = extract_core_metadata(archive, parsed)
    if data is None:
        return
    distribution.core_metadata = data
    distribution.core_metadata_sha256 = hashlib.sha256(data).hexdigest()
    fields = parse_core_metadata(data)
    distribution.metadata_fields = fields
    distribution.requires_python = fields.get("requires_python") or None


def _set_yanked(
    *,
    center: Center,
    name: str,
    version: str,
    filename: str | None,
    yanked: bool,
    reason: str,
) -> list[Distribution]:
    project = get_project(center=center, name=name)
    release = _get_release(project=project, version=version)
    _require(permissions.ManageReleases, project, "yank releases of this project")
    if filename is None:
        targets = release.files()
    else:
        targets = [item for item in release.files() if item.filename == filename]
        if not targets:
            raise FileNotFound(
                f"Release {release.version} of {project.display_name!r} has no file "
                f"{filename!r}."
            )
    for distribution in targets:
        distribution.yanked = yanked
        distribution.yanked_reason = reason if yanked else None
    record_change(
        center=center,
        project=project.getId(),
        version=release.version,
        filename=filename or "",
        action=journal.YANK if yanked else journal.UNYANK,
        user=current_user_id(),
    )
    return targets


def _remove(content: Any) -> None:
    # The caller checked Manage Releases; Plone's manage_delObjects would also
    # ask for Delete objects, which Maintainers do not have.
    content.aq_parent._delObject(content.getId())
