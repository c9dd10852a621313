"""Keep the journal and the archive storage right whoever changes content.

The service layer removes content with Zope's object events, and Plone's own
pages (folder contents, the edit forms, plone.restapi) change content the
same way; these subscribers are the one place where a removal deletes the
archives and a removal or an edit is journaled, so the index pages, their
caches and the mirrors follow either path.
"""

from collective.psc import journal
from collective.psc.constants import PROJECT_LISTING_INDEXES
from collective.psc.services import claims
from collective.psc.services.base import current_user_id
from collective.psc.services.base import get_center
from collective.psc.services.base import record_change
from collective.psc.storage import get_storage
from collective.psc.tracked import forget_tracked
from collective.psc.tracked import is_tracked
from collective.psc.types import Distribution
from collective.psc.types import Project
from collective.psc.types import Release
from typing import Any
from zope.container.interfaces import IContainerModifiedEvent
from zope.lifecycleevent.interfaces import IObjectModifiedEvent
from zope.lifecycleevent.interfaces import IObjectRemovedEvent


def distribution_removed(
    distribution: Distribution, event: IObjectRemovedEvent
) -> None:
    """Delete the archive of a removed file; journal it if it was removed alone."""
    center = get_center(distribution)
    get_storage(distribution.storage).delete(distribution, center=center)
    if event.object is distribution:
        release = event.oldParent
        _record(
            event,
            action=journal.REMOVE_FILE,
            project=release.aq_parent.getId(),
            version=release.version,
            filename=distribution.filename,
        )


def release_removed(release: Release, event: IObjectRemovedEvent) -> None:
    """Journal a release removed on its own (its files were handled each)."""
    if event.object is release:
        project = event.oldParent
        project.reindexObject(idxs=PROJECT_LISTING_INDEXES)
        if is_tracked(project):
            return
        _record(
            event,
            action=journal.REMOVE_RELEASE,
            project=project.getId(),
            version=release.version,
        )


def project_removed(project: Project, event: IObjectRemovedEvent) -> None:
    """Journal a project removed on its own, not with its whole center.

    A tracked upstream project is no index content: its removal is not
    journaled and does not keep its name for its maintainers.
    """
    if event.object is not project:
        return
    if is_tracked(project):
        forget_tracked(event.oldParent, project.getId())
    else:
        claims.remember_deleted(center=event.oldParent, project=project)
        _record(event, action=journal.REMOVE_PROJECT, project=project.getId())


# Adding or removing a child also sends the container an IObjectModifiedEvent
# (IContainerModifiedEvent); the child's own subscriber journals that.


def project_modified(project: Project, event: IObjectModifiedEvent) -> None:
    """Journal an edit of a project's fields, so pages built from it renew."""
    if IContainerModifiedEvent.providedBy(event) or is_tracked(project):
        return
    _record(event, action=journal.UPDATE_PROJECT, project=project.getId())


def release_modified(release: Release, event: IObjectModifiedEvent) -> None:
    """Journal an edit of a release's fields."""
    if IContainerModifiedEvent.providedBy(event) or is_tracked(release.aq_parent):
        return
    _record(
        event,
        action=journal.UPDATE_RELEASE,
        project=release.aq_parent.getId(),
        version=release.version,
    )


def distribution_modified(
    distribution: Distribution, event: IObjectModifiedEvent
) -> None:
    """Journal an edit of a file's fields (its yank state, say)."""
    release = distribution.aq_parent
    _record(
        event,
        action=journal.UPDATE_RELEASE,
        project=release.aq_parent.getId(),
        version=release.version,
        filename=distribution.filename,
    )


def _record(
    event: Any, *, action: str, project: str, version: str = "", filename: str = ""
) -> None:
    context = getattr(event, "oldParent", None) or event.object
    record_change(
        center=get_center(context),
        user=current_user_id(),
        action=action,
        project=project,
        version=version,
        filename=filename,
    )
