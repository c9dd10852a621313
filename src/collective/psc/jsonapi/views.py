"""Serve PyPI's JSON API: ``<center>/pypi/<project>[/<version>]/json``."""

from collective.psc.exceptions import InvalidName
from collective.psc.exceptions import InvalidVersion
from collective.psc.jsonapi import data
from collective.psc.names import normalize_name
from collective.psc.names import parse_version
from collective.psc.replay import offer
from collective.psc.services import releases
from collective.psc.simple import data as simple_data
from collective.psc.simple.access import refuse_reader
from collective.psc.simple.views import answer_revalidation
from collective.psc.simple.views import CACHE_CONTROL
from collective.psc.simple.views import PAGES
from collective.psc.simple.views import PathEndpoint
from collective.psc.tracked import local_project
from collective.psc.types import Project
from collective.psc.types import Release
from plone.transformchain.interfaces import DISABLE_TRANSFORM_REQUEST_KEY

import json


JSON = "application/json"
NOT_FOUND = {"message": "Not Found"}


class JsonApi(PathEndpoint):
    """PyPI's JSON API: a project's latest release, or one version, with files."""

    def __call__(self) -> str:
        """Answer the JSON document, a redirect to its canonical URL, or a 404."""
        refused = refuse_reader(self.context, self.request)
        if refused is not None:
            return refused
        if len(self.segments) not in (2, 3) or self.segments[-1] != "json":
            return self._not_found()
        name, *version = self.segments[:-1]
        try:
            normalized = normalize_name(name)
        except InvalidName:
            return self._not_found()
        # A project tracked from upstream is served from there, as if absent.
        project = local_project(self.context, normalized)
        center_url = self.context.absolute_url()
        if project is None:
            return self._upstream(normalized, name, version, center_url=center_url)
        if normalized != name:
            target = "/".join(["pypi", normalized, *version, "json"])
            self.request.response.redirect(
                f"{center_url}/{target}", status=301, lock=True
            )
            return ""
        release = find_release(project, version[0] if version else None)
        if release is None:
            return self._not_found()
        serial = project.last_serial()
        key = (
            "pypi",
            self.context.journal.uid,
            normalized,
            release.getId(),
            bool(version),
        )
        page = PAGES.get(
            (*key, serial, center_url),
            lambda: data.release_data(
                project,
                release,
                center_url=center_url,
                serial=serial,
                all_releases=not version,
            ),
        )
        return self._respond(page, serial)

    def _upstream(
        self, normalized: str, name: str, version: list[str], *, center_url: str
    ) -> str:
        """Answer a project served only from upstream, from its simple page."""
        page = simple_data.merged_project_page(
            center=self.context, name=normalized, project=None, center_url=center_url
        )
        if page is None:
            return self._not_found()
        if normalized != name:
            target = "/".join(["pypi", normalized, *version, "json"])
            self.request.response.redirect(
                f"{center_url}/{target}", status=301, lock=True
            )
            return ""
        wanted = page_version(page, version[0] if version else None)
        if wanted is None:
            return self._not_found()
        self.request.environ[DISABLE_TRANSFORM_REQUEST_KEY] = True
        self.request.response.setHeader("Cache-Control", CACHE_CONTROL)
        self.request.response.setHeader("Content-Type", JSON)
        return json.dumps(
            data.page_release_data(page, version=wanted, all_releases=not version)
        )

    def _respond(self, page: dict, serial: int) -> str:
        response = self.request.response
        if answer_revalidation(
            self.request, center=self.context, serial=serial, kind="pypi"
        ):
            return ""
        response.setHeader("Content-Type", JSON)
        offer(self.request, self.context)
        return json.dumps(page)

    def _not_found(self) -> str:
        response = self.request.response
        response.setStatus(404)
        response.setHeader("Content-Type", JSON)
        return json.dumps(NOT_FOUND)


def find_release(project: Project, version: str | None) -> Release | None:
    """Return the release of a version in any spelling, the latest for None."""
    if version is None:
        return releases.latest_release(project=project)
    try:
        return releases.find_release(project=project, version=version)
    except InvalidVersion:
        return None


def page_version(page: dict, version: str | None) -> str | None:
    """Return a page's version in any spelling, the newest final one for None."""
    versions = [parse_version(item) for item in page["versions"]]
    if version is None:
        finals = [item for item in versions if not item.is_prerelease]
        newest = max(finals or versions, default=None)
        return None if newest is None else str(newest)
    try:
        wanted = parse_version(version)
    except InvalidVersion:
        return None
    return str(wanted) if wanted in versions else None
