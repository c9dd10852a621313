"""Give a new center the site's current defaults, to keep from then on."""

from Acquisition import aq_base
from collective.psc.types import Center
from zope.lifecycleevent.interfaces import IObjectAddedEvent


# Fields whose default comes from the registry (``defaultFactory``).
SITE_DEFAULT_FIELDS = ("storage", "upload_size_limit")


def store_site_defaults(center: Center, event: IObjectAddedEvent) -> None:
    """Store the registry defaults on a center that did not set its own.

    Without this, a center made without these fields (``api.content.create``,
    the ``psc`` command) would read the registry on every access and change
    its storage or size limit whenever the site default changes.
    """
    stored = aq_base(center).__dict__
    for name in SITE_DEFAULT_FIELDS:
        if name not in stored:
            setattr(center, name, getattr(center, name))
