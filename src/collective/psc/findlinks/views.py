"""Serve the flat find-links pages: ``<center>/links/`` and one per project."""

from collective.psc.findlinks import data
from collective.psc.replay import offer
from collective.psc.simple.views import answer_revalidation
from collective.psc.simple.views import CACHE_CONTROL
from collective.psc.simple.views import PAGES
from collective.psc.simple.views import ProjectPages
from plone.transformchain.interfaces import DISABLE_TRANSFORM_REQUEST_KEY
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile


HTML = "text/html; charset=utf-8"


class FindLinks(ProjectPages):
    """One page of links to every installable file, and one per project."""

    template = ViewPageTemplateFile("templates/links.pt")
    segment = "links"

    def list_page(self) -> str:
        """Answer the links to every file of the center."""
        serial = self.context.journal.last_serial
        page = PAGES.get(
            ("links", self.context.journal.uid, serial),
            lambda: data.center_page(self.context),
        )
        return self._respond(page, serial)

    def project_page(self, project) -> str:
        """Answer the links to a project's files."""
        serial = project.last_serial()
        page = PAGES.get(
            ("links", self.context.journal.uid, project.getId(), serial),
            lambda: data.project_page(project),
        )
        return self._respond(page, serial)

    def upstream_page(self, page: dict) -> str:
        """Answer the links to a project's files that include upstream files."""
        self.request.environ[DISABLE_TRANSFORM_REQUEST_KEY] = True
        self.request.response.setHeader("Cache-Control", CACHE_CONTROL)
        self.request.response.setHeader("Content-Type", HTML)
        links = data.simple_page_links(
            page, center_url=self.center_url, prefix=data.PROJECT_PAGE_PREFIX
        )
        offer(self.request, self.context, until=self.replay_until)
        return self.template(page=links)

    def _respond(self, page: dict, serial: int) -> str:
        response = self.request.response
        if answer_revalidation(
            self.request, center=self.context, serial=serial, kind="links"
        ):
            return ""
        response.setHeader("Content-Type", HTML)
        offer(self.request, self.context, until=self.replay_until)
        return self.template(page=page)
