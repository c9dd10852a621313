"""A new center says how to publish; an empty search offers to clear its filters."""

from tests.fixtures.builder import build_wheel
from tests.fixtures.examples import publish

import lxml.html


def listing(center, **form):
    """Render the center's listing with a query; return the parsed page."""
    request = center.REQUEST
    request.form.clear()
    request.form.update(form)
    return lxml.html.fromstring(center.restrictedTraverse("@@psc-listing")())


def test_an_empty_center_shows_how_to_publish_the_first_package(center):
    page = listing(center)
    box = page.get_element_by_id("psc-first-package")
    snippets = {pre.get("id"): pre.text_content() for pre in box.cssselect("pre")}
    upload = f"{center.absolute_url()}/legacy/"
    assert (
        snippets["psc-snippet-twine"]
        == f"twine upload --repository-url {upload} dist/*"
    )
    assert (
        snippets["psc-snippet-uv-publish"]
        == f"uv publish --publish-url {upload} dist/*"
    )
    assert f"repository = {upload}" in snippets["psc-snippet-pypirc"]
    assert "username = __token__" in snippets["psc-snippet-pypirc"]
    assert len(box.cssselect("button[data-psc-copy]")) == 3
    assert f"{center.absolute_url()}/@@api-tokens" in [
        link.get("href") for link in box.cssselect("a")
    ]
    assert page.get_element_by_id("psc-no-results", None) is None
    # No search box, no empty filters, no "0 projects" before the first one.
    assert page.get_element_by_id("psc-search", None) is None
    assert page.get_element_by_id("psc-count", None) is None


def test_a_search_without_results_offers_to_clear_it(center, tmp_path):
    publish(center, build_wheel(tmp_path, "zebrafish", "1.0"))
    page = listing(center, q="quokka", maturity="beta")
    notice = page.get_element_by_id("psc-no-results")
    assert [link.get("href") for link in notice.cssselect("a")] == [
        center.absolute_url()
    ]
    assert page.get_element_by_id("psc-first-package", None) is None


def test_a_center_with_projects_shows_neither(center, tmp_path):
    publish(center, build_wheel(tmp_path, "zebrafish", "1.0"))
    page = listing(center)
    assert page.get_element_by_id("psc-first-package", None) is None
    assert page.get_element_by_id("psc-no-results", None) is None


def test_pages_of_a_center_leave_out_the_navigation_column(center, tmp_path):
    """The navigation portlet would list only the page itself, or every project."""
    publish(center, build_wheel(tmp_path, "zebrafish", "1.0"))
    project = center["zebrafish"]
    pages = {
        "listing": center.restrictedTraverse("@@psc-listing"),
        "project": project.restrictedTraverse("@@psc-project"),
        "release": project["1"].restrictedTraverse("@@psc-release"),
    }
    for name, view in pages.items():
        center.REQUEST.set("disable_plone.leftcolumn", None)
        html = view()
        assert center.REQUEST.get("disable_plone.leftcolumn") is True, name
        assert 'id="portal-column-one"' not in html, name
