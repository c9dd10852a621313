"""The control panel lists the site's centers and offers to add one."""

from plone import api
from tests.fixtures.builder import build_wheel
from tests.fixtures.examples import publish

import lxml.html


def test_the_control_panel_lists_centers_with_links(manager, portal, center, tmp_path):
    api.content.create(container=portal, type="SoftwareCenter", id="b", title="Beta")
    publish(center, build_wheel(tmp_path, "demo", "1.0"))
    page = lxml.html.fromstring(portal.restrictedTraverse("@@psc-controlpanel")())
    section = page.get_element_by_id("psc-centers")
    rows = [
        [cell.text_content().strip() for cell in row.cssselect("td")]
        for row in section.cssselect("tbody tr")
    ]
    assert rows == [["Beta", "0", "Edit"], ["Package index", "1", "Edit"]]
    links = [link.get("href") for link in section.cssselect("tbody a")]
    assert links[:2] == [
        portal["b"].absolute_url(),
        f"{portal['b'].absolute_url()}/edit",
    ]
    add = page.get_element_by_id("psc-add-center")
    assert add.get("href") == f"{portal.absolute_url()}/++add++SoftwareCenter"
    # The settings form is still there below.
    assert page.get_element_by_id("form-widgets-default_upload_size_limit") is not None
