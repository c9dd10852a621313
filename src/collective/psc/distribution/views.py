"""The front page of a package index site: how to publish and install, with its URLs."""

from collective.psc.browser.snippets import publish_snippets
from collective.psc.services.centers import find_centers
from Products.Five.browser import BrowserView
from typing import Any


class FrontPageView(BrowserView):
    """Show the URLs of the site's first center, as the current request reaches it."""

    def center(self) -> Any:
        """Return the first software center of the site, or None."""
        centers = find_centers(site=self.context)
        return centers[0] if centers else None

    def urls(self) -> dict[str, str] | None:
        """Return the center's listing, upload and simple index URLs."""
        center = self.center()
        if center is None:
            return None
        url = center.absolute_url()
        return {
            "title": center.Title(),
            "center": f"{url}/",
            "upload": f"{url}/legacy/",
            "simple": f"{url}/simple/",
        }

    def publish_commands(self) -> list[str]:
        """Return the twine and uv commands that upload to the center."""
        snippets = self._publish_snippets()
        return [snippets["twine"], snippets["uv-publish"]]

    def pypirc(self) -> str:
        """Return a ``.pypirc`` section naming the center for ``twine -r psc``."""
        return self._publish_snippets()["pypirc"]

    def _publish_snippets(self) -> dict[str, str]:
        center_url = self._known_urls()["center"].rstrip("/")
        return {
            snippet.id: snippet.text
            for snippet in publish_snippets(center_url=center_url)
        }

    def install_commands(self) -> list[str]:
        """Return the pip and uv commands that install from the center."""
        simple = self._known_urls()["simple"]
        return [
            f"pip install --index-url {simple} your-project",
            f"uv pip install --index-url {simple} your-project",
        ]

    def buildout(self) -> str:
        """Return the buildout lines taking projects from the center."""
        return f"[buildout]\nindex = {self._known_urls()['simple']}\n"

    def _known_urls(self) -> dict[str, str]:
        urls = self.urls()
        if urls is None:
            raise LookupError("This site has no software center.")
        return urls
