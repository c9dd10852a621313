"""Projects: find them, claim a new name, update, delete."""

from Acquisition import aq_base
from collections.abc import Mapping
from collective.psc import _
from collective.psc import journal
from collective.psc import permissions
from collective.psc.constants import PROJECT_LISTING_INDEXES
from collective.psc.constants import PROJECT_TEXT_INDEXES
from collective.psc.constants import PROJECT_TYPE
from collective.psc.constants import RESERVED_NAMES
from collective.psc.exceptions import InvalidName
from collective.psc.exceptions import ProjectNotFound
from collective.psc.exceptions import TrackedUpstream
from collective.psc.names import normalize_name
from collective.psc.services import claims
from collective.psc.services.base import add_content
from collective.psc.services.base import current_user_id
from collective.psc.services.base import record_change
from collective.psc.services.base import remove_content
from collective.psc.services.base import require
from collective.psc.tracked import forget_tracked
from collective.psc.tracked import is_tracked
from collective.psc.types import Center
from collective.psc.types import Project
from OFS.ObjectManager import checkValidId
from plone import api
from plone.dexterity.utils import createContent
from typing import Any
from zExceptions import BadRequest
from zope.component import queryMultiAdapter
from zope.globalrequest import getRequest


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


def check_may_upload(*, center: Center, name: str) -> Project | None:
    """Refuse a user who may not upload a file of a name; return its project if any."""
    project = find_project(center=center, name=name)
    if project is None:
        require(permissions.AddProject, center, f"create the project {name!r}")
    else:
        check_not_tracked(project)
        require(permissions.UploadDistribution, project, "upload to this project")
    return project


def check_not_tracked(project: Project) -> None:
    """Refuse to add releases to a project tracked from upstream, whoever asks.

    Its name is the upstream's: an upload here would make whoever sends it
    the owner of a name that installers get from the upstream. A Manager
    stops tracking the name first (``psc upstream set``, then ``sync``).
    """
    if is_tracked(project):
        raise TrackedUpstream(
            _(
                "The project ${name} is tracked from the upstream index "
                "${index} and installed from there, so nothing can be uploaded "
                "to it here. A Manager can stop tracking it and run 'psc "
                "upstream sync'; then the name can be claimed here.",
                mapping={
                    "name": repr(project.getId()),
                    "index": getattr(project, "upstream_index", "") or "",
                },
            )
        )


def get_or_create_project(
    *,
    center: Center,
    name: str,
    fields: Mapping[str, Any] | None = None,
    with_file: bool = True,
) -> tuple[Project, bool]:
    """Return the project of a name, creating it when it is new and may be claimed.

    ``with_file`` says whether a file comes with the claim (an upload) or not
    (``twine register``); see ``collective.psc.services.claims`` for the policy.
    """
    project = find_project(center=center, name=name)
    if project is not None:
        check_not_tracked(project)
        return project, False
    require(permissions.AddProject, center, f"create the project {name!r}")
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
    user_id = current_user_id()
    claims.check_new_name(
        center=center, name=normalized, user_id=user_id, with_file=with_file
    )
    project = createContent(PROJECT_TYPE, id=normalized, title=name.strip())
    for field, value in (fields or {}).items():
        setattr(project, field, value)
    project = add_content(center, project)
    forget_tracked(center, normalized)
    project.manage_setLocalRoles(user_id, ["Owner"])
    project.changeOwnership(api.user.get_current())
    record_change(
        center=center, project=normalized, action=journal.CREATE_PROJECT, user=user_id
    )
    return project, True


def update_project(*, project: Project, fields: Mapping[str, Any]) -> bool:
    """Set the fields that differ, recording the change; tell whether any did."""
    require(permissions.UploadDistribution, project, "change this project")
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


def delete_project(*, project: Project) -> None:
    """Delete a project with all its releases and files.

    Removing content is journaled, and its archives deleted, by the
    subscribers in ``services/subscribers.py``, whichever page removes it.
    """
    require(permissions.ManageReleases, project, "delete this project")
    remove_content(project)


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
