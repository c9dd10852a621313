"""Refuse cross-site changes made with a browser's cached Basic credentials.

A browser that logged in to a private center with HTTP Basic re-sends those
credentials to the center whenever another site makes it send a request, and
plone.restapi (reached with ``Accept: application/json``, which a cross-site
``fetch`` may set) does not ask for Plone's CSRF token. So a request that
changes something (not GET, HEAD or OPTIONS), carries Basic credentials, is
published below a software center, and says it comes from another site
(``Sec-Fetch-Site``, or an ``Origin`` that is not the site's) is refused.
Clients that are not browsers send neither header and are not affected; the
upload API refuses every browser request on its own (``upload/origin.py``).
"""

from Acquisition import aq_chain
from Acquisition import aq_inner
from collective.psc.interfaces import IIndexEndpoint
from collective.psc.interfaces import ISoftwareCenter
from typing import Any
from urllib.parse import urlsplit
from zExceptions import Forbidden
from ZPublisher.interfaces import IPubAfterTraversal


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OTHER_SITES = frozenset({"cross-site", "same-site"})


def is_cross_site(request: Any) -> bool:
    """Tell whether a browser says the request comes from another site."""
    fetch_site = (request.get_header("Sec-Fetch-Site") or "").strip().lower()
    if fetch_site:
        return fetch_site in OTHER_SITES
    origin = (request.get_header("Origin") or "").strip()
    if not origin:
        return False
    if origin == "null":
        return True
    own = urlsplit(request.get("SERVER_URL") or "")
    theirs = urlsplit(origin)
    return (theirs.scheme, theirs.netloc) != (own.scheme, own.netloc)


def below_center(published: Any) -> bool:
    """Tell whether a published object or view lies in a software center."""
    view = getattr(published, "__self__", published)
    context = getattr(view, "context", view)
    try:
        chain = aq_chain(aq_inner(context))
    except TypeError:
        return False
    return any(ISoftwareCenter.providedBy(item) for item in chain)


def refuse_cross_site_basic(event: IPubAfterTraversal) -> None:
    """Raise Forbidden for a cross-site change sent with Basic credentials."""
    request = event.request
    if request.get("REQUEST_METHOD", "GET").upper() in SAFE_METHODS:
        return
    auth = getattr(request, "_auth", None) or ""
    if not auth.lower().startswith("basic "):
        return
    published = request.get("PUBLISHED")
    view = getattr(published, "__self__", published)
    if IIndexEndpoint.providedBy(view) or not below_center(published):
        return
    if is_cross_site(request):
        raise Forbidden(
            "This change was sent by a web browser from another site with "
            "credentials the browser kept for this index, and is refused. Make "
            "changes from this site's own pages, or with a client that is not a "
            "browser."
        )
