"""Requests for a center's index views skip the site's language and theme set-up.

When a request enters the Plone site, the site fires its before-traverse
event and Plone negotiates the language and prepares the theme, for every
request: about a fifth of the time of a simple page or a download. The index
views (the simple pages, archives, the JSON API, find-links, uploads) are
machine pages in English that are never themed, so that work is wasted on
them.

Which requests are index requests is decided on objects, not on the URL:
when the site is entered, the next name must be a software center in the
site and the name after it one of that center's views marked
``IIndexEndpoint``. Nothing else changes: Zope still traverses to the view
and checks the permissions on it, plone.protect still runs. A center in a
folder below the site takes Plone's usual path.

Both skips are adapters for the add-on's browser layer: a language
negotiation that answers English at once, and a theming policy that says
the theme is off.
"""

from Acquisition import aq_base
from collective.psc.interfaces import IIndexEndpoint
from collective.psc.interfaces import ISoftwareCenter
from plone.app.theming.policy import ThemingPolicy
from plone.i18n.interfaces import INegotiateLanguage
from plone.i18n.negotiate.negotiate import NegotiateLanguage
from typing import Any
from zope.component import getSiteManager
from zope.component.hooks import getSite
from zope.interface import implementer
from zope.interface import Interface
from zope.interface import providedBy


# Where the decision is kept in the request, once made.
DECISION_KEY = "collective.psc.index_request"
LANGUAGE = "en"


def is_index_request(site: Any, request: Any) -> bool:
    """Tell whether a request entering the site goes to a center's index view."""
    other = getattr(request, "other", None)
    if other is None or site is None:
        # Not in a site yet: nothing to decide, and nothing to remember.
        return False
    decision = other.get(DECISION_KEY)
    if decision is None:
        decision = _decide(site, request)
        other[DECISION_KEY] = decision
    return decision


def _decide(site: Any, request: Any) -> bool:
    names = next_names(request, 2)
    if len(names) < 2:
        return False
    center_id, view_name = names[0], names[1].removeprefix("@@")
    getter = getattr(aq_base(site), "_getOb", None)
    center = getter(center_id, None) if getter is not None else None
    if not ISoftwareCenter.providedBy(center):
        return False
    # A content item of that name would be traversed before the view.
    if _child(center, view_name) is not None:
        return False
    factory = getSiteManager().adapters.lookup(
        (providedBy(center), providedBy(request)), Interface, name=view_name
    )
    return factory is not None and IIndexEndpoint.implementedBy(factory)


def _child(container: Any, name: str) -> Any:
    return container.get(name)


def next_names(request: Any, count: int) -> list[str]:
    """Return the next names traversal takes, past a virtual host's root.

    The virtual host monster puts its id and a name starting with ``/`` on
    the stack where ``VirtualHostRoot`` was; traversing them sets the
    virtual root and stays on the same object.
    """
    stack = request.get("TraversalRequestNameStack") or ()
    virtual = request.get("VIRTUAL_URL_PARTS") is not None
    names: list[str] = []
    index = len(stack) - 1
    while index >= 0 and len(names) < count:
        if virtual and index >= 1 and stack[index - 1][:1] == "/":
            index -= 2
            continue
        names.append(stack[index])
        index -= 1
    return names


@implementer(INegotiateLanguage)
class IndexLanguage:
    """The language of an index page: English, without asking anything."""

    language = LANGUAGE
    default_language = LANGUAGE

    def __init__(self) -> None:
        self.language_list = [LANGUAGE]


def negotiate_language(site: Any, request: Any) -> INegotiateLanguage:
    """Negotiate as Plone does, except for a request to an index view."""
    if is_index_request(site, request):
        return IndexLanguage()
    return NegotiateLanguage(site, request)


class IndexThemingPolicy(ThemingPolicy):
    """Plone's theming policy, with the theme off for requests to index views."""

    def isThemeEnabled(self, settings: Any = None) -> bool:
        """Tell whether the theme applies: never to an index view."""
        if is_index_request(getSite(), self.request):
            return False
        return super().isThemeEnabled(settings)
