"""``GET <project>/@psc-project``: the data of a project's page, in one request."""

from collective.psc.interfaces import IProject
from collective.psc.restapi import data
from collective.psc.services import base
from plone.restapi.interfaces import IExpandableElement
from plone.restapi.services import Service
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface


NAME = "psc-project"


@implementer(IExpandableElement)
@adapter(IProject, Interface)
class ProjectPage:
    """The page data of a project, also as ``?expand=psc-project``."""

    def __init__(self, context, request) -> None:
        self.context = context
        self.request = request

    def __call__(self, expand: bool = False) -> dict:
        """Return the link to the data, or the data itself when expanded."""
        result = {NAME: {"@id": f"{self.context.absolute_url()}/@{NAME}"}}
        if not expand:
            return result
        # Not cached by serial as the index pages are: edits made in Plone's
        # forms (summary, URLs) change the page without a journal entry.
        center_url = base.get_center(self.context).absolute_url()
        result[NAME].update(data.project_page(self.context, center_url=center_url))
        return result


class ProjectPageGet(Service):
    """Answer the page data of a project."""

    def reply(self) -> dict:
        """Return the expanded page data."""
        return ProjectPage(self.context, self.request)(expand=True)[NAME]
