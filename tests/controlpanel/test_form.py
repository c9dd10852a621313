"""The control panel form and its plone.restapi twin, over a real WSGI server."""

from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD

import pytest
import re
import requests
import transaction


MANAGER = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)
MEMBER = ("carol", "carol-secret")


@pytest.fixture
def site_url(portal_server):
    """Return the URL of the served portal, with a member who is no manager."""
    with api.env.adopt_roles(["Manager"]):
        api.user.create(
            email="carol@example.org", username=MEMBER[0], password=MEMBER[1]
        )
    transaction.commit()
    return portal_server.absolute_url()


def registry_value(field):
    transaction.begin()
    return api.portal.get_registry_record(f"collective.psc.{field}")


def authenticator(site_url):
    """Return the CSRF token the form carries for the manager."""
    page = requests.get(f"{site_url}/@@psc-controlpanel", auth=MANAGER, timeout=30)
    return re.search(r'name="_authenticator"[^>]*value="([^"]+)"', page.text).group(1)


def test_manager_sees_the_form_with_the_current_values(site_url):
    answer = requests.get(f"{site_url}/@@psc-controlpanel", auth=MANAGER, timeout=30)
    assert answer.status_code == 200
    assert "Software centers" in answer.text
    size = re.search(
        r'<input[^>]*name="form.widgets.default_upload_size_limit"[^>]*>', answer.text
    )
    assert size is not None and 'value="100"' in size.group(0)
    assert 'name="form.widgets.default_storage:list"' in answer.text
    assert 'value="known-only"' in answer.text


def test_manager_saves_the_form(site_url):
    answer = requests.post(
        f"{site_url}/@@psc-controlpanel",
        auth=MANAGER,
        data={
            "_authenticator": authenticator(site_url),
            "form.widgets.default_upload_size_limit": "250",
            "form.widgets.default_storage:list": "blob",
            "form.widgets.classifier_policy:list": "well-formed",
            "form.buttons.save": "Save",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302
    assert registry_value("default_upload_size_limit") == 250
    assert registry_value("classifier_policy") == "well-formed"


def test_an_invalid_value_is_refused_and_nothing_is_saved(site_url):
    answer = requests.post(
        f"{site_url}/@@psc-controlpanel",
        auth=MANAGER,
        data={
            "_authenticator": authenticator(site_url),
            "form.widgets.default_upload_size_limit": "0",
            "form.widgets.default_storage:list": "blob",
            "form.widgets.classifier_policy:list": "known-only",
            "form.buttons.save": "Save",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 200
    assert "There were some errors" in answer.text
    assert registry_value("default_upload_size_limit") == 100
    assert registry_value("classifier_policy") == "known-or-private"


@pytest.mark.parametrize("auth", [None, MEMBER], ids=["anonymous", "member"])
def test_others_may_not_open_the_form(site_url, auth):
    answer = requests.get(
        f"{site_url}/@@psc-controlpanel", auth=auth, allow_redirects=False, timeout=30
    )
    # Plone answers Unauthorized with its login page, for members too.
    assert answer.status_code == 302
    assert "require_login" in answer.headers["Location"]
    assert 'name="form.widgets.default_upload_size_limit"' not in answer.text


def test_the_configlet_is_listed_in_the_site_setup(site_url):
    answer = requests.get(
        f"{site_url}/@@overview-controlpanel", auth=MANAGER, timeout=30
    )
    assert f"{site_url}/@@psc-controlpanel" in answer.text


def test_restapi_reads_and_writes_the_settings(site_url):
    url = f"{site_url}/@controlpanels/collective.psc"
    headers = {"Accept": "application/json"}
    answer = requests.get(url, auth=MANAGER, headers=headers, timeout=30)
    assert answer.status_code == 200
    document = answer.json()
    assert document["data"]["default_upload_size_limit"] == 100
    assert "classifier_policy" in document["schema"]["properties"]
    patched = requests.patch(
        url,
        auth=MANAGER,
        headers=headers,
        json={"default_upload_size_limit": 20},
        timeout=30,
    )
    assert patched.status_code == 204
    assert registry_value("default_upload_size_limit") == 20


def test_restapi_refuses_the_settings_to_a_member(site_url):
    answer = requests.get(
        f"{site_url}/@controlpanels/collective.psc",
        auth=MEMBER,
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert answer.status_code == 401
