"""Releases: find or create one, store its metadata, yank, delete."""

from Acquisition import aq_base
from collective.psc import _
from collective.psc import journal
from collective.psc import permissions
from collective.psc.changelog import release_notes
from collective.psc.constants import PROJECT_LISTING_INDEXES
from collective.psc.constants import RELEASE_TYPE
from collective.psc.exceptions import FileNotFound
from collective.psc.exceptions import ReleaseNotFound
from collective.psc.metadata import people_names
from collective.psc.metadata import plone_compatibility
from collective.psc.names import parse_version
from collective.psc.names import release_id
from collective.psc.services.base import add_content
from collective.psc.services.base import current_user_id
from collective.psc.services.base import record_change
from collective.psc.services.base import remove_content
from collective.psc.services.base import require
from collective.psc.services.projects import check_not_tracked
from collective.psc.services.projects import update_project
from collective.psc.types import Distribution
from collective.psc.types import Project
from collective.psc.types import Release
from packaging.metadata import Metadata
from plone.dexterity.utils import createContent


def find_release(*, project: Project, version: str) -> Release | None:
    """Return the release of a version in any PEP 440 spelling, or None."""
    return project.get(release_id(version))


def get_release(*, project: Project, version: str) -> Release:
    """Return the release of a version in any spelling, or raise ReleaseNotFound."""
    release = find_release(project=project, version=version)
    if release is None:
        raise ReleaseNotFound(
            _(
                "Project ${name} has no release ${version}.",
                mapping={"name": repr(project.display_name), "version": repr(version)},
            )
        )
    return release


def get_or_create_release(*, project: Project, version: str) -> tuple[Release, bool]:
    """Return the release of a version, creating it when it is new."""
    release = find_release(project=project, version=version)
    if release is not None:
        return release, False
    require(permissions.UploadDistribution, project, "add releases to this project")
    display = str(parse_version(version))
    release = createContent(
        RELEASE_TYPE,
        id=release_id(version),
        title=f"{project.display_name} {display}",
        version=display,
    )
    release = add_content(project, release, permission=permissions.UploadDistribution)
    record_change(
        center=project.aq_parent,
        project=project.getId(),
        version=display,
        action=journal.CREATE_RELEASE,
        user=current_user_id(),
    )
    return release, True


def latest_release(*, project: Project) -> Release | None:
    """Return the release that speaks for the project, on every page and API.

    The newest non-yanked final release, else the newest non-yanked
    pre-release, else the newest release (all are yanked), as PyPI decides.
    A release is yanked when it has files and all of them are.
    """
    ordered = project.releases()
    newest_live = None
    # Newest first: the first live final release decides, without reading
    # the files of every older release.
    for release in ordered:
        if release.yanked:
            continue
        if not release.parsed_version.is_prerelease:
            return release
        newest_live = newest_live or release
    return newest_live or (ordered[0] if ordered else None)


def release_fields(metadata: Metadata) -> dict:
    """Return the fields of a release that its core metadata sets."""
    return {
        "description": metadata.summary or "",
        "requires_python": str(metadata.requires_python or "") or None,
        "compatibility": plone_compatibility(metadata.classifiers or []),
    }


def project_fields(metadata: Metadata, description_html: str | None) -> dict:
    """Return the fields of a project that its latest release's metadata sets."""
    urls = [f"{label}, {url}" for label, url in (metadata.project_urls or {}).items()]
    if metadata.home_page:
        urls.insert(0, f"Homepage, {metadata.home_page}")
    if metadata.download_url:
        urls.append(f"Download, {metadata.download_url}")
    return {
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
        "author": people_names(metadata.author, metadata.author_email),
        "author_email": metadata.author_email or "",
        "maintainer": people_names(metadata.maintainer, metadata.maintainer_email),
        "maintainer_email": metadata.maintainer_email or "",
        "compatibility": plone_compatibility(metadata.classifiers or []),
    }


def apply_release_metadata(
    *,
    release: Release,
    metadata: Metadata,
    description_html: str | None,
) -> None:
    """Store a release's core metadata; the latest release also sets the project's."""
    project = release.aq_parent
    require(permissions.UploadDistribution, project, "change this project")
    fields = release_fields(metadata)
    changed_fields = [
        name for name, value in fields.items() if getattr(release, name, None) != value
    ]
    # Releases are not catalogued (content/base.py NotCatalogued): no reindex.
    for name in changed_fields:
        setattr(release, name, fields[name])
    # The README's changelog section fills an empty changelog; a maintainer's
    # text is never replaced.
    if not (release.changelog or "").strip():
        notes = release_notes(metadata.description or "", release.version)
        if notes:
            release.changelog = notes
    if aq_base(latest_release(project=project)) is not aq_base(release):
        return
    project_changed = update_project(
        project=project, fields=project_fields(metadata, description_html)
    )
    if not project_changed:
        # A new latest release with the same metadata still moves the listing.
        project.reindexObject(idxs=PROJECT_LISTING_INDEXES)


def yank(
    *, release: Release, filename: str | None = None, reason: str = ""
) -> list[Distribution]:
    """Yank (PEP 592) one file, or every file of a release; return them."""
    return _set_yanked(release=release, filename=filename, yanked=True, reason=reason)


def unyank(*, release: Release, filename: str | None = None) -> list[Distribution]:
    """Take back the yank of one file, or of every file of a release."""
    return _set_yanked(release=release, filename=filename, yanked=False, reason="")


def delete_release(*, release: Release) -> None:
    """Delete a release with all its files (journaled by the removal subscribers)."""
    require(
        permissions.ManageReleases,
        release.aq_parent,
        "delete releases of this project",
    )
    remove_content(release)


def _set_yanked(
    *, release: Release, filename: str | None, yanked: bool, reason: str
) -> list[Distribution]:
    project = release.aq_parent
    require(permissions.ManageReleases, project, "yank releases of this project")
    # Its releases are the upstream's, and hold no file here to yank.
    check_not_tracked(project)
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
        center=project.aq_parent,
        project=project.getId(),
        version=release.version,
        filename=filename or "",
        action=journal.YANK if yanked else journal.UNYANK,
        user=current_user_id(),
    )
    # The latest release may be another one now.
    project.reindexObject(idxs=PROJECT_LISTING_INDEXES)
    return targets
