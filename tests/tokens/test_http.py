"""API tokens over HTTP, through a real WSGI server.

``<center>/file_upload`` is a stand-in endpoint (see server.py) answering
with the user the request was authenticated as and its token's scope.
"""

from collective.psc.services import projects
from collective.psc.tokens.store import create_token
from collective.psc.tokens.store import list_tokens
from collective.psc.tokens.store import revoke_token
from collective.psc.tokens.uses import token_uses
from datetime import datetime
from datetime import UTC
from plone import api
from tests.tokens.server import IWhoAmICenter
from tests.tokens.server import PASSWORD
from zope.interface import alsoProvides

import base64
import json
import pytest
import transaction
import urllib.error
import urllib.parse
import urllib.request


ANONYMOUS = "Anonymous User"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def call(url, *, login=None, password=None, data=None):
    """Return status, headers and body of a request, sending Basic credentials."""
    request = urllib.request.Request(url, data=data)
    if login is not None:
        credentials = base64.b64encode(f"{login}:{password}".encode()).decode()
        request.add_header("Authorization", f"Basic {credentials}")
    try:
        with OPENER.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def site(token_server):
    """Return a committed center, alice's project and two tokens of alice."""
    portal = token_server["portal"]
    with api.env.adopt_roles(["Manager"]):
        for name in ("alice", "bob"):
            api.user.create(
                email=f"{name}@example.org", username=name, password=PASSWORD
            )
        center = api.content.create(container=portal, type="SoftwareCenter", id="pypi")
    alsoProvides(center, IWhoAmICenter)
    with api.env.adopt_user(username="alice"):
        projects.get_or_create_project(center=center, name="alices-tool")
        info, token = create_token(center=center, user_id="alice")
        scoped_info, scoped = create_token(
            center=center, user_id="alice", project="alices-tool"
        )
    transaction.commit()
    url = f"http://{token_server['host']}:{token_server['port']}/plone/pypi"
    return {
        "center": center,
        "url": url,
        "info": info,
        "token": token,
        "scoped_info": scoped_info,
        "scoped": scoped,
    }


def whoami(url, token, data=None):
    status, _headers, body = call(url, login="__token__", password=token, data=data)
    assert status == 200, body
    return json.loads(body)


def test_token_authenticates_api_request(site):
    answer = whoami(f"{site['url']}/file_upload", site["token"])
    assert answer == {"user": "alice", "token": site["info"].id, "scope": None}


def test_action_field_makes_the_api_path(site):
    # twine posts to the repository URL with :action=file_upload.
    data = urllib.parse.urlencode({":action": "file_upload"}).encode()
    answer = whoami(f"{site['url']}/", site["token"], data=data)
    assert answer["user"] == "alice"


def test_wrong_tokens_stay_anonymous(site):
    url = f"{site['url']}/file_upload"
    token = site["token"]
    for candidate in (token[:-2], token.replace("psc-", "psc-0"), "nonsense"):
        assert whoami(url, candidate)["user"] == ANONYMOUS
    status, _headers, body = call(url, login="alice", password=token)
    assert json.loads(body)["user"] == ANONYMOUS


def test_revoked_token_and_deleted_user(site):
    url = f"{site['url']}/file_upload"
    with api.env.adopt_user(username="alice"):
        revoke_token(center=site["center"], token_id=site["info"].id)
    transaction.commit()
    assert whoami(url, site["token"])["user"] == ANONYMOUS
    assert whoami(url, site["scoped"])["user"] == "alice"
    with api.env.adopt_roles(["Manager"]):
        api.user.delete(username="alice")
    transaction.commit()
    assert whoami(url, site["scoped"])["user"] == ANONYMOUS


def test_project_scope_reaches_the_endpoint(site):
    url = f"{site['url']}/file_upload"
    answer = whoami(f"{url}?name=Alices_Tool", site["scoped"])
    assert answer == {
        "user": "alice",
        "token": site["scoped_info"].id,
        "scope": "alices-tool",
    }
    status, _headers, body = call(
        f"{url}?name=other", login="__token__", password=site["scoped"]
    )
    assert status == 403
    assert (
        "scoped to project 'alices-tool'; it cannot upload to or register 'other'"
        in body
    )
    assert whoami(f"{url}?name=other", site["token"])["user"] == "alice"


