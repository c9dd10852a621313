"""The pages in a real browser: Debian's Chromium, driven by Playwright.

A WSGI server serves a Plone site whose center the service layer filled;
Chromium runs headless with its own network features off. Screenshots of the
listing, a project and a release are kept in ``test-artifacts/browser/``.
"""

from collective.psc.controlpanel.interfaces import DEFAULT_CATEGORIES
from collective.psc.services import maintainers
from collective.psc.services import releases
from pathlib import Path
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from tests.fixtures.examples import publish_examples

import pytest
import requests
import transaction


pytestmark = pytest.mark.functional

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "browser"
# What docs/pages.rst shows, at a desktop and a phone width.
DOCS_SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
MAINTAINER = ("maria", "maria-secret-1")


@pytest.fixture
def site(portal_server, tmp_path):
    """Return the URLs of a served center with example projects and a maintainer."""
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        center = api.content.create(
            container=portal_server, type="SoftwareCenter", id="pypi", title="Add-ons"
        )
        center.description = "Plone add-ons and tools, installable with pip and uv."
        publish_examples(center, tmp_path)
        api.user.create(
            email="maria@example.org",
            username=MAINTAINER[0],
            password=MAINTAINER[1],
            properties={"fullname": "Maria Maintainer"},
        )
        maintainers.add_maintainer(
            project=center["collective-easyform-extra"], user_id=MAINTAINER[0]
        )
    transaction.commit()
    return {"portal": portal_server.absolute_url(), "center": center.absolute_url()}


