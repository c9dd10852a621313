"""Upstream files at ``<center>/upstream-files/<name>/<file>``, the report, imports."""

from collective.psc import _
from collective.psc import services
from collective.psc.browser.manage import ManagerView
from collective.psc.exceptions import InvalidName
from collective.psc.exceptions import PSCError
from collective.psc.interfaces import IIndexEndpoint
from collective.psc.interfaces import IProject
from collective.psc.names import normalize_name
from collective.psc.simple.access import refuse_reader
from collective.psc.simple.views import ArchiveIterator
from collective.psc.upstream import imports
from collective.psc.upstream import service
from plone.transformchain.interfaces import DISABLE_TRANSFORM_REQUEST_KEY
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zExceptions import NotFound
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

import json
import transaction


METADATA_SUFFIX = ".metadata"


@implementer(IPublishTraverse, IIndexEndpoint)
class UpstreamFiles(BrowserView):
    """Serve an upstream archive or its .metadata, fetched and verified on first use."""

    def __init__(self, context, request) -> None:
        super().__init__(context, request)
        self.segments: list[str] = []

    def publishTraverse(self, request, name: str) -> "UpstreamFiles":
        """Collect the path below ``upstream-files/``."""
        self.segments.append(name)
        return self

    def __call__(self):
        """Answer the archive or its .metadata; 404 for what the policy hides."""
        refused = refuse_reader(self.context, self.request)
        if refused is not None:
            return refused
        # The first request of a file stores it: no transform may turn that
        # GET into a confirmation page.
        self.request.environ[DISABLE_TRANSFORM_REQUEST_KEY] = True
        if len(self.segments) != 2:
            raise NotFound(self.context, service.FILES_SEGMENT, self.request)
        name, filename = self.segments
        try:
            if normalize_name(name) != name:
                raise InvalidName(name)
        except InvalidName:
            raise NotFound(self.context, name, self.request) from None
        if filename.endswith(METADATA_SUFFIX):
            return self._metadata(name, filename[: -len(METADATA_SUFFIX)])
        try:
            found = service.archive(self.context, name, filename)
        except service.FetchRefused as error:
            return self._bad_gateway(str(error))
        if found is None:
            raise NotFound(self.context, filename, self.request)
        record, stream = found
        response = self.request.response
        response.setHeader("Content-Type", "application/octet-stream")
        response.setHeader(
            "Content-Disposition", f'attachment; filename="{record.filename}"'
        )
        response.setHeader("ETag", f'"{record.sha256}"')
        response.setHeader("Cache-Control", "max-age=31536000, immutable")
        response.setHeader("Content-Length", str(record.size))
        if self.request.method == "HEAD":
            stream.close()
            return b""
        return ArchiveIterator(stream, 0, record.size)

    def HEAD(self):
        """Answer the headers of GET without the body."""
        return self()

    def _metadata(self, name: str, filename: str) -> bytes:
        try:
            body = service.core_metadata(self.context, name, filename)
        except service.FetchRefused as error:
            return self._bad_gateway(str(error))
        if body is None:
            raise NotFound(self.context, filename, self.request)
        response = self.request.response
        response.setHeader("Content-Type", "text/plain; charset=utf-8")
        response.setHeader("Content-Length", str(len(body)))
        return b"" if self.request.method == "HEAD" else body

    def _bad_gateway(self, message: str) -> str:
        response = self.request.response
        response.setStatus(502, reason="Bad Gateway")
        response.setHeader("Content-Type", "text/plain; charset=utf-8")
        return f"{message}\n"


class ConflictsJson(BrowserView):
    """The conflict report as JSON, for Managers."""

    def __call__(self) -> str:
        """Answer the report."""
        self.request.environ[DISABLE_TRANSFORM_REQUEST_KEY] = True
        self.request.response.setHeader("Content-Type", "application/json")
        self.request.response.setHeader("Cache-Control", "no-store")
        return json.dumps(service.conflicts(self.context), indent=2)


class ConflictsPage(BrowserView):
    """The conflict report as a page, for Managers."""

    template = ViewPageTemplateFile("templates/conflicts.pt")

    def __call__(self) -> str:
        """Render the report."""
        self.request.response.setHeader("Cache-Control", "no-store")
        return self.template(report=service.conflicts(self.context))


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
        center = services.get_center(self.context)
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
