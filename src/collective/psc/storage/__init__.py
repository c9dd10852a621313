"""Archive storage strategies and the lookup of a center's strategy."""

from collective.psc.exceptions import StorageNotFound
from collective.psc.interfaces import IArchiveStorage
from zope.component import getUtilitiesFor
from zope.component import queryUtility


DEFAULT_STORAGE = "blob"


def get_storage(name: str) -> IArchiveStorage:
    """Return the storage strategy registered under a name."""
    storage = queryUtility(IArchiveStorage, name=name)
    if storage is None:
        raise StorageNotFound(
            f"No archive storage named {name!r} is registered; "
            f"known: {', '.join(storage_names())}."
        )
    return storage


def storage_names() -> list[str]:
    """Return the names of the registered storage strategies."""
    return sorted(name for name, _utility in getUtilitiesFor(IArchiveStorage))
