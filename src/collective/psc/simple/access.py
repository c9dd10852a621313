"""Who may read an index, and how: 401 + Basic for installers, 405 for other methods."""

from AccessControl import getSecurityManager
from plone import api
from typing import Any


REALM = 'Basic realm="pypi"'
#: The methods of every read-only index view.
READ_METHODS = ("GET", "HEAD")
ALLOW = ", ".join((*READ_METHODS, "OPTIONS"))


def refuse_method(request: Any) -> str | None:
    """Return the body of a 405 (or 204 for OPTIONS) for a method that only reads."""
    method = request.get("REQUEST_METHOD", "GET").upper()
    if method in READ_METHODS:
        return None
    response = request.response
    response.setHeader("Allow", ALLOW)
    if method == "OPTIONS":
        response.setStatus(204)
        return ""
    sentence = (
        f"This URL of the index is read-only: it answers {ALLOW}, not {method}. "
        "Upload with twine or uv publish to the legacy/ URL."
    )
    response.setStatus(405, reason="Method Not Allowed")
    response.setHeader("Content-Type", "text/plain; charset=utf-8")
    return f"{sentence}\n"


def refuse_reader(center: Any, request: Any) -> str | None:
    """Return the body of a 401/403 when the user may not read the center, else None.

    pip and uv send credentials only after a ``401`` with a Basic challenge,
    so a private center must not answer anonymous installers with Plone's
    login form. A method other than GET and HEAD is refused first (405).
    """
    wrong_method = refuse_method(request)
    if wrong_method is not None:
        return wrong_method
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
