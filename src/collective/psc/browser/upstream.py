"""The upstream conflict report and the release import form."""

from collective.psc import _
from collective.psc.browser.manage import ManagerView
from collective.psc.exceptions import PSCError
from collective.psc.interfaces import IProject
from collective.psc.services import base
from collective.psc.upstream import imports
from collective.psc.upstream import proxy
from plone.transformchain.interfaces import DISABLE_TRANSFORM_REQUEST_KEY
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile

import json
import transaction


class ConflictsJson(BrowserView):
    """The conflict report as JSON, for Managers."""

    def __call__(self) -> str:
        """Answer the report."""
        self.request.environ[DISABLE_TRANSFORM_REQUEST_KEY] = True
        self.request.response.setHeader("Content-Type", "application/json")
        self.request.response.setHeader("Cache-Control", "no-store")
        return json.dumps(proxy.conflicts(self.context), indent=2)


class ConflictsPage(BrowserView):
    """The conflict report as a page, for Managers."""

    template = ViewPageTemplateFile("templates/conflicts.pt")

    def __call__(self) -> str:
        """Render the report."""
        self.request.response.setHeader("Cache-Control", "no-store")
        return self.template(report=proxy.conflicts(self.context))


class ImportRelease(ManagerView):
    """Import a release from an upstream, or a file URL with its sha256: a form."""

    actions = {"form.import": "import_release"}

    def project_name(self) -> str | None:
        """Return the name of the page's project, or None on a center."""
        return self.context.display_name if IProject.providedBy(self.context) else None

    def import_release(self) -> tuple[str, str]:
        """Import what the form names; on any failure keep nothing of it."""
        spec = self.field("spec")
        name = self.project_name()
        if name and "://" not in spec and "==" not in spec:
            spec = f"{name}=={spec}"
        center = base.get_center(self.context)
        try:
            stored = imports.import_spec(center=center, spec=spec)
        except PSCError:
            transaction.doom()
            raise
        if not stored:
            return (
                _("msg_import_nothing", default="Every file is here already."),
                self.request.getURL(),
            )
        filenames = ", ".join(distribution.filename for distribution in stored)
        return (
            _(
                "msg_imported",
                default="Imported ${files}.",
                mapping={"files": filenames},
            ),
            stored[0].aq_parent.absolute_url(),
        )
