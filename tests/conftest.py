"""Fixtures shared by the whole test suite."""

from collective.psc.i18n import compile_translations
from collective.psc.testing import FUNCTIONAL_TESTING
from collective.psc.testing import INTEGRATION_TESTING
from collective.psc.testing import SERVER_TESTING
from collective.psc.upstream.cache import UNREACHABLE
from pathlib import Path
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from pytest_plone import fixtures_factory

import pytest


# Fixtures shared across test packages live in modules of tests/fixtures/.
pytest_plugins = [
    "pytest_plone",
    "tests.fixtures.served",
    "tests.fixtures.storage",
    "tests.fixtures.installers",
    "tests.fixtures.buildout",
]


def pytest_configure(config: pytest.Config) -> None:
    """Compile the translations once, before any test worker loads the ZCML."""
    if not hasattr(config, "workerinput"):
        compile_translations()


globals().update(
    fixtures_factory(
        (
            (FUNCTIONAL_TESTING, "functional"),
            (INTEGRATION_TESTING, "integration"),
            (SERVER_TESTING, "server"),
        )
    )
)


@pytest.fixture(autouse=True)
def forget_unreachable_upstreams():
    """Start each test with no upstream index resting after a failure."""
    UNREACHABLE.clear()


@pytest.fixture
def center(portal):
    """Return a new, uncommitted software center in the integration portal.

    A site administrator adds it; the test itself runs as the test user, a
    plain Member, unless it asks for a role (``manager``, ``maintainer_of``).
    Tests against the WSGI server use ``served_center`` (tests/fixtures/served.py).
    """
    with api.env.adopt_roles(["Manager"]):
        return api.content.create(
            container=portal, type="SoftwareCenter", id="pypi", title="Package index"
        )


@pytest.fixture
def manager(portal):
    """Give the test user the Manager role, for tests of what only managers do."""
    setRoles(portal, TEST_USER_ID, ["Manager"])
    return TEST_USER_ID


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
