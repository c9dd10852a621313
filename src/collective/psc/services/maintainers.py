"""Maintainers: the users with the Owner or Maintainer role on a project."""

from collective.psc import _
from collective.psc import permissions
from collective.psc.constants import MAINTAINER_ROLES
from collective.psc.exceptions import UserNotFound
from collective.psc.services.base import require
from collective.psc.services.projects import check_not_tracked
from collective.psc.types import Project
from plone import api


def list_maintainers(*, project: Project) -> dict[str, list[str]]:
    """Return the users with the Owner or Maintainer role on a project."""
    return {
        user_id: sorted(set(roles) & MAINTAINER_ROLES)
        for user_id, roles in project.get_local_roles()
        if set(roles) & MAINTAINER_ROLES
    }


# A user search needs this many characters and shows at most this many users.
MIN_SEARCH = 3
MAX_FOUND = 20


def find_users(*, project: Project, text: str) -> list[dict[str, str]]:
    """Return the users whose id, login or full name contains a text (3+ letters).

    Only who may manage the project's maintainers may search; e-mail
    addresses are neither searched nor returned.
    """
    require(
        permissions.ManageMaintainers, project, "manage maintainers of this project"
    )
    text = text.strip()
    if len(text) < MIN_SEARCH:
        return []
    acl_users = api.portal.get_tool("acl_users")
    found: dict[str, dict[str, str]] = {}
    for field in ("id", "login", "fullname"):
        for user in acl_users.searchUsers(**{field: text}):
            user_id = user.get("userid") or user.get("id")
            if user_id and user_id not in found:
                member = api.user.get(userid=user_id)
                fullname = member.getProperty("fullname", "") if member else ""
                found[user_id] = {"id": user_id, "fullname": fullname or ""}
    return sorted(found.values(), key=lambda user: user["id"].lower())[:MAX_FOUND]


def resolve_user_id(user_id: str) -> str | None:
    """Return the id of the user an id or login names, in any letter case."""
    text = user_id.strip()
    if not text:
        return None
    user = api.user.get(userid=text) or api.user.get(username=text)
    if user is not None:
        return user.getId()
    acl_users = api.portal.get_tool("acl_users")
    for field in ("id", "login"):
        for found in acl_users.searchUsers(**{field: text}):
            name = found.get(field) or ""
            if name.lower() == text.lower():
                return found.get("userid") or found.get("id")
    return None


def add_maintainer(*, project: Project, user_id: str) -> None:
    """Give a user (named by id or login, in any case) the Maintainer role."""
    require(
        permissions.ManageMaintainers, project, "manage maintainers of this project"
    )
    # Nobody maintains an upstream project here: nothing can be uploaded to it.
    check_not_tracked(project)
    resolved = resolve_user_id(user_id)
    if resolved is None:
        raise UserNotFound(
            _("There is no user ${user_id}.", mapping={"user_id": repr(user_id)})
        )
    user_id = resolved
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