def test_token_does_not_open_web_pages(site):
    url = f"{site['url']}/@@api-tokens"
    status, _headers, body = call(url, login="alice", password=PASSWORD)
    assert status == 200
    assert "API tokens" in body
    status, headers, body = call(url, login="__token__", password=site["token"])
    assert status in (302, 401), status
    if status == 302:
        assert "login" in headers["Location"]
    assert site["info"].id not in body


@pytest.mark.parametrize(
    "path", ["simple/../@@api-tokens", "legacy/../@@api-tokens", "simple/%2E%2E/edit"]
)
def test_dot_segments_do_not_carry_a_token_to_pages(site, path):
    status, _headers, body = call(
        f"{site['url']}/{path}", login="__token__", password=site["token"]
    )
    assert status in (302, 401, 404), status
    assert "Create a token" not in body
    assert site["info"].id not in body


def test_action_with_dot_segments_reaches_no_page(site):
    data = urllib.parse.urlencode(
        {":action": "../@@api-tokens", "form.create": "1", "description": "x"}
    ).encode()
    status, _headers, body = call(
        f"{site['url']}/legacy/", login="__token__", password=site["token"], data=data
    )
    assert status in (302, 401, 404), status
    transaction.begin()
    with api.env.adopt_user(username="alice"):
        tokens = list_tokens(center=site["center"], user_id="alice")
    assert [info.id for info in tokens] == [site["info"].id, site["scoped_info"].id]


def alices_tokens(site) -> dict:
    """Return alice's tokens by id as the database has them now."""
    transaction.begin()
    with api.env.adopt_user(username="alice"):
        return {
            info.id: info
            for info in list_tokens(center=site["center"], user_id="alice")
        }


def test_a_token_records_its_last_use_on_index_reads_and_uploads(site):
    assert {info.last_used for info in alices_tokens(site).values()} == {None}
    before = datetime.now(UTC).replace(microsecond=0)
    # A read of the simple index (an HTML page, as pip asks for it) records
    # the use without Plone's CSRF protection stepping in.
    status, _headers, body = call(
        f"{site['url']}/simple/", login="__token__", password=site["token"]
    )
    assert status == 200, body
    tokens = alices_tokens(site)
    used = tokens[site["info"].id].last_used
    assert used is not None
    assert before <= used <= datetime.now(UTC)
    assert tokens[site["scoped_info"].id].last_used is None
    # Within the resolution a second use writes nothing.
    serial = token_uses(site["center"])._p_serial
    whoami(f"{site['url']}/file_upload", site["token"])
    assert alices_tokens(site)[site["info"].id].last_used == used
    assert token_uses(site["center"])._p_serial == serial
    whoami(f"{site['url']}/file_upload?name=alices-tool", site["scoped"])
    assert alices_tokens(site)[site["scoped_info"].id].last_used >= used
    assert token_uses(site["center"])._p_serial != serial
    # A password login records nothing for any token.
    times = token_uses(site["center"]).times.copy()
    status, _headers, _body = call(
        f"{site['url']}/simple/", login="alice", password=PASSWORD
    )
    assert status == 200
    transaction.begin()
    assert token_uses(site["center"]).times == times


def test_the_tokens_page_and_revoking_show_and_forget_the_last_use(site):
    whoami(f"{site['url']}/file_upload", site["token"])
    used = alices_tokens(site)[site["info"].id].last_used
    status, _headers, body = call(
        f"{site['url']}/@@api-tokens", login="alice", password=PASSWORD
    )
    assert status == 200
    assert "Last used" in body
    assert used.strftime("%Y-%m-%d %H:%M UTC") in body
    with api.env.adopt_user(username="alice"):
        revoke_token(center=site["center"], token_id=site["info"].id)
    transaction.commit()
    assert site["info"].id not in token_uses(site["center"]).times
