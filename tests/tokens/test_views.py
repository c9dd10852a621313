"""The @@api-tokens page: create once-shown tokens, list and revoke them."""

from collective.psc.services import projects
from collective.psc.tokens.store import authenticate_token
from collective.psc.tokens.store import create_token
from collective.psc.tokens.store import list_tokens
from datetime import timedelta
from plone import api
from plone.testing.zope import Browser
from tests.tokens.server import PASSWORD
from zExceptions import Forbidden

import lxml.html
import pytest
import re
import transaction


TOKEN = re.compile(r"psc-[0-9a-f]{12}\.[A-Za-z0-9_-]{43}")


@pytest.fixture
def tokens_center(token_server):
    """Return a committed center with a project of alice and one of bob."""
    portal = token_server["portal"]
    with api.env.adopt_roles(["Manager"]):
        for name in ("alice", "bob"):
            api.user.create(
                email=f"{name}@example.org", username=name, password=PASSWORD
            )
        center = api.content.create(container=portal, type="SoftwareCenter", id="pypi")
    with api.env.adopt_user(username="alice"):
        projects.get_or_create_project(center=center, name="Alices-Tool")
    with api.env.adopt_user(username="bob"):
        projects.get_or_create_project(center=center, name="bobs-tool")
    transaction.commit()
    return center


def browser_for(token_server, username):
    browser = Browser(token_server["app"])
    browser.handleErrors = False
    browser.raiseHttpErrors = True
    browser.addHeader("Authorization", f"Basic {username}:{PASSWORD}")
    return browser


def page(browser):
    return lxml.html.fromstring(browser.contents)


def tokens_of(center, username):
    """Return a user's tokens as committed, read as that user."""
    transaction.begin()
    with api.env.adopt_user(username=username):
        return list_tokens(center=center, user_id=username)


def test_create_shows_the_token_once(token_server, tokens_center):
    browser = browser_for(token_server, "alice")
    browser.open(f"{tokens_center.absolute_url()}/@@api-tokens")
    assert "You have no API tokens" in browser.contents
    scope = browser.getControl(name="project")
    assert scope.options == ["", "alices-tool"]
    browser.getControl("Description").value = "CI of my tool"
    scope.value = ["alices-tool"]
    browser.getControl("Create token").click()
    tokens = TOKEN.findall(browser.contents)
    assert len(tokens) == 1
    assert browser.headers["Cache-Control"] == "no-store"
    assert "it will not be shown again" in browser.contents
    assert "__token__" in browser.contents
    [info] = tokens_of(tokens_center, "alice")
    assert (info.description, info.project) == ("CI of my tool", "alices-tool")
    assert authenticate_token(center=tokens_center, token=tokens[0]) == info

    browser.open(f"{tokens_center.absolute_url()}/@@api-tokens")
    assert TOKEN.search(browser.contents) is None
    assert tokens[0].split(".")[1] not in browser.contents
    row = page(browser).xpath(f"//table[@id='api-tokens']//tr[td/code='{info.id}']")
    assert len(row) == 1
    cells = [" ".join(cell.text_content().split()) for cell in row[0].xpath("td")]
    assert cells[:3] == [info.id, "CI of my tool", "alices-tool"]
    assert cells[3].endswith("UTC")


def test_page_lists_own_tokens_only(token_server, tokens_center):
    with api.env.adopt_user(username="bob"):
        bobs, _token = create_token(center=tokens_center, user_id="bob")
    with api.env.adopt_user(username="alice"):
        alices, _token = create_token(center=tokens_center, user_id="alice")
    transaction.commit()
    browser = browser_for(token_server, "alice")
    browser.open(f"{tokens_center.absolute_url()}/@@api-tokens")
    assert alices.id in browser.contents
    assert bobs.id not in browser.contents
    assert "All my projects" in browser.contents


