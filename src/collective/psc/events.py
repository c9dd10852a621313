"""Events of collective.psc; a leaf module that any layer may import."""

from collective.psc.interfaces import ICenterChangedEvent
from zope.interface import implementer
from zope.interface.interfaces import ObjectEvent


@implementer(ICenterChangedEvent)
class CenterChangedEvent(ObjectEvent):
    """A change of a center was recorded in its journal."""
