"""Delete a user's API tokens with the user, so a new account of that id gets none."""

from collective.psc.tokens.store import delete_user_tokens
from plone import api
from Products.PluggableAuthService.interfaces.events import IPrincipalDeletedEvent

import logging


logger = logging.getLogger(__name__)
CENTER_TYPE = "SoftwareCenter"


def principal_deleted(event: IPrincipalDeletedEvent) -> None:
    """Delete the tokens of a deleted user in every center of the site."""
    principal = event.principal
    user_id = principal if isinstance(principal, str) else principal.getId()
    try:
        catalog = api.portal.get_tool("portal_catalog")
    except api.exc.CannotGetPortalError:
        return
    for brain in catalog.unrestrictedSearchResults(portal_type=CENTER_TYPE):
        center = brain._unrestrictedGetObject()
        count = delete_user_tokens(center=center, user_id=user_id)
        if count:
            logger.info(
                "Deleted %d API token(s) of the deleted user %r in %s",
                count,
                user_id,
                "/".join(center.getPhysicalPath()),
            )
