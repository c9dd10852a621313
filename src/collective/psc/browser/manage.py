"""Maintainer tools: maintainers, yanking and deleting, each a form with a CSRF token.

The views parse the form, check the authenticator, call the service layer
(which checks the permission once more and raises Forbidden) and redirect
with a status message.
"""

from collective.psc import _
from collective.psc.browser.project import PageHelpers
from collective.psc.exceptions import InvalidName
from collective.psc.exceptions import NotConfirmed
from collective.psc.exceptions import PSCError
from collective.psc.names import normalize_name
from collective.psc.services import distributions
from collective.psc.services import maintainers
from collective.psc.services import projects
from collective.psc.services import releases
from collective.psc.types import Distribution
from plone import api
from plone.protect import CheckAuthenticator
from typing import Any
from urllib.parse import urlencode


def names_match(typed: str, project_id: str) -> bool:
    """Tell whether a typed name is a spelling of the project's name."""
    try:
        return bool(typed) and normalize_name(typed) == project_id
    except InvalidName:
        return False


class ManagerView(PageHelpers):
    """A maintainer tool: run a posted action, then show the page or redirect."""

    actions: dict[str, str] = {}

    def __call__(self) -> str:
        """Run the posted action, if any, then render the page."""
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            for button, method in self.actions.items():
                if button in self.request.form:
                    return self.run(getattr(self, method))
        return self.index()

    def run(self, action: Any) -> str:
        """Run an action; show its message or error and redirect to its answer."""
        try:
            message, target = action()
        except PSCError as error:
            api.portal.show_message(
                error.translatable, request=self.request, type="error"
            )
            target = self.request.getURL()
        else:
            api.portal.show_message(message, request=self.request)
        self.request.response.redirect(target)
        return ""

    def field(self, name: str) -> str:
        """Return a form field as stripped text."""
        value = self.request.form.get(name, "")
        return value.strip() if isinstance(value, str) else ""


class MaintainersView(ManagerView):
    """List, add and remove the maintainers of a project."""

    actions = {"form.add": "add", "form.remove": "remove"}

    def search_text(self) -> str:
        """Return what the user search asked for."""
        return self.field("find")

    def found_users(self) -> list[dict[str, str]]:
        """Return the users the search found, who are not maintainers yet."""
        current = maintainers.list_maintainers(project=self.context)
        return [
            user
            for user in maintainers.find_users(
                project=self.context, text=self.search_text()
            )
            if user["id"] not in current
        ]

    def add(self) -> tuple[str, str]:
        """Give the user the form names the Maintainer role."""
        user_id = self.field("user_id")
        maintainers.add_maintainer(project=self.context, user_id=user_id)
        user_id = maintainers.resolve_user_id(user_id) or user_id
        return (
            _(
                "msg_maintainer_added",
                default="${user} now maintains this project.",
                mapping={"user": user_id},
            ),
            self.request.getURL(),
        )

    def remove(self) -> tuple[str, str]:
        """Take the Maintainer role from the user the form names."""
        user_id = self.field("user_id")
        maintainers.remove_maintainer(project=self.context, user_id=user_id)
        return (
            _(
                "msg_maintainer_removed",
                default="${user} no longer maintains this project.",
                mapping={"user": user_id},
            ),
            self.request.getURL(),
        )


class ReleaseManagerView(ManagerView):
    """Yank and unyank a release or its files."""

    actions = {"form.yank": "yank", "form.unyank": "unyank"}

    def delete_url(self, distribution: Distribution | None = None) -> str:
        """Return the confirmation page deleting the release or one of its files."""
        url = f"{self.context.absolute_url()}/@@delete-release"
        if distribution is None:
            return url
        return f"{url}?{urlencode({'filename': distribution.filename})}"

    def yank(self) -> tuple[str, str]:
        """Yank the release, or the one file the form names, with a reason."""
        files = releases.yank(
            release=self.context,
            filename=self.field("filename") or None,
            reason=self.field("reason"),
        )
        return (
            _(
                "msg_yanked",
                default="Yanked: ${files}.",
                mapping={"files": ", ".join(item.filename for item in files)},
            ),
            self.request.getURL(),
        )

    def unyank(self) -> tuple[str, str]:
        """Take back the yank of the release, or of the one file the form names."""
        files = releases.unyank(
            release=self.context,
            filename=self.field("filename") or None,
        )
        return (
            _(
                "msg_unyanked",
                default="No longer yanked: ${files}.",
                mapping={"files": ", ".join(item.filename for item in files)},
            ),
            self.request.getURL(),
        )


class DeleteReleaseView(ManagerView):
    """Delete a release or one of its files, after a confirmation page."""

    actions = {"form.delete": "delete"}

    def filename(self) -> str:
        """Return the file to delete, or an empty string for the whole release."""
        return self.field("filename")

    def delete(self) -> tuple[str, str]:
        """Delete the file the form names, or else the release."""
        filename = self.filename()
        if filename:
            distribution = distributions.get_file(
                center=self.center(), filename=filename
            )
            distributions.delete_file(distribution=distribution)
            return (
                _(
                    "msg_file_deleted",
                    default="Deleted ${file}; its filename cannot be uploaded again.",
                    mapping={"file": filename},
                ),
                self.context.absolute_url(),
            )
        version = self.context.version
        project = self.project()
        releases.delete_release(release=self.context)
        return (
            _(
                "msg_release_deleted",
                default="Deleted release ${version} with its files.",
                mapping={"version": version},
            ),
            project.absolute_url(),
        )


class DeleteProjectView(ManagerView):
    """Delete a whole project, after a confirmation page."""

    actions = {"form.delete": "delete"}

    def delete(self) -> tuple[str, str]:
        """Delete the project with all its releases and files, its name typed."""
        center = self.center()
        name = self.context.getId()
        if not names_match(self.field("confirm_name"), name):
            raise NotConfirmed(
                _(
                    "msg_type_the_name",
                    default="Nothing was deleted: type the project's name, "
                    "${name}, to confirm.",
                    mapping={"name": self.context.display_name},
                )
            )
        projects.delete_project(project=self.context)
        return (
            _(
                "msg_project_deleted",
                default="Deleted project ${name} with all its releases.",
                mapping={"name": name},
            ),
            center.absolute_url(),
        )
