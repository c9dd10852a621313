"""The software center: a folder of projects that is a package index."""

from Acquisition import aq_base
from BTrees.OOBTree import OOBTree
from collective.psc import _
from collective.psc.content.base import UnorderedContainer
from collective.psc.controlpanel import settings
from collective.psc.exceptions import PSCError
from collective.psc.interfaces import ISoftwareCenter
from collective.psc.journal import Journal
from collective.psc.names import valid_name_pattern
from collective.psc.storage import get_storage
from plone.supermodel import model
from typing import Any
from zope import schema
from zope.interface import implementer
from zope.interface import Invalid
from zope.interface import invariant
from zope.lifecycleevent.interfaces import IObjectAddedEvent


class ISoftwareCenterSchema(model.Schema):
    """Fields of a software center."""

    storage = schema.Choice(
        title=_("Archive storage"),
        description=_(
            "Where the archives of new distribution files are kept. Existing files "
            "stay where they are until they are migrated."
        ),
        vocabulary="collective.psc.ArchiveStorages",
        defaultFactory=settings.default_storage,
        required=True,
    )
    storage_path = schema.TextLine(
        title=_("Archive directory"),
        description=_(
            "For the 'filesystem' storage: the directory that keeps the archives, "
            "absolute or relative to the instance's var directory. It must exist "
            "and be writable; give each center a directory of its own."
        ),
        required=False,
    )
    upload_size_limit = schema.Int(
        title=_("Upload size limit (MiB)"),
        description=_("The largest distribution file this index accepts."),
        defaultFactory=settings.default_upload_size_limit,
        min=1,
        required=True,
    )

    reserved_names = schema.List(
        title=_("Reserved names"),
        description=_(
            "Patterns of project names that only Managers may claim, one a line, "
            "with * and ? as wildcards (for example acme-*). Names are compared "
            "in their normalized form: lower case, runs of '.', '_' and '-' as "
            "one '-'."
        ),
        value_type=schema.TextLine(constraint=valid_name_pattern),
        required=False,
        default=[],
    )

    @invariant
    def storage_usable(data: Any) -> None:
        """Refuse a storage strategy that cannot work with these settings."""
        try:
            get_storage(data.storage).check(data)
        except PSCError as error:
            raise Invalid(error.message) from None


# plone.supermodel has no type information: mypy-zope cannot see that
# the schema is an interface.
@implementer(ISoftwareCenter, ISoftwareCenterSchema)  # type: ignore[misc]
class SoftwareCenter(UnorderedContainer):
    """A folder of projects that is a Python package index."""

    def __init__(self, id: str | None = None, **kwargs) -> None:
        super().__init__(id, **kwargs)
        self.journal = Journal()
        # Every filename ever uploaded, mapped to its project: a filename is
        # never reused, even after the file was deleted (as on PyPI).
        self.filenames = OOBTree()


# Fields whose default comes from the registry (``defaultFactory``).
SITE_DEFAULT_FIELDS = ("storage", "upload_size_limit")


def store_site_defaults(center: SoftwareCenter, event: IObjectAddedEvent) -> None:
    """Store the registry defaults on a center that did not set its own.

    Without this, a center made without these fields (``api.content.create``,
    the ``psc`` command) would read the registry on every access and change
    its storage or size limit whenever the site default changes.
    """
    stored = aq_base(center).__dict__
    for name in SITE_DEFAULT_FIELDS:
        if name not in stored:
            setattr(center, name, getattr(center, name))
