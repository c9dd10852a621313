"""Fixtures shared by the whole test suite."""

from collective.psc.testing import FUNCTIONAL_TESTING
from collective.psc.testing import INTEGRATION_TESTING
from collective.psc.testing import SERVER_TESTING
from pathlib import Path
from plone import api
from pytest_plone import fixtures_factory

import pytest


pytest_plugins = ["pytest_plone"]

globals().update(
    fixtures_factory(
        (
            (FUNCTIONAL_TESTING, "functional"),
            (INTEGRATION_TESTING, "integration"),
            (SERVER_TESTING, "server"),
        )
    )
)


@pytest.fixture
def center(portal):
    """Return a new, empty software center in the portal."""
    return api.content.create(
        container=portal, type="SoftwareCenter", id="pypi", title="Package index"
    )


CHROMIUM = Path("/usr/bin/chromium")
# Without the background networking switches Chromium's own connections are
# refused on a closed network and slow every page down.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium():
    """Start Debian's Chromium, headless, once per module."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make system-packages).")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def runs_psc_commands(item: pytest.Item) -> bool:
    """Tell whether a test belongs to a file of ``psc`` command tests (the slowest)."""
    path = item.path
    return path.parent.name == "commands" or path.name == "test_commands.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the files of psc command tests first, each file's tests kept together.

    They start Zope in subprocesses again and again; handed out first to the
    pytest-xdist workers, they do not leave one worker busy at the end.
    """
    items.sort(key=lambda item: not runs_psc_commands(item))
