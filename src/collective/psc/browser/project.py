"""The page of a project: README, install snippets, releases, files, people."""

from Acquisition import aq_chain
from Acquisition import aq_inner
from collective.psc import permissions
from collective.psc.browser.formatting import day
from collective.psc.browser.formatting import HIDE_NAVIGATION
from collective.psc.browser.formatting import human_size
from collective.psc.browser.formatting import is_stale
from collective.psc.browser.formatting import is_web_url
from collective.psc.browser.listing import MATURITY_LABELS
from collective.psc.browser.snippets import install_snippets
from collective.psc.browser.snippets import Snippet
from collective.psc.downloads.counts import project_downloads
from collective.psc.interfaces import IProject
from collective.psc.jsonapi.data import core_metadata_fields
from collective.psc.services import base
from collective.psc.services import maintainers
from collective.psc.services import projects
from collective.psc.services import releases
from collective.psc.simple.data import file_path
from collective.psc.tracked import is_tracked
from collective.psc.types import Distribution
from collective.psc.types import Release
from datetime import datetime
from datetime import UTC
from email.utils import getaddresses
from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement
from plone import api
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from urllib.parse import urlencode


# A license field longer than this is a whole license text, folded away.
SHORT_LICENSE = 80


class PageHelpers(BrowserView):
    """What the project, release and file pages share."""

    resources = ViewPageTemplateFile("templates/resources.pt")

    def center(self):
        """Return the center of the page."""
        return base.get_center(self.context)

    def center_url(self) -> str:
        """Return the URL of the center."""
        return self.center().absolute_url()

    def filter_url(self, name: str, value: str) -> str:
        """Return the center's listing filtered by one value."""
        return f"{self.center_url()}?{urlencode({name: value})}"

    def maturity_label(self, release: Release) -> str:
        """Return how a release's maturity reads."""
        return MATURITY_LABELS[release.maturity]

    def day(self, date: datetime | None) -> str:
        """Return the UTC day of a date."""
        return day(date)

    def size(self, distribution: Distribution) -> str:
        """Return a file's size as people read it."""
        return human_size(distribution.size)

    def download_url(self, distribution: Distribution) -> str:
        """Return the URL installers download a file from."""
        return f"{self.center_url()}/{file_path(distribution)}"

    def file_kind(self, distribution: Distribution) -> str:
        """Return the package type as people read it."""
        return "Wheel" if distribution.package_type == "bdist_wheel" else "Source"

    def yank_reason(self, release: Release) -> str:
        """Return the reason a yanked release gives (that of its first file)."""
        reasons = [item.yanked_reason for item in release.files() if item.yanked]
        return next((reason for reason in reasons if reason), "")

    def can_manage_releases(self) -> bool:
        """Tell whether the user may yank and delete releases of this project."""
        project = self.project()
        return api.user.has_permission(permissions.ManageReleases, obj=project)

    def can_upload(self) -> bool:
        """Tell whether the user may add releases (upload or import) to this project."""
        project = self.project()
        return api.user.has_permission(permissions.UploadDistribution, obj=project)

    def maintainers(self) -> list[dict]:
        """Return the users who maintain the project on this index."""
        people = []
        for user_id, roles in sorted(
            maintainers.list_maintainers(project=self.project()).items()
        ):
            user = api.user.get(userid=user_id)
            name = user.getProperty("fullname") if user is not None else ""
            people.append(
                {
                    "id": user_id,
                    "name": name or user_id,
                    "roles": roles,
                    "removable": "Maintainer" in roles,
                }
            )
        return people

    def project(self):
        """Return the project of the page (the context or holding it)."""
        for obj in aq_chain(aq_inner(self.context)):
            if IProject.providedBy(obj):
                return obj
        raise LookupError(f"{self.context!r} is not inside a project.")

    def snippets(self, version: str | None = None) -> list[Snippet]:
        """Return the install snippets of the project, pinned to a version or not."""
        return install_snippets(
            center_url=self.center_url(),
            name=self.project().display_name,
            version=version,
        )


class ContentPage(PageHelpers):
    """A project, release or file page, over the full width of the content."""

    def __call__(self) -> str:
        """Render the page without the left column.

        Its navigation portlet lists nothing but the page itself (releases
        and files are not in the navigation) and costs a quarter of the width.
        """
        self.request.set(HIDE_NAVIGATION, True)
        return self.index()


class ProjectView(ContentPage):
    """Show a project as people judge it: what it is, how fresh, how to install."""

    def releases(self) -> list[Release]:
        """Return the releases, newest version first."""
        return self.context.releases()

    def upstream(self) -> dict | None:
        """Return where a project tracked from upstream is hosted, else None."""
        if not is_tracked(self.context):
            return None
        return {
            "index": self.context.upstream_index,
            "url": self.context.upstream_url,
        }

    def latest(self) -> Release | None:
        """Return the release that speaks for the project."""
        return releases.latest_release(project=self.context)

    def last_upload(self) -> datetime | None:
        """Return the newest release date of any release."""
        dates = [r.release_date for r in self.releases() if r.release_date]
        return max(dates, default=None)

    def may_be_unmaintained(self) -> bool:
        """Tell whether nothing was released for over a year."""
        return is_stale(self.last_upload(), now=datetime.now(UTC))

    def links(self) -> list[dict]:
        """Return the project URLs; only http(s) ones become links."""
        return [
            {"label": label or url, "url": url, "linked": is_web_url(url)}
            for label, url in self.context.project_url_pairs()
        ]

    def license(self) -> dict:
        """Return the license: the SPDX expression, else the license field."""
        text = self.context.license_expression or self.context.license or ""
        return {"text": text, "short": len(text) <= SHORT_LICENSE and "\n" not in text}

    def people(self) -> list[dict]:
        """Return the author and maintainer, each with the first e-mail address."""
        project = self.context
        people = []
        for role, name, emails in (
            ("Author", project.author, project.author_email),
            ("Maintainer", project.maintainer, project.maintainer_email),
        ):
            addresses = [
                address for _name, address in getaddresses([emails or ""]) if address
            ]
            if name or addresses:
                email = addresses[0] if addresses else ""
                people.append({"role": role, "name": name or email, "email": email})
        return people

    def meta(self) -> dict:
        """Return what the latest release needs and offers, and the downloads."""
        latest = self.latest()
        fields = core_metadata_fields(latest) if latest is not None else {}
        return {
            "requires_python": fields.get("requires_python") or "",
            "extras": list(fields.get("provides_extra") or []),
            "dependencies": [
                self.dependency(text) for text in fields.get("requires_dist") or []
            ],
            "downloads": project_downloads(self.context),
        }

    def dependency(self, text: str) -> dict:
        """Return a requirement, linked to its project when this center has it."""
        try:
            name = Requirement(text).name
        except InvalidRequirement:
            return {"text": text, "url": None}
        local = projects.find_project(center=self.center(), name=name)
        return {"text": text, "url": None if local is None else local.absolute_url()}

    def can_manage_maintainers(self) -> bool:
        """Tell whether the user may change who maintains the project."""
        return api.user.has_permission(permissions.ManageMaintainers, obj=self.context)
