"""What every service module needs: the user, permission checks, the journal."""

from Acquisition import aq_chain
from Acquisition import aq_inner
from collective.psc.events import CenterChangedEvent
from collective.psc.exceptions import Forbidden
from collective.psc.interfaces import ISoftwareCenter
from collective.psc.types import Center
from plone import api
from plone.dexterity.interfaces import IDexterityFTI
from typing import Any
from typing import cast
from zope.component import getUtility
from zope.event import notify


def get_center(context: Any) -> Center:
    """Return the software center that holds a context (or is it)."""
    for obj in aq_chain(aq_inner(context)):
        if ISoftwareCenter.providedBy(obj):
            return cast(Center, obj)
    raise LookupError(f"{context!r} is not inside a software center.")


def current_user_id() -> str:
    """Return the id of the user the request runs as."""
    user = api.user.get_current()
    return user.getId() or user.getUserName()


def require(permission: str, context: Any, what: str) -> None:
    """Raise Forbidden, naming the user and what they tried, without the permission."""
    if not api.user.has_permission(permission, obj=context):
        user = api.user.get_current().getUserName()
        raise Forbidden(f"User {user!r} is not allowed to {what}.")


def record_change(
    *,
    center: Center,
    project: str,
    action: str,
    version: str = "",
    filename: str = "",
    user: str = "",
) -> None:
    """Append a change to the center's journal and tell the subscribers."""
    center.journal.append(
        project=project, action=action, version=version, filename=filename, user=user
    )
    notify(CenterChangedEvent(center))


def add_content(
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
        require(permission, container, f"add a {fti.Title()} here")
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


def remove_content(content: Any) -> None:
    """Remove content with Zope's events; the caller checked Manage Releases.

    Plone's manage_delObjects would also ask for Delete objects, which
    Maintainers do not have.
    """
    content.aq_parent._delObject(content.getId())
