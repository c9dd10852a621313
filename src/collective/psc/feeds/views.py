"""Serve ``@@releases.atom`` and ``@@releases.rss`` of a center or a project."""

from collective.psc.feeds import data
from collective.psc.feeds.render import ATOM_TYPE
from collective.psc.feeds.render import render_atom
from collective.psc.feeds.render import render_rss
from collective.psc.feeds.render import rfc822
from collective.psc.feeds.render import RSS_TYPE
from collective.psc.interfaces import IProject
from collective.psc.services import base
from collective.psc.simple.access import refuse_reader
from collective.psc.simple.views import answer_revalidation
from collective.psc.simple.views import PAGES
from datetime import datetime
from email.utils import parsedate_to_datetime
from Products.Five.browser import BrowserView


FORMATS = {
    "atom": (ATOM_TYPE, render_atom),
    "rss": (RSS_TYPE, render_rss),
}


class ReleaseFeed(BrowserView):
    """The newest releases of a center or a project, as Atom or RSS."""

    format = "atom"

    def __call__(self) -> bytes | str:
        """Answer the feed, a 304, or the 401/403 of a private center."""
        refused = refuse_reader(self.context, self.request)
        if refused is not None:
            return refused
        center = base.get_center(self.context)
        is_project = IProject.providedBy(self.context)
        serial = (
            self.context.last_serial() if is_project else center.journal.last_serial
        )
        if answer_revalidation(
            self.request, center=center, serial=serial, kind=self.format
        ):
            return b""
        changed = data.last_change(center.journal, serial=serial)
        if changed is not None and self._not_modified_since(changed):
            return b""
        content_type, render = FORMATS[self.format]
        self.request.response.setHeader(
            "Content-Type", f"{content_type}; charset=utf-8"
        )
        center_url = center.absolute_url()
        self_url = f"{self.context.absolute_url()}/@@{self.__name__}"
        key = (
            "feed",
            center.journal.uid,
            self.context.getId() if is_project else "",
            serial,
            self_url,
        )
        return PAGES.get(
            key,
            lambda: render(
                data.project_feed(self.context, center_url=center_url)
                if is_project
                else data.center_feed(self.context, center_url=center_url),
                self_url=self_url,
            ),
        )

    def _not_modified_since(self, changed: datetime) -> bool:
        """Set Last-Modified; answer 304 to If-Modified-Since when no ETag was sent."""
        response = self.request.response
        response.setHeader("Last-Modified", rfc822(changed))
        since = self.request.get_header("If-Modified-Since")
        if not since or self.request.get_header("If-None-Match"):
            return False
        try:
            since_time = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if (
            since_time.tzinfo is None
            or int(changed.timestamp()) > since_time.timestamp()
        ):
            return False
        response.setStatus(304)
        return True


class RssFeed(ReleaseFeed):
    """The newest releases as RSS 2.0."""

    format = "rss"
