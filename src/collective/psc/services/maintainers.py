"""Maintainers: the users with the Owner or Maintainer role on a project."""

from collective.psc import _
from collective.psc import permissions
from collective.psc.constants import MAINTAINER_ROLES
from collective.psc.exceptions import UserNotFound
from collective.psc.services.base import require
from collective.psc.types import Project
from plone import api


def list_maintainers(*, project: Project) -> dict[str, list[str]]:
    """Return the users with the Owner or Maintainer role on a project."""
    return {
        user_id: sorted(set(roles) & MAINTAINER_ROLES)
        for user_id, roles in project.get_local_roles()
        if set(roles) & MAINTAINER_ROLES
    }


def add_maintainer(*, project: Project, user_id: str) -> None:
    """Give a user the Maintainer role on a project."""
    require(
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
    require(
        permissions.ManageMaintainers, project, "manage maintainers of this project"
    )
    roles = set(project.get_local_roles_for_userid(user_id)) - {"Maintainer"}
    if roles:
        project.manage_setLocalRoles(user_id, sorted(roles))
    else:
        project.manage_delLocalRoles([user_id])
    project.reindexObjectSecurity()
