"""The Maintainer role on the sharing page of a project."""

from collective.psc import _
from collective.psc.interfaces import IProject
from collective.psc.permissions import ManageMaintainers
from plone.app.workflow.interfaces import ISharingPageRole
from zope.interface import implementer


@implementer(ISharingPageRole)
class MaintainerRole:
    """Let project owners name maintainers who may upload releases."""

    title = _("title_can_maintain", default="Can upload releases")
    required_permission = ManageMaintainers
    required_interface = IProject
