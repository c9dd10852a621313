"""Answer a missing name below a center as its neighbours are answered.

Zope traverses before it knows the user: a name that exists reaches the
security check (a private center answers ``401`` or the login page), while a
missing name used to raise ``NotFound`` during traversal, so anyone could
tell which projects and versions a private center holds. A miss below a
center, a project or a release now returns a placeholder that asks for the
``View`` permission of its container, and a view name below a placeholder
is guarded as the real view would be (a public index or feed view refuses
non-readers with ``401``): users who may not read are answered exactly as for
an existing name, and readers get the ``404``.

A miss that is another spelling of an existing project name (PEP 503) or
release version (PEP 440) is not a miss: readers are sent with ``301`` to
the canonical URL, the rest of the path and the query string kept, as the
simple index does; non-readers are answered as for any name.
"""

from AccessControl.PermissionRole import rolesForPermissionOn
from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import Implicit
from collective.psc.exceptions import InvalidName
from collective.psc.exceptions import InvalidVersion
from collective.psc.interfaces import IDistributionFile
from collective.psc.interfaces import IMissingNames
from collective.psc.interfaces import IProject
from collective.psc.interfaces import IRelease
from collective.psc.interfaces import ISoftwareCenter
from collective.psc.services import projects
from collective.psc.services import releases
from collective.psc.simple.access import refuse_reader
from plone.dexterity.browser.traversal import DexterityPublishTraverse
from Products.CMFCore.interfaces import IContentish
from typing import Any
from zExceptions import NotFound
from zope.component import getSiteManager
from zope.component import queryMultiAdapter
from zope.interface import implementer
from zope.interface import Interface
from zope.interface import providedBy
from zope.traversing.interfaces import ITraversable


#: Requests whose misses are hidden; WebDAV methods keep Zope's traversal.
HIDDEN_METHODS = frozenset({"GET", "HEAD", "POST"})
#: What a missing name below each container would have been.
CHILDREN = (
    (ISoftwareCenter, IProject),
    (IProject, IRelease),
    (IRelease, IDistributionFile),
)


class IMissing(Interface):
    """A placeholder for a name that is not there."""


@implementer(IMissing)
class Missing(Implicit):
    """Stands for a name that is not there; readers get Not Found."""

    def __init__(
        self, name: str, roles: tuple[str, ...] | None, kind: type | None
    ) -> None:
        self.__name__ = name
        self.__roles__ = roles
        self.kind = kind

    def __bobo_traverse__(self, request: Any, name: str) -> "Missing":
        """Stay missing below a missing name."""
        return Missing(name, self.__roles__, None).__of__(self)

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        """Answer Not Found to a user who passed the security check."""
        raise NotFound(self.__name__)

    def HEAD(self, *args: Any, **kwargs: Any) -> str:
        """Answer Not Found to HEAD as to GET."""
        return self()


class MissingPublicView(Missing):
    """Stands for a public view (a feed) of a missing object."""

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        """Refuse non-readers as the view would, then answer Not Found."""
        refused = refuse_reader(self.aq_parent, self.REQUEST)
        if refused is not None:
            return refused
        raise NotFound(self.__name__)


class Moved(Missing):
    """Stands for another spelling of a name; readers are sent to the real one."""

    def __init__(
        self, name: str, roles: tuple[str, ...] | None, url: str, target: Any = None
    ) -> None:
        super().__init__(name, roles, None)
        self.url = url
        self.target = target

    def __bobo_traverse__(self, request: Any, name: str) -> "Moved":
        """Carry the rest of the path over, itself made canonical where it can be."""
        target = self.target
        child = None
        if target is not None:
            child = target.get(name) if hasattr(target, "get") else None
            child = child if child is not None else canonical_child(target, name)
        if child is not None:
            return Moved(name, self.__roles__, child.absolute_url(), child).__of__(self)
        return Moved(name, self.__roles__, f"{self.url}/{name}").__of__(self)

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        """Redirect permanently to the canonical URL, query string kept."""
        request = self.REQUEST
        query = request.get("QUERY_STRING", "")
        url = f"{self.url}?{query}" if query else self.url
        request.response.redirect(url, status=301, lock=True)
        return ""


def canonical_child(context: Any, name: str) -> Any:
    """Return the child a name spells otherwise (project, release), or None."""
    # The content object itself, not the interface mypy-zope narrows it to.
    container: Any = context
    try:
        if ISoftwareCenter.providedBy(context):
            found = projects.find_project(center=container, name=name)
        elif IProject.providedBy(context):
            found = releases.find_release(project=container, version=name)
        else:
            return None
    except (InvalidName, InvalidVersion):
        return None
    if found is None or found.getId() == name:
        return None
    return found


@implementer(ITraversable)
class MissingViews:
    """Guard ``@@name`` below a missing name as the real view is guarded."""

    def __init__(self, context: Missing, request: Any = None) -> None:
        self.context = context
        self.request = request

    def traverse(self, name: str, furtherPath: list[str]) -> Missing:
        """Return a placeholder for the view, public if the real view is."""
        missing = self.context
        if isinstance(missing, Moved):
            return Moved(name, missing.__roles__, f"{missing.url}/@@{name}").__of__(
                missing
            )
        factory = None
        if missing.kind is not None and self.request is not None:
            factory = getSiteManager().adapters.lookup(
                (missing.kind, providedBy(self.request)), Interface, name
            )
        if factory is not None and getattr(factory, "__call____roles__", ()) is None:
            return MissingPublicView(name, None, None).__of__(missing)
        return Missing(name, missing.__roles__, None).__of__(missing)


@implementer(IContentish)
class MissingContent(Missing):
    """A placeholder that plone.rest traverses like content."""


@implementer(IMissingNames)
class RestMissingNames:
    """Hide missing names from REST requests, which bypass the page traverser."""

    def __init__(self, context: Any, request: Any) -> None:
        self.context = context
        self.request = request

    def placeholder(self, name: str) -> Missing | None:
        """Return a guarded placeholder for a name nothing else answers, or None."""
        request = self.request
        if request.get("PUBLISHED") is not None or not _hides(request):
            return None
        context = aq_inner(self.context)
        if hasattr(aq_base(context), name) or context.get(name) is not None:
            return None
        service_id = getattr(request, "_rest_service_id", "")
        for view_name in (name, f"{service_id}{name}"):
            if queryMultiAdapter((context, request), name=view_name) is not None:
                return None
        if getattr(context, name, None) is not None:
            return None
        return _missing(MissingContent, name, context)


class HidingTraverser(DexterityPublishTraverse):
    """Traverse a center, project or release; hide which names are missing."""

    def publishTraverse(self, request: Any, name: str) -> Any:
        """Return the named object, or a placeholder guarded like the container."""
        try:
            return super().publishTraverse(request, name)
        except (NotFound, AttributeError, KeyError):
            if not _hides(request):
                raise
            context = aq_inner(self.context)
            found = canonical_child(context, name)
            if found is not None:
                roles = tuple(rolesForPermissionOn("View", context))
                return Moved(name, roles, found.absolute_url(), found).__of__(context)
            return _missing(Missing, name, context)


def _hides(request: Any) -> bool:
    return request.get("REQUEST_METHOD", "GET").upper() in HIDDEN_METHODS


def _missing(factory: type[Missing], name: str, context: Any) -> Missing:
    roles = tuple(rolesForPermissionOn("View", context))
    kind = next(
        (child for parent, child in CHILDREN if parent.providedBy(context)), None
    )
    return factory(name, roles, kind).__of__(context)