@pytest.fixture
def page(chromium, site):
    """Return a new page in a fresh browser context that may use the clipboard."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=site["portal"].split("/plone")[0]
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Keep a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def titles(page) -> list[str]:
    return page.locator("#psc-projects h2 a").all_inner_texts()


def test_search_and_filter_the_listing(page, site):
    page.goto(site["center"])
    assert titles(page) == [
        "tinyhttp",
        "plonetheme.tidy",
        "collective.easyform.extra",
    ]
    assert "3 projects" in page.locator("#psc-count").inner_text()
    assert screenshot(page, "listing").stat().st_size > 10_000

    page.fill("#psc-q", "ratings")
    page.click("#psc-search button[type=submit]")
    page.wait_for_url("**?q=ratings*")
    assert titles(page) == ["collective.easyform.extra"]

    page.goto(site["center"])
    # Choosing a filter submits the form by itself.
    page.select_option("#psc-maturity", "beta")
    page.wait_for_url("**maturity=beta*")
    assert titles(page) == ["plonetheme.tidy"]
    assert page.locator("#psc-filters").inner_text().strip().startswith("Beta")

    page.select_option("#psc-maturity", "")
    page.wait_for_url(lambda url: "maturity=beta" not in url)
    page.select_option("#psc-category", "Plone add-on")
    page.wait_for_url("**category=Plone+add-on*")
    assert titles(page) == ["collective.easyform.extra"]
    page.select_option("#psc-sort", "name")
    page.wait_for_url("**sort=name*")
    assert titles(page) == ["collective.easyform.extra"]

    page.click("#psc-filters a")
    page.wait_for_url(lambda url: "category=" not in url)
    assert titles(page) == [
        "collective.easyform.extra",
        "plonetheme.tidy",
        "tinyhttp",
    ]


def test_open_a_project_and_copy_an_install_snippet(page, site):
    page.goto(site["center"])
    page.click("text=collective.easyform.extra")
    page.wait_for_url("**/collective-easyform-extra")
    assert page.locator("#psc-latest-version").inner_text() == "2.1.0"
    readme = page.locator("#psc-readme")
    assert "date ranges" in readme.inner_text()
    assert readme.locator("script").count() == 0
    assert page.locator("#psc-links a").all_inner_texts() == ["Source", "Changelog"]
    assert page.locator("#psc-maintainers").inner_text().count("Maria") == 1
    screenshot(page, "project")

    snippet = page.locator("#psc-snippet-pip").inner_text()
    assert snippet == (
        f"pip install --index-url {site['center']}/simple/ collective.easyform.extra"
    )
    button = page.locator("[data-psc-copy=psc-snippet-pip]")
    button.click()
    page.wait_for_function(
        "document.querySelector('[data-psc-copy=psc-snippet-pip]')"
        ".textContent === 'Copied'"
    )
    assert page.evaluate("navigator.clipboard.readText()") == snippet
    # Screen readers hear it from a live region.
    status = page.locator("#psc-copy-status")
    assert status.get_attribute("aria-live") == "polite"
    page.wait_for_function(
        "document.getElementById('psc-copy-status').textContent === 'Copied'"
    )
    # One install line over the whole card; the others behind a disclosure.
    card = page.locator("#psc-install").bounding_box()
    line = page.locator("#psc-snippet-pip").bounding_box()
    assert line["width"] > 0.9 * card["width"] - 64
    assert not page.locator("#psc-snippet-uv").is_visible()
    page.click("#psc-more-snippets summary")
    assert page.locator("#psc-snippet-uv").is_visible()
    assert page.locator("h1").count() == 1
    assert page.locator("#portal-column-one").count() == 0

    page.click("#psc-releases >> text=2.0.0")
    page.wait_for_url("**/collective-easyform-extra/2")
    assert "2.0.0" in page.locator("h1").inner_text()
    assert page.locator("#psc-manage-release").count() == 0


def login(page, site, username: str, password: str) -> None:
    page.goto(f"{site['portal']}/login")
    page.fill("input[name='__ac_name']", username)
    page.fill("input[name='__ac_password']", password)
    page.click("[name$='buttons.login']")
    page.wait_for_url(lambda url: "/login" not in url)


def test_maintainer_yanks_and_unyanks_a_release(page, site):
    release_url = f"{site['center']}/collective-easyform-extra/2.1"
    login(page, site, *MAINTAINER)
    page.goto(release_url)
    page.click("#psc-manage-release")
    page.wait_for_url("**/@@manage-release")
    screenshot(page, "manage-release")
    page.fill("#psc-yank-reason-input", "Breaks forms with date fields; use 2.0.0.")
    page.click("button[name='form.yank']")
    page.wait_for_url("**/@@manage-release")
    assert "Yanked:" in page.locator(".statusmessage, .alert").first.inner_text()

    page.goto(release_url)
    assert page.locator("#psc-release-yanked").is_visible()
    assert "use 2.0.0" in page.locator("#psc-yank-reason").inner_text()
    screenshot(page, "release")

    simple = requests.get(
        f"{site['center']}/simple/collective-easyform-extra/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
        timeout=30,
    ).json()
    yanked = {item["filename"]: item["yanked"] for item in simple["files"]}
    assert yanked["collective_easyform_extra-2.1.0-py3-none-any.whl"] == (
        "Breaks forms with date fields; use 2.0.0."
    )
    assert yanked["collective_easyform_extra-2.0.0-py3-none-any.whl"] is False

    page.goto(f"{release_url}/@@manage-release")
    page.click("#psc-yank-release button[name='form.unyank']")
    page.wait_for_url("**/@@manage-release")
    page.goto(release_url)
    assert page.locator("#psc-release-yanked").count() == 0


def test_maintainer_deletes_a_file_after_confirming(page, site):
    release_url = f"{site['center']}/collective-easyform-extra/2.1"
    login(page, site, *MAINTAINER)
    page.goto(f"{release_url}/@@manage-release")
    page.click("#psc-manage-files tr:has-text('.tar.gz') >> text=Delete…")
    page.wait_for_url("**/@@delete-release?filename=*")
    assert "cannot be undone" in page.locator("#content").inner_text()
    page.click("#psc-confirm-delete button[name='form.delete']")
    page.wait_for_url(release_url)
    assert page.locator("#psc-files tbody tr").count() == 1


def test_deleting_a_project_needs_its_name_typed(page, site):
    project_url = f"{site['center']}/collective-easyform-extra"
    login(page, site, *MAINTAINER)
    page.goto(project_url)
    page.click("text=Delete project")
    page.wait_for_url("**/@@delete-project")
    field = page.locator("#psc-confirm-name")
    assert field.get_attribute("required") is not None
    field.fill("collective.easyform")
    page.click("#psc-confirm-delete button[name='form.delete']")
    page.wait_for_url("**/@@delete-project")
    assert "type the project's name" in page.inner_text("body")
    assert page.goto(project_url).status == 200
    page.goto(f"{project_url}/@@delete-project")
    page.fill("#psc-confirm-name", "collective.easyform.extra")
    page.click("#psc-confirm-delete button[name='form.delete']")
    page.wait_for_url(site["center"])
    assert page.goto(project_url).status == 404


def test_anonymous_cannot_open_the_maintainer_tools(page, site):
    page.goto(f"{site['center']}/collective-easyform-extra/2.1/@@manage-release")
    assert "/login" in page.url or "Insufficient Privileges" in page.content()
    page.goto(f"{site['center']}/collective-easyform-extra")
    assert page.locator("#psc-maintainer-tools").count() == 0


# The elements that stick out of the screen on the right, by tag, id and class.
WIDER_THAN_SCREEN = """
[...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
  .filter((el) => !el.closest("pre, .offcanvas, .table-responsive, .psc-readme table"))
  .map((el) => `${el.tagName}#${el.id}.${el.className}`)
"""

# axe-core's impacts that a page must not have.
BLOCKING = ("serious", "critical")


@pytest.mark.parametrize("width", [1280, 390])
def test_listing_and_project_page_pass_axe_at_desktop_and_phone_width(
    chromium, site, portal_server, width
):
    """axe-core finds no serious violation; on a phone the essentials come first."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    context = chromium.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.set_default_timeout(30000)
    project = f"{site['center']}/collective-easyform-extra"
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        api.content.create(
            container=portal_server, type="SoftwareCenter", id="new", title="New"
        )
    transaction.commit()
    empty = f"{site['portal']}/new"
    pages = (
        ("listing", site["center"]),
        ("project", project),
        ("first-package", empty),
    )
    try:
        for name, url in pages:
            page.goto(url)
            found = axe.run(page, context="#content").response["violations"]
            blocking = [
                (violation["id"], [node["target"] for node in violation["nodes"]])
                for violation in found
                if violation["impact"] in BLOCKING
            ]
            assert blocking == [], (name, width, blocking)
            assert page.locator("h1").count() == 1
            # Nothing wider than the screen.
            assert page.evaluate(WIDER_THAN_SCREEN) == [], (name, width)
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(DOCS_SCREENSHOTS / f"{name}-{width}.png"))
            # On a phone the name, the version and the install line are on
            # the first screen, and the README starts within the second.
            if name == "project" and width == 390:
                assert page.locator("h1").bounding_box()["y"] < 844
                assert page.locator("#psc-snippet-pip").bounding_box()["y"] < 844
                assert page.locator("#psc-readme").bounding_box()["y"] < 2 * 844
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_maintainer_tools_at_desktop_and_phone_width(
    chromium, site, portal_server, width
):
    """Tokens, maintainers and a new center, as a maintainer sees them."""
    context = chromium.new_context(viewport={"width": width, "height": 844})
    origin = site["portal"].split("/plone")[0]
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = context.new_page()
    page.set_default_timeout(30000)
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        api.user.create(
            email="marta@example.org",
            username="marta",
            password="marta-secret-1",
            properties={"fullname": "Marta Quokka"},
        )
        # Owners manage the maintainers: make Maria one of the project.
        project = portal_server["pypi"]["collective-easyform-extra"]
        project.manage_setLocalRoles(MAINTAINER[0], ["Maintainer", "Owner"])
        project.reindexObjectSecurity()
    transaction.commit()
    try:
        login(page, site, *MAINTAINER)
        # A token that expires, copied with its button, revoked after a question.
        page.goto(f"{site['center']}/@@api-tokens")
        page.fill("#token-description", "CI")
        page.select_option("#token-expires", "30")
        page.click("button[name='form.create']")
        token = page.locator("#psc-new-token").inner_text()
        page.click("[data-psc-copy=psc-new-token]")
        page.wait_for_function(
            "document.getElementById('psc-copy-status').textContent === 'Copied'"
        )
        assert page.evaluate("navigator.clipboard.readText()") == token
        assert page.evaluate(WIDER_THAN_SCREEN) == [], ("tokens", width)
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_SCREENSHOTS / f"tokens-{width}.png"))
        page.goto(f"{site['center']}/@@api-tokens")
        row = page.locator("#api-tokens tbody tr")
        assert row.count() == 1
        questions = []
        page.once(
            "dialog",
            lambda dialog: (questions.append(dialog.message), dialog.dismiss()),
        )
        row.locator("button[name='form.revoke']").click()
        assert questions and "Revoke this token?" in questions[0]
        assert page.locator("#api-tokens tbody tr").count() == 1
        page.once("dialog", lambda dialog: dialog.accept())
        row.locator("button[name='form.revoke']").click()
        page.wait_for_selector("#api-tokens", state="detached")
        # A maintainer found by name.
        project = f"{site['center']}/collective-easyform-extra"
        page.goto(f"{project}/@@maintainers")
        page.fill("#psc-find", "quok")
        page.click("#psc-find-user button")
        page.wait_for_url("**/@@maintainers?find=quok*")
        found = page.locator("#psc-found-users li")
        assert found.count() == 1
        assert "Marta Quokka" in found.inner_text()
        assert page.evaluate(WIDER_THAN_SCREEN) == [], ("maintainers", width)
        page.screenshot(path=str(DOCS_SCREENSHOTS / f"maintainers-{width}.png"))
        found.locator("button[name='form.add']").click()
        page.wait_for_url("**/@@maintainers")
        assert "marta now maintains this project" in page.inner_text("body")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_guidance_urls_and_tools_at_desktop_and_phone_width(
    chromium, site, portal_server, width
):
    """Each page and tool of the product pages at a desktop and a phone width.

    The latest release, PyPI's metadata, a search without results, a misspelt
    URL, a yanked release, the edit form, deleting by name and the control panel.
    """
    center = portal_server["pypi"]
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        releases.yank(
            release=center["collective-easyform-extra"]["2.1"],
            reason="Breaks forms with date fields; use 2.0.0.",
        )
        api.user.create(
            email="sam@example.org",
            username="sam",
            password="sam-secret-1",
            roles=["Manager"],
        )
        # Owners edit the project's page: make Maria the project's owner.
        easyform = center["collective-easyform-extra"]
        easyform.manage_setLocalRoles(MAINTAINER[0], ["Maintainer", "Owner"])
        easyform.reindexObjectSecurity()
    transaction.commit()
    context = chromium.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.set_default_timeout(30000)
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    project = f"{site['center']}/collective-easyform-extra"
    try:
        # With 2.1.0 yanked, the listing and the project page agree that
        # 2.0.0 is the latest release, and mark 2.1.0 where they list it.
        page.goto(site["center"])
        entry = page.locator("#psc-projects .psc-entry").filter(
            has_text="collective.easyform.extra"
        )
        assert entry.locator(".psc-version").first.inner_text() == "2.0.0"
        page.goto(project)
        assert page.locator("#psc-latest-version").inner_text().strip() == "2.0.0"
        history = page.locator("#psc-release-2\\.1")
        assert "Yanked" in history.inner_text()
        # PyPI's metadata: the author and the Meta block.
        assert "Alice Example" in page.locator("#content").inner_text()
        assert ">=3.10" in page.locator("#psc-meta").inner_text()
        assert page.evaluate(WIDER_THAN_SCREEN) == [], ("latest", width)
        page.screenshot(path=str(DOCS_SCREENSHOTS / f"latest-yanked-{width}.png"))
        # A search that finds nothing offers the way back to every project.
        page.goto(site["center"])
        page.fill("input[name='q']", "no such thing anywhere")
        page.press("input[name='q']", "Enter")
        page.wait_for_url("**q=no+such*")
        notice = page.locator("#psc-no-results")
        assert notice.is_visible()
        assert page.locator("#psc-projects h2").count() == 0
        assert page.evaluate(WIDER_THAN_SCREEN) == [], ("no results", width)
        page.screenshot(path=str(DOCS_SCREENSHOTS / f"no-results-{width}.png"))
        notice.locator("a").click()
        page.wait_for_url(site["center"])
        assert len(titles(page)) > 1
        # Any spelling of the name and version lands on the release page,
        # which warns that the release is yanked.
        answer = page.goto(f"{site['center']}/Collective.EasyForm_Extra/2.1.0")
        assert answer.ok
        assert page.url == f"{project}/2.1"
        warning = page.locator("#psc-release-yanked")
        assert warning.is_visible()
        assert "use 2.0.0" in page.locator("#psc-yank-reason").inner_text()
        assert page.evaluate(WIDER_THAN_SCREEN) == [], ("yanked release", width)
        page.screenshot(path=str(DOCS_SCREENSHOTS / f"release-yanked-{width}.png"))
        # The maintainer's edit form: categories from the site's list, and no
        # field that an upload writes.
        login(page, site, *MAINTAINER)
        page.goto(f"{project}/edit")
        boxes = page.locator(
            "input[type=checkbox][name='form.widgets.categories:list']"
        )
        values = {boxes.nth(n).get_attribute("value") for n in range(boxes.count())}
        assert set(DEFAULT_CATEGORIES) <= values
        assert page.locator("[name='form.widgets.summary']").count() == 0
        assert page.locator("[name='form.widgets.license']").count() == 0
        page.locator("label:has-text('Multilingual')").first.click()
        assert page.evaluate(WIDER_THAN_SCREEN) == [], ("edit form", width)
        page.screenshot(path=str(DOCS_SCREENSHOTS / f"edit-project-{width}.png"))
        page.click("#form-buttons-save")
        page.wait_for_url(project)
        page.goto(f"{site['center']}?category=Multilingual")
        assert titles(page) == ["collective.easyform.extra"]
        # Deleting the project needs its name typed.
        page.goto(f"{project}/@@delete-project")
        page.fill("#psc-confirm-name", "collective.easyform")
        page.click("#psc-confirm-delete button[name='form.delete']")
        page.wait_for_url("**/@@delete-project")
        assert "type the project's name" in page.inner_text("body")
        assert page.evaluate(WIDER_THAN_SCREEN) == [], ("delete project", width)
        page.screenshot(path=str(DOCS_SCREENSHOTS / f"delete-project-{width}.png"))
        page.fill("#psc-confirm-name", "Collective.EasyForm.Extra")
        page.click("#psc-confirm-delete button[name='form.delete']")
        page.wait_for_url(site["center"])
        assert "collective.easyform.extra" not in titles(page)
        assert page.goto(project).status == 404
    finally:
        context.close()
    # A site manager finds the centers in the control panel.
    context = chromium.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.set_default_timeout(30000)
    try:
        login(page, site, "sam", "sam-secret-1")
        page.goto(f"{site['portal']}/@@psc-controlpanel")
        row = page.locator("#psc-centers tbody tr")
        assert row.count() == 1
        assert row.locator("a").first.inner_text() == "Add-ons"
        # Three example projects, one deleted above.
        assert row.locator("td").nth(1).inner_text() == "2"
        assert page.evaluate(WIDER_THAN_SCREEN) == [], ("control panel", width)
        page.screenshot(path=str(DOCS_SCREENSHOTS / f"controlpanel-{width}.png"))
        page.click("#psc-add-center")
        page.wait_for_url("**/++add++SoftwareCenter")
        assert page.locator("#form-widgets-IBasic-title").is_visible()
    finally:
        context.close()
