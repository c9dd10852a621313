"""The pages of a release (changelog and files) and of one distribution file."""

from collective.psc.browser.formatting import is_web_url
from collective.psc.browser.project import ContentPage
from collective.psc.types import Release
from collective.psc.upstream.files import provenance

import readme_renderer.rst
import readme_renderer.txt


# Project URL labels that point to a changelog, compared in lower case.
CHANGELOG_LABELS = ("changelog", "changes", "release notes", "history", "news")


def render_changelog(text: str) -> str:
    """Return a changelog as sanitised HTML: reStructuredText, else plain text."""
    return readme_renderer.rst.render(text) or readme_renderer.txt.render(text) or ""


class ReleaseView(ContentPage):
    """Show one release: its state, changelog, files and install snippets."""

    def changelog(self) -> str:
        """Return the release's changelog as sanitised HTML, or an empty string."""
        text = (self.context.changelog or "").strip()
        return render_changelog(text) if text else ""

    def changelog_link(self) -> str:
        """Return the project URL that names a changelog, or an empty string."""
        for label, url in self.project().project_url_pairs():
            if label.lower() in CHANGELOG_LABELS and is_web_url(url):
                return url
        return ""

    def neighbours(self) -> dict[str, Release | None]:
        """Return the next older and next newer release."""
        releases = self.project().releases()
        ids = [release.getId() for release in releases]
        index = ids.index(self.context.getId())
        return {
            "newer": releases[index - 1] if index > 0 else None,
            "older": releases[index + 1] if index + 1 < len(releases) else None,
        }


class FileView(ContentPage):
    """Show one distribution file and where to download it."""

    def provenance(self) -> dict | None:
        """Return where the file was imported from, or None for an upload."""
        return provenance(self.context)

    def release(self) -> Release:
        """Return the release of the file."""
        return self.context.aq_parent