def test_revoke(token_server, tokens_center):
    with api.env.adopt_user(username="alice"):
        first, _token = create_token(center=tokens_center, user_id="alice")
        second, _token = create_token(center=tokens_center, user_id="alice")
    transaction.commit()
    browser = browser_for(token_server, "alice")
    browser.open(f"{tokens_center.absolute_url()}/@@api-tokens")
    forms = page(browser).xpath("//table[@id='api-tokens']//form")
    assert len(forms) == 2
    revoke = browser.getControl(name="form.revoke", index=0)
    revoke.click()
    assert browser.url.endswith("/@@api-tokens")
    assert f"The API token {first.id} is revoked." in browser.contents
    assert tokens_of(tokens_center, "alice") == [second]


def test_post_without_authenticator_is_refused(token_server, tokens_center):
    with api.env.adopt_user(username="alice"):
        info, _token = create_token(center=tokens_center, user_id="alice")
    transaction.commit()
    browser = browser_for(token_server, "alice")
    url = f"{tokens_center.absolute_url()}/@@api-tokens"
    for data in (
        "form.create=create&description=x",
        f"form.revoke=1&token_id={info.id}",
    ):
        with pytest.raises(Forbidden, match="Form authenticator is invalid"):
            browser.post(url, data)
    assert tokens_of(tokens_center, "alice") == [info]


def test_get_changes_nothing(token_server, tokens_center):
    with api.env.adopt_user(username="alice"):
        info, _token = create_token(center=tokens_center, user_id="alice")
    transaction.commit()
    browser = browser_for(token_server, "alice")
    url = f"{tokens_center.absolute_url()}/@@api-tokens"
    browser.open(url)
    authenticator = browser.getControl(name="_authenticator", index=0).value
    browser.open(f"{url}?form.create=1&_authenticator={authenticator}")
    browser.open(
        f"{url}?form.revoke=1&token_id={info.id}&_authenticator={authenticator}"
    )
    assert tokens_of(tokens_center, "alice") == [info]


def test_anonymous_cannot_see_the_page(token_server, tokens_center):
    browser = Browser(token_server["app"])
    browser.raiseHttpErrors = False
    browser.open(f"{tokens_center.absolute_url()}/@@api-tokens")
    assert "/login?came_from=" in browser.url
    assert "Create token" not in browser.contents


def test_create_error_is_shown(token_server, tokens_center):
    browser = browser_for(token_server, "alice")
    url = f"{tokens_center.absolute_url()}/@@api-tokens"
    browser.open(url)
    authenticator = browser.getControl(name="_authenticator", index=0).value
    # A project alice may not upload to, posted as if the select offered it.
    browser.post(
        url,
        f"form.create=1&project=bobs-tool&description=x&_authenticator={authenticator}",
    )
    assert "'alice' cannot upload to a project 'bobs-tool'" in browser.contents
    assert TOKEN.search(browser.contents) is None
    assert tokens_of(tokens_center, "alice") == []


def test_a_token_with_a_lifetime_shows_its_expiry_and_revoke_asks_first(
    token_server, tokens_center
):
    browser = browser_for(token_server, "alice")
    browser.open(f"{tokens_center.absolute_url()}/@@api-tokens")
    expires = browser.getControl(name="expires")
    assert expires.options == ["0", "30", "90", "365"]
    expires.value = ["90"]
    browser.getControl("Create token").click()
    copy = page(browser).xpath("//button[@data-psc-copy='psc-new-token']")
    assert len(copy) == 1
    assert TOKEN.fullmatch(page(browser).get_element_by_id("psc-new-token").text)
    [info] = tokens_of(tokens_center, "alice")
    assert info.expires - info.created == timedelta(days=90)
    browser.open(f"{tokens_center.absolute_url()}/@@api-tokens")
    [row] = page(browser).xpath(f"//table[@id='api-tokens']//tr[td/code='{info.id}']")
    assert info.expires.strftime("%Y-%m-%d") in row.text_content()
    [form] = row.xpath(".//form")
    assert "Revoke this token?" in form.get("data-psc-confirm")
