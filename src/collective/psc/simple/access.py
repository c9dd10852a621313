"""Who may read an index: answer installers with 401 + Basic, not a login page."""

from AccessControl import getSecurityManager
from plone import api
from typing import Any


REALM = 'Basic realm="pypi"'


def refuse_reader(center: Any, request: Any) -> str | None:
    """Return the body of a 401/403 when the user may not read the center, else None.

    pip and uv send credentials only after a ``401`` with a Basic challenge,
    so a private center must not answer anonymous installers with Plone's
    login form.
    """
    if getSecurityManager().checkPermission("View", center):
        return None
    response = request.response
    response.setHeader("Content-Type", "text/plain; charset=utf-8")
    if api.user.is_anonymous():
        response.setStatus(401, reason="Authentication required")
        response.setHeader("WWW-Authenticate", REALM)
        return (
            "This index is private: log in with your username and password or "
            "an API token.\n"
        )
    response.setStatus(403, reason="Forbidden")
    return "You may not read this index.\n"
