"""The software center: a folder of projects that is a package index."""

from BTrees.OOBTree import OOBTree
from collective.psc import _
from collective.psc.content.base import UnorderedContainer
from collective.psc.interfaces import ISoftwareCenter
from collective.psc.journal import Journal
from plone.supermodel import model
from zope import schema
from zope.interface import implementer


class ISoftwareCenterSchema(model.Schema):
    """Fields of a software center."""

    storage = schema.Choice(
        title=_("Archive storage"),
        description=_(
            "Where the archives of new distribution files are kept. Existing files "
            "stay where they are until they are migrated."
        ),
        vocabulary="collective.psc.ArchiveStorages",
        default="blob",
        required=True,
    )
    upload_size_limit = schema.Int(
        title=_("Upload size limit (MiB)"),
        description=_("The largest distribution file this index accepts."),
        default=100,
        min=1,
        required=True,
    )


@implementer(ISoftwareCenter, ISoftwareCenterSchema)
class SoftwareCenter(UnorderedContainer):
    """A folder of projects that is a Python package index."""

    def __init__(self, id: str | None = None, **kwargs) -> None:
        super().__init__(id, **kwargs)
        self.journal = Journal()
        # Every filename ever uploaded, mapped to its project: a filename is
        # never reused, even after the file was deleted (as on PyPI).
        self.filenames = OOBTree()
