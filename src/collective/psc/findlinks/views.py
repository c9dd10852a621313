"""Serve the flat find-links pages: ``<center>/links/`` and one per project."""

from collective.psc.exceptions import InvalidName
from collective.psc.findlinks import data
from collective.psc.names import normalize_name
from collective.psc.simple.access import refuse_reader
from collective.psc.simple.views import answer_revalidation
from collective.psc.simple.views import PAGES
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zExceptions import NotFound
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse


HTML = "text/html; charset=utf-8"


@implementer(IPublishTraverse)
class FindLinks(BrowserView):
    """One page of links to every installable file, and one per project."""

    template = ViewPageTemplateFile("templates/links.pt")
    project_name: str | None = None
    extra: bool = False

    def publishTraverse(self, request, name: str) -> "FindLinks":
        """Take the project name from the path."""
        if self.project_name is None:
            self.project_name = name
        else:
            self.extra = True
        return self

    def __call__(self) -> str:
        """Answer the page, or redirect to its canonical URL."""
        refused = refuse_reader(self.context, self.request)
        if refused is not None:
            return refused
        center_url = self.context.absolute_url()
        slash = self.request["ACTUAL_URL"].endswith("/")
        if self.extra:
            raise NotFound(self.context, "links", self.request)
        if self.project_name is None:
            if not slash:
                return self._redirect(f"{center_url}/links/")
            serial = self.context.journal.last_serial
            page = PAGES.get(
                ("links", self.context.journal.uid, serial),
                lambda: data.center_page(self.context),
            )
            return self._respond(page, serial)
        try:
            normalized = normalize_name(self.project_name)
        except InvalidName:
            raise NotFound(self.context, self.project_name, self.request) from None
        project = self.context.get(normalized)
        if project is None:
            raise NotFound(self.context, self.project_name, self.request)
        if normalized != self.project_name or not slash:
            return self._redirect(f"{center_url}/links/{normalized}/")
        serial = project.last_serial()
        page = PAGES.get(
            ("links", self.context.journal.uid, normalized, serial),
            lambda: data.project_page(project),
        )
        return self._respond(page, serial)

    def _respond(self, page: dict, serial: int) -> str:
        response = self.request.response
        if answer_revalidation(
            self.request, center=self.context, serial=serial, kind="links"
        ):
            return ""
        response.setHeader("Content-Type", HTML)
        return self.template(page=page)

    def _redirect(self, url: str) -> str:
        self.request.response.redirect(url, status=301, lock=True)
        return ""
