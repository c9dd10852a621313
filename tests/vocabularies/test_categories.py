"""Project categories come from the site's list, managed in the control panel."""

from collective.psc.controlpanel.interfaces import DEFAULT_CATEGORIES
from collective.psc.vocabularies.categories import project_categories
from plone import api
from tests.fixtures.builder import build_wheel
from tests.fixtures.examples import publish

import lxml.html


def test_the_site_offers_its_list_of_categories(portal):
    assert [term.value for term in project_categories(portal)] == DEFAULT_CATEGORIES
    api.portal.set_registry_record("collective.psc.categories", ["Forms", " ", "Maps"])
    assert [term.value for term in project_categories(portal)] == ["Forms", "Maps"]


def test_a_category_the_site_dropped_stays_on_its_projects(center, tmp_path):
    publish(center, build_wheel(tmp_path, "demo", "1.0"))
    project = center["demo"]
    project.categories = ["Forms", "Weather"]
    values = [term.value for term in project_categories(project)]
    assert values == [*DEFAULT_CATEGORIES, "Weather"]
    assert len({term.token for term in project_categories(project)}) == len(values)


def test_the_edit_form_offers_the_categories_as_checkboxes(center, tmp_path):
    publish(center, build_wheel(tmp_path, "demo", "1.0"))
    project = center["demo"]
    request = project.REQUEST
    request.form.clear()
    # As the publisher does: with a user, the form checks field permissions.
    request.set("AUTHENTICATED_USER", api.user.get_current())
    page = lxml.html.fromstring(project.restrictedTraverse("@@edit")())
    boxes = page.cssselect("input[type=checkbox][name='form.widgets.categories:list']")
    labels = [
        page.cssselect(f"label[for='{box.get('id')}']")[0].text_content().strip()
        for box in boxes
    ]
    assert labels == DEFAULT_CATEGORIES
    # What uploads overwrite is not on the form.
    for field in ("classifiers", "author", "long_description", "license"):
        assert not page.cssselect(f"[name^='form.widgets.IProjectSchema.{field}']")
        assert not page.cssselect(f"[name^='form.widgets.{field}']")
