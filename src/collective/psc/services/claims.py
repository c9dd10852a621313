"""Who may claim a project name: the policy for new, deleted and reserved names.

- A new name is claimed by the first upload of a file, as on PyPI. Claiming
  a name without a file (``twine register`` of a new project) needs the
  permission "collective.psc: Register Project Names", which only Managers
  and Site Administrators have by default.
- The name of a deleted project stays with the users who maintained it: only
  they, or a user with that permission, may claim it again, so nobody else can
  take over a name that installers already know.
- Names matching one of the center's reserved patterns (``acme-*``) are claimed
  only by a user with that permission.
"""

from AccessControl import getSecurityManager
from Acquisition import aq_base
from BTrees.OOBTree import OOBTree
from collective.psc.constants import MAINTAINER_ROLES
from collective.psc.exceptions import Forbidden
from collective.psc.permissions import RegisterProjectNames
from collective.psc.types import Center
from collective.psc.types import Project
from datetime import datetime
from datetime import UTC
from fnmatch import fnmatchcase


STORAGE_ATTRIBUTE = "_psc_deleted_names"


def may_register_names(center: Center) -> bool:
    """Tell whether the current user may claim names without files or reserved ones."""
    return bool(getSecurityManager().checkPermission(RegisterProjectNames, center))


def check_new_name(
    *, center: Center, name: str, user_id: str, with_file: bool = True
) -> None:
    """Refuse the claim of a new, normalized project name that the policy forbids."""
    if may_register_names(center):
        return
    if not with_file:
        raise Forbidden(
            f"Registering the new name {name!r} without a file needs a Manager; "
            "upload the project's first file instead (twine upload or uv "
            "publish), which claims the name."
        )
    pattern = reserved_pattern(center=center, name=name)
    if pattern is not None:
        raise Forbidden(
            f"The name {name!r} is reserved in this index (pattern {pattern!r}); "
            "ask a Manager to create the project and make you a maintainer."
        )
    deleted = deleted_name(center=center, name=name)
    if deleted is not None and user_id not in deleted["users"]:
        raise Forbidden(
            f"The name {name!r} belonged to a project that was deleted; only its "
            "former maintainers or a Manager may claim it again."
        )


def reserved_pattern(*, center: Center, name: str) -> str | None:
    """Return the first reserved pattern of the center that a name matches, or None."""
    for pattern in getattr(center, "reserved_names", None) or ():
        if fnmatchcase(name, pattern.strip().lower()):
            return pattern
    return None


def remember_deleted(*, center: Center, project: Project) -> None:
    """Keep the name of a deleted project with the users who maintained it."""
    names = _deleted_names(center)
    if names is None:
        names = OOBTree()
        setattr(center, STORAGE_ATTRIBUTE, names)
    users = sorted(
        user_id
        for user_id, roles in project.get_local_roles()
        if MAINTAINER_ROLES & set(roles)
    )
    names[project.getId()] = {"users": tuple(users), "deleted": datetime.now(UTC)}


def deleted_name(*, center: Center, name: str) -> dict | None:
    """Return what the center remembers of a deleted project's name, or None."""
    names = _deleted_names(center)
    return None if names is None else names.get(name)


def _deleted_names(center: Center) -> OOBTree | None:
    return getattr(aq_base(center), STORAGE_ATTRIBUTE, None)
