"""The container base class of centers, projects and releases."""

from collective.psc.interfaces import IMissingNames
from OFS.event import ObjectWillBeAddedEvent
from plone.dexterity.content import Container
from typing import Any
from zope.component import queryMultiAdapter
from zope.event import notify
from zope.lifecycleevent import ObjectAddedEvent
from ZPublisher.BaseRequest import UseTraversalDefault


class UnorderedContainer(Container):
    """A BTree container whose children can be added concurrently.

    Two things make Plone folders conflict when two transactions add children
    at once: the order list of an ordered folder, and the container-modified
    event, which reindexes the container and so rewrites its modification
    date. Centers, projects and releases are unordered and are not rewritten
    when a child is added; the child is indexed as usual.
    """

    _ordering = "unordered"

    def __bobo_traverse__(self, request: Any, name: str) -> Any:
        """Let a registered IMissingNames adapter answer names that are not here."""
        names = queryMultiAdapter((self, request), IMissingNames)
        found = None if names is None else names.placeholder(name)
        if found is None:
            raise UseTraversalDefault
        return found

    def _setObject(
        self,
        id: str,
        object: Any,
        roles: Any = None,
        user: Any = None,
        set_owner: int = 1,
        suppress_events: bool = False,
    ) -> str:
        """Add a child, sending the added events but not container-modified."""
        if not suppress_events:
            notify(ObjectWillBeAddedEvent(object, self, id))
        id = super()._setObject(
            id, object, roles, user, set_owner, suppress_events=True
        )
        if not suppress_events:
            notify(ObjectAddedEvent(self._getOb(id), self, id))
        return id


class NotCatalogued:
    """Keep releases and distribution files out of the portal catalog.

    They are reached through their project, and the journal records when
    they came. Cataloguing them would triple the work of an upload and make
    concurrent uploads conflict on the entries their names and versions
    share. Their permissions come from the center, so no security index is
    needed either.
    """

    def indexObject(self) -> None:
        """Stay out of the catalog."""

    def reindexObject(self, idxs: list[str] | None = None, **kwargs: Any) -> None:
        """Stay out of the catalog."""

    def reindexObjectSecurity(self, skip_self: bool = False) -> None:
        """Stay out of the catalog."""

    def unindexObject(self) -> None:
        """Nothing to remove: the object was never catalogued."""
