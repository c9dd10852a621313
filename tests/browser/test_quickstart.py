"""The quick start in a real browser: the site ``psc serve`` prints is themed.

``psc serve`` creates its site from the package index distribution and serves
it; Debian's Chromium opens the printed front page and the listing, checks that
Barceloneta styles them, and keeps the screenshots the documentation shows.
"""

from pathlib import Path
from tests.fixtures.commands import free_port
from tests.fixtures.commands import wait_for

import pytest
import re
import subprocess
import sys
import time


pytestmark = pytest.mark.functional

PSC = str(Path(sys.executable).with_name("psc"))
SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
# Barceloneta's navigation bar is its primary colour; unstyled, it is transparent.
BARCELONETA_NAVBAR = "rgb(0, 123, 177)"


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory):
    """Serve a new ``psc serve`` instance; return the URLs it printed."""
    root = tmp_path_factory.mktemp("quickstart")
    output = root / "serve.log"
    with output.open("w") as handle:
        server = subprocess.Popen(
            [PSC, "serve", "--var", "var", "--port", str(free_port())],
            cwd=root,
            stdout=handle,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        urls = printed_urls(output, server)
        wait_for(urls["index"], server)
        yield urls
    finally:
        server.terminate()
        server.wait(timeout=60)


def printed_urls(output: Path, server: subprocess.Popen) -> dict[str, str]:
    """Wait for ``psc serve`` to print the site's and the index's URLs."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        text = output.read_text()
        site = re.search(r"^Site:\s+(\S+)", text, re.M)
        index = re.search(r"^Index:\s+(\S+)", text, re.M)
        if site and index:
            return {"site": site.group(1), "index": index.group(1)}
        if server.poll() is not None:
            raise AssertionError(f"psc serve exited: {text}")
        time.sleep(0.5)
    raise AssertionError("psc serve printed no URLs")


@pytest.fixture
def page(chromium):
    """Return a page in a fresh browser context."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30000)
    yield page
    context.close()


def assert_themed(page) -> None:
    """Assert that Barceloneta's CSS bundle is loaded and applied."""
    sheets = page.evaluate(
        "Array.from(document.styleSheets, sheet => sheet.href || '')"
    )
    assert any("++theme++barceloneta/css/barceloneta" in href for href in sheets)
    navbar = page.locator("#portal-globalnav-wrapper")
    colour = navbar.evaluate("element => getComputedStyle(element).backgroundColor")
    assert colour == BARCELONETA_NAVBAR


def test_front_page_is_themed_and_says_how_to_publish(page, quickstart):
    assert quickstart["site"].startswith("http://127.0.0.1:")
    page.goto(quickstart["site"])
    assert_themed(page)
    index = quickstart["index"]
    assert f"--repository-url {index}legacy/" in page.inner_text("#psc-front-publish")
    assert f"--index-url {index}simple/" in page.inner_text("#psc-front-install")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "quickstart-front-page.png"))

    page.click("#portal-globalnav a:has-text('Package index')")
    page.wait_for_url(index.rstrip("/"))
    assert_themed(page)
    assert page.inner_text("h1.documentFirstHeading") == "Package index"
    page.screenshot(path=str(SCREENSHOTS / "quickstart-listing.png"))
