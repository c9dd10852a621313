"""The authorization matrix: every actor against every action, over real HTTP.

Each cell states whether the actor may do the action and asserts both the
answer and the effect: an allowed action changes the site, a refused one
answers 4xx (or Plone's login redirect) and changes nothing. The center is
private, so the read routes show what each actor may see as well.
"""

from collective.psc.simple.data import file_path
from collective.psc.storage import get_storage
from collective.psc.tokens.store import create_token
from collective.psc.tokens.store import list_tokens
from collective.psc.upstream.files import pin
from collective.psc.upstream.files import UpstreamFile
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.protect.authenticator import createToken
from tests.fixtures.builder import build_wheel
from tests.fixtures.client import twine_fields
from tests.fixtures.served import fresh
from tests.fixtures.served import make_private
from tests.fixtures.servers import free_port
from tests.fixtures.servers import running

import hashlib
import pytest
import re
import requests
import sys
import transaction


PASSWORDS = {name: f"{name}-secret!" for name in ("alice", "bob", "carol", "mona")}
ACTORS = ["anonymous", "member", "maintainer", "owner", "manager", "token", "scoped"]
USERS = {"member": "bob", "maintainer": "carol", "owner": "alice", "manager": "mona"}
# Both tokens belong to alice; the scoped one to her project alices-tool.
TOKEN_USER = "alice"


@pytest.fixture
def world(portal_server, tmp_path):
    """Return a private center with users, two projects of alice, tokens, URLs."""
    with api.env.adopt_roles(["Manager"]):
        center = api.content.create(
            container=portal_server, type="SoftwareCenter", id="pypi", title="Index"
        )
        for name, password in PASSWORDS.items():
            api.user.create(
                email=f"{name}@example.org", username=name, password=password
            )
        api.user.grant_roles(username="mona", roles=["Manager"])
    transaction.commit()
    url = center.absolute_url()
    for name in ("alices-tool", "alices-other"):
        wheel = build_wheel(tmp_path / name, name, "1.0")
        answer = requests.post(
            f"{url}/legacy/",
            files=[(k, (None, v)) for k, v in twine_fields(wheel)]
            + [("content", (wheel.name, wheel.read_bytes(), "application/zip"))],
            auth=("alice", PASSWORDS["alice"]),
            timeout=60,
        )
        assert answer.status_code == 200, answer.reason
    transaction.begin()
    center = fresh(center)
    with api.env.adopt_user(username="alice"):
        center["alices-tool"].manage_setLocalRoles("carol", ["Maintainer"])
        center["alices-other"].manage_setLocalRoles("carol", ["Maintainer"])
        _info, token = create_token(center=center, user_id="alice")
        _info, scoped = create_token(
            center=center, user_id="alice", project="alices-tool"
        )
    transaction.commit()
    pin_upstream_file(fresh(center), tmp_path)
    make_private(center)
    return {"center": center, "url": url, "token": token, "scoped": scoped}


# An upstream nobody listens on: the center serves only the file it keeps.
CLOSED_UPSTREAM = "http://127.0.0.1:9/simple/"


def pin_upstream_file(center, tmp_path):
    """Keep a file of the upstream project upstream-tool, as if fetched before."""
    wheel = build_wheel(tmp_path / "upstream", "upstream-tool", "1.0")
    data = wheel.read_bytes()
    entry = {
        "hashes": {"sha256": hashlib.sha256(data).hexdigest()},
        "source": CLOSED_UPSTREAM,
    }
    record = UpstreamFile(
        filename=wheel.name,
        project="upstream-tool",
        entry=entry,
        size=len(data),
        storage=center.storage,
    )
    get_storage(center.storage).store(record, [data], center=center)
    pin(center, record)
    center.upstream_urls = [CLOSED_UPSTREAM]
    transaction.commit()


def auth_of(world, actor):
    if actor == "anonymous":
        return None
    if actor == "token":
        return ("__token__", world["token"])
    if actor == "scoped":
        return ("__token__", world["scoped"])
    return (USERS[actor], PASSWORDS[USERS[actor]])


def authenticator_of(actor):
    """Return the CSRF token of the actor, or of the token's user for tokens."""
    user = USERS.get(actor, TOKEN_USER if actor in ("token", "scoped") else None)
    if user is None:
        return ""
    transaction.begin()
    with api.env.adopt_user(username=user):
        return createToken()


def refused(answer):
    if answer.status_code in (401, 403, 404, 405):
        return True
    location = answer.headers.get("Location", "")
    return answer.status_code == 302 and (
        "require_login" in location or "login" in location
    )


# --- the actions: each returns the answer and a function telling the effect ---


def upload(world, auth, actor, project, tmp_path):
    wheel = build_wheel(tmp_path / "up", project, "2.0")
    answer = requests.post(
        f"{world['url']}/legacy/",
        files=[(k, (None, v)) for k, v in twine_fields(wheel)]
        + [("content", (wheel.name, wheel.read_bytes(), "application/zip"))],
        auth=auth,
        timeout=60,
    )
    return answer, lambda center: "2" in center[project]


def register(world, auth, actor, project, tmp_path):
    wheel = build_wheel(tmp_path / "reg", project, "3.0")
    fields = [(k, v) for k, v in twine_fields(wheel) if k != ":action"]
    answer = requests.post(
        f"{world['url']}/legacy/",
        files=[(k, (None, v)) for k, v in [*fields, (":action", "submit")]],
        auth=auth,
        timeout=60,
    )
    return answer, lambda center: "3" in center[project]


def form_post(world, auth, actor, path, fields):
    return requests.post(
        f"{world['url']}/{path}",
        data={**fields, "_authenticator": authenticator_of(actor)},
        auth=auth,
        allow_redirects=False,
        timeout=60,
    )


def yank(world, auth, actor, project, tmp_path):
    answer = form_post(
        world,
        auth,
        actor,
        f"{project}/1/@@manage-release",
        {"form.yank": "1", "reason": "broken"},
    )
    return answer, lambda center: center[project]["1"].yanked


def delete(world, auth, actor, project, tmp_path):
    answer = form_post(
        world, auth, actor, f"{project}/1/@@delete-release", {"form.delete": "1"}
    )
    return answer, lambda center: "1" not in center[project]


def maintainers(world, auth, actor, project, tmp_path):
    answer = form_post(
        world,
        auth,
        actor,
        f"{project}/@@maintainers",
        {"form.add": "1", "user_id": "bob"},
    )
    return (
        answer,
        lambda center: (
            "Maintainer" in center[project].get_local_roles_for_userid("bob")
        ),
    )


def import_release(world, auth, actor, project, tmp_path):
    wheel = build_wheel(tmp_path / "served", project, "4.0")
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    port = free_port()
    server = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with running([*server, "-d", str(wheel.parent)], port=port, run_dir=tmp_path):
        answer = form_post(
            world,
            auth,
            actor,
            f"{project}/@@import-release",
            {
                "form.import": "1",
                "spec": f"http://127.0.0.1:{port}/{wheel.name}#sha256={digest}",
            },
        )
    return answer, lambda center: "4" in center[project]


def tokens_via(path, extra=None):
    def action(world, auth, actor, project, tmp_path):
        before = _token_count(world)
        answer = form_post(
            world,
            auth,
            actor,
            path,
            {"form.create": "1", "description": "made by " + actor, **(extra or {})},
        )
        return answer, lambda center: _token_count(world) > before

    return action


def _token_count(world):
    transaction.begin()
    # The site owner, a Manager, lists every user's tokens.
    with api.env.adopt_user(username=SITE_OWNER_NAME):
        return len(list_tokens(center=fresh(world["center"])))


def settings(world, auth, actor, project, tmp_path):
    site = world["url"].rsplit("/", 1)[0]
    answer = requests.post(
        f"{site}/@@psc-controlpanel",
        data={
            "_authenticator": authenticator_of(actor),
            "form.widgets.default_upload_size_limit": "7",
            "form.widgets.default_storage:list": "blob",
            "form.widgets.classifier_policy:list": "known-or-private",
            "form.buttons.save": "Save",
        },
        auth=auth,
        allow_redirects=False,
        timeout=60,
    )

    def effect(center):
        # Read back over HTTP, as the manager sees the form.
        page = requests.get(
            f"{site}/@@psc-controlpanel", auth=auth_of(world, "manager"), timeout=60
        )
        field = re.search(
            r'<input[^>]*name="form.widgets.default_upload_size_limit"[^>]*>',
            page.text,
        )
        return 'value="7"' in field.group(0)

    return answer, effect


def dotted_action(world, auth, actor, project, tmp_path):
    """POST to legacy/ with ``:action=../@@api-tokens`` (a token's way out)."""
    before = _token_count(world)
    answer = requests.post(
        f"{world['url']}/legacy/",
        data={
            ":action": "../@@api-tokens",
            "form.create": "1",
            "_authenticator": authenticator_of(actor),
        },
        auth=auth,
        allow_redirects=False,
        timeout=60,
    )
    return answer, lambda center: _token_count(world) > before


PEOPLE = {"member", "maintainer", "owner", "manager"}
WRITE = {
    # action: (callable, project, actors allowed)
    "upload own": (
        upload,
        "alices-tool",
        {"owner", "maintainer", "manager", "token", "scoped"},
    ),
    "upload other": (
        upload,
        "alices-other",
        {"owner", "maintainer", "manager", "token"},
    ),
    "register own": (
        register,
        "alices-tool",
        {"owner", "maintainer", "manager", "token", "scoped"},
    ),
    "register other": (
        register,
        "alices-other",
        {"owner", "maintainer", "manager", "token"},
    ),
    "yank": (yank, "alices-tool", {"owner", "maintainer", "manager"}),
    "delete": (delete, "alices-tool", {"owner", "maintainer", "manager"}),
    "maintainers": (maintainers, "alices-tool", {"owner", "manager"}),
    "import release": (
        import_release,
        "alices-tool",
        {"owner", "maintainer", "manager"},
    ),
    "tokens": (tokens_via("@@api-tokens"), "alices-tool", PEOPLE),
    "tokens via simple/..": (
        tokens_via("simple/../@@api-tokens"),
        "alices-tool",
        PEOPLE,
    ),
    "tokens via :action": (dotted_action, "alices-tool", PEOPLE),
    "settings": (settings, "alices-tool", {"manager"}),
}


@pytest.mark.functional
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(WRITE))
def test_write(world, tmp_path, action, actor):
    call, project, allowed = WRITE[action]
    answer, effect = call(world, auth_of(world, actor), actor, project, tmp_path)
    transaction.begin()
    happened = effect(fresh(world["center"]))
    if actor in allowed:
        assert answer.status_code in (200, 302), (answer.status_code, answer.reason)
        assert not refused(answer), answer.headers.get("Location")
        assert happened, f"{actor} may {action} but nothing changed"
    else:
        assert refused(answer), (answer.status_code, answer.reason, answer.headers)
        assert not happened, f"{actor} may not {action}, yet it happened"
    assert answer.status_code < 500


READERS = {"member", "maintainer", "owner", "manager", "token", "scoped"}
UPSTREAM_WHEEL = "upstream_tool-1.0-py3-none-any.whl"
PAGE_READERS = {"member", "maintainer", "owner", "manager"}
READ = {
    "simple list": ("simple/", READERS),
    "simple project": ("simple/alices-tool/", READERS),
    "archive": ("packages/{archive}", READERS),
    "metadata": ("packages/{archive}.metadata", READERS),
    "find-links": ("links/", READERS),
    "json api": ("pypi/alices-tool/json", READERS),
    "listing page": ("", PAGE_READERS),
    "project page": ("alices-tool", PAGE_READERS),
    "release page": ("alices-tool/1", PAGE_READERS),
    "feed": ("@@releases.atom", PAGE_READERS),
    "project feed": ("alices-tool/@@releases.atom", PAGE_READERS),
    "tokens page": ("@@api-tokens", PAGE_READERS),
    "journal": ("journal", set()),
    "journal serials": ("journal/project_serials", set()),
    "upstream file": (f"upstream-files/upstream-tool/{UPSTREAM_WHEEL}", READERS),
    "upstream conflicts": ("@@upstream-conflicts", {"manager"}),
    "import release form": (
        "alices-tool/@@import-release",
        {"maintainer", "owner", "manager"},
    ),
    "center import form": ("@@import-release", PAGE_READERS),
    "upstream conflicts json": ("@@upstream-conflicts.json", {"manager"}),
}


@pytest.mark.functional
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("route", list(READ))
def test_read_private_center(world, route, actor):
    path, allowed = READ[route]
    transaction.begin()
    center = fresh(world["center"])
    [distribution] = center["alices-tool"]["1"].files()
    archive = file_path(distribution).removeprefix("packages/")
    answer = requests.get(
        f"{world['url']}/{path.format(archive=archive)}",
        auth=auth_of(world, actor),
        allow_redirects=False,
        timeout=60,
    )
    if actor in allowed:
        assert answer.status_code == 200, (answer.status_code, answer.reason)
    else:
        assert refused(answer), (answer.status_code, answer.headers)
        assert "alices" not in answer.text or answer.status_code == 302
    assert answer.status_code < 500


# A private center answers a missing name as it answers an existing one, to
# everyone who may not read it; readers get 200 and 404.
PAIRS = {
    "project page": ("alices-tool", "no-such-tool"),
    "release page": ("alices-tool/1", "alices-tool/99"),
    "file page": ("alices-tool/1/{file_id}", "alices-tool/1/no-such-file"),
    "project feed": ("alices-tool/@@releases.atom", "no-such-tool/@@releases.atom"),
    "release view": ("alices-tool/1/@@psc-release", "alices-tool/98/@@psc-release"),
    "rest api": ("++api++/alices-tool", "++api++/no-such-tool"),
    "simple page": ("simple/alices-tool/", "simple/no-such-tool/"),
    "json api": ("pypi/alices-tool/json", "pypi/no-such-tool/json"),
    "upstream file": (
        f"upstream-files/upstream-tool/{UPSTREAM_WHEEL}",
        "upstream-files/upstream-tool/upstream_tool-9.0-py3-none-any.whl",
    ),
}


@pytest.mark.functional
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("pair", list(PAIRS))
def test_missing_names_look_like_existing_ones(world, pair, actor):
    transaction.begin()
    [distribution] = fresh(world["center"])["alices-tool"]["1"].files()
    existing, missing = (
        path.format(file_id=distribution.getId()) for path in PAIRS[pair]
    )
    if existing.startswith("++api++"):
        site = world["url"].rsplit("/", 1)[0]
        existing, missing = (
            f"{site}/++api++/pypi/{path.removeprefix('++api++/')}"
            for path in (existing, missing)
        )
    else:
        existing, missing = (f"{world['url']}/{path}" for path in (existing, missing))
    answers = [
        requests.get(url, auth=auth_of(world, actor), allow_redirects=False, timeout=60)
        for url in (existing, missing)
    ]
    readers = (
        READERS
        if pair in ("simple page", "json api", "upstream file")
        else PAGE_READERS
    )
    if actor in readers:
        assert [answer.status_code for answer in answers] == [200, 404]
    else:
        assert refused(answers[0]) and refused(answers[1])
        assert answers[0].status_code == answers[1].status_code
        assert answers[0].headers.get("WWW-Authenticate") == answers[1].headers.get(
            "WWW-Authenticate"
        )


def review_state(world):
    site = world["url"].rsplit("/", 1)[0]
    answer = requests.get(
        f"{site}/++api++/pypi",
        auth=auth_of(world, "manager"),
        headers={"Accept": "application/json"},
        timeout=60,
    )
    return answer.json()["review_state"]


@pytest.mark.functional
@pytest.mark.parametrize(
    ("headers", "refused_"),
    [
        ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}, True),
        ({"Sec-Fetch-Site": "same-site"}, True),
        ({"Origin": "https://evil.example"}, True),
        ({"Origin": "null"}, True),
        ({"Sec-Fetch-Site": "same-origin", "Origin": "{own}"}, False),
        ({"Origin": "{own}"}, False),
        ({}, False),
    ],
    ids=["cross-site", "same-site", "origin", "opaque", "same-origin", "own", "none"],
)
def test_cross_site_rest_change_with_basic_credentials(world, headers, refused_):
    site = world["url"].rsplit("/", 1)[0]
    own = "/".join(site.split("/")[:3])
    headers = {key: value.format(own=own) for key, value in headers.items()}
    assert review_state(world) == "private"
    answer = requests.post(
        f"{site}/++api++/pypi/@workflow/make_public",
        auth=auth_of(world, "manager"),
        headers={"Accept": "application/json", **headers},
        timeout=60,
    )
    if refused_:
        assert answer.status_code == 403, answer.text
        assert review_state(world) == "private"
    else:
        assert answer.status_code == 200, answer.text
        assert review_state(world) == "public"


# --- packaging fields: only uploads write them, whatever the role ---


def rest(world, auth, method, path, body):
    site = world["url"].rsplit("/", 1)[0]
    return requests.request(
        method,
        f"{site}/++api++/pypi/{path}",
        json=body,
        auth=auth,
        headers={"Accept": "application/json"},
        allow_redirects=False,
        timeout=60,
    )


def the_file(center):
    [distribution] = center["alices-tool"]["1"].files()
    return distribution


def patch_sha256(world, auth, actor):
    transaction.begin()
    file_id = the_file(fresh(world["center"])).getId()
    answer = rest(
        world, auth, "PATCH", f"alices-tool/1/{file_id}", {"sha256": "0" * 64}
    )
    return answer, lambda center: the_file(center).sha256 == "0" * 64


def patch_version(world, auth, actor):
    answer = rest(world, auth, "PATCH", "alices-tool/1", {"version": "9.9"})
    return answer, lambda center: center["alices-tool"]["1"].version == "9.9"


def patch_license(world, auth, actor):
    answer = rest(world, auth, "PATCH", "alices-tool", {"license": "Forged"})
    return answer, lambda center: center["alices-tool"].license == "Forged"


def post_file(world, auth, actor):
    body = {
        "@type": "DistributionFile",
        "title": "forged-1.0.tar.gz",
        "id": "forged-1.0.tar.gz",
        "filename": "forged-1.0.tar.gz",
        "package_type": "sdist",
        "sha256": "0" * 64,
        "blake2_256": "0" * 64,
        "size": 1,
        "storage": "blob",
        "upload_time": "2020-01-01T00:00:00",
    }
    answer = rest(world, auth, "POST", "alices-tool/1", body)
    return answer, lambda center: len(center["alices-tool"]["1"].objectIds()) != 1


def post_release(world, auth, actor):
    body = {"@type": "SoftwareRelease", "id": "7", "title": "7", "version": "7"}
    answer = rest(world, auth, "POST", "alices-tool", body)
    return answer, lambda center: len(center["alices-tool"].objectIds()) != 1


def edit_form(field, value):
    def action(world, auth, actor):
        answer = form_post(
            world,
            auth,
            actor,
            "alices-tool/@@edit",
            {
                "form.widgets.IBasic.title": "alices-tool",
                f"form.widgets.{field}": value,
                "form.buttons.save": "Save",
            },
        )
        return (
            answer,
            lambda center: value in str(getattr(center["alices-tool"], field)),
        )

    return action


def patch_categories(world, auth, actor):
    answer = rest(world, auth, "PATCH", "alices-tool", {"categories": ["Forms"]})
    return answer, lambda center: center["alices-tool"].categories == ["Forms"]


def edit_form_categories(world, auth, actor):
    """Tick a category of the site's list on the edit form."""
    answer = form_post(
        world,
        auth,
        actor,
        "alices-tool/@@edit",
        {
            "form.widgets.IBasic.title": "alices-tool",
            "form.widgets.categories:list": "Search",
            "form.widgets.categories-empty-marker": "1",
            "form.buttons.save": "Save",
        },
    )
    return answer, lambda center: center["alices-tool"].categories == ["Search"]


# Who may edit a project's page (Modify portal content): the rest is refused.
EDITORS = {"owner", "manager"}
PACKAGING = {
    # action: (callable, actors whose change takes effect)
    "REST PATCH file sha256": (patch_sha256, set()),
    "REST PATCH release version": (patch_version, set()),
    "REST PATCH project license": (patch_license, set()),
    "REST POST DistributionFile": (post_file, set()),
    "REST POST SoftwareRelease": (post_release, set()),
    "edit form license": (edit_form("license", "Forged"), set()),
    "REST PATCH project categories": (patch_categories, EDITORS),
    "edit form categories": (edit_form_categories, EDITORS),
}


@pytest.mark.functional
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(PACKAGING))
def test_packaging_fields(world, action, actor):
    call, allowed = PACKAGING[action]
    answer, effect = call(world, auth_of(world, actor), actor)
    transaction.begin()
    happened = effect(fresh(world["center"]))
    assert answer.status_code < 500, (answer.status_code, answer.text)
    if actor in allowed:
        assert answer.status_code in (200, 204, 302), (answer.status_code, answer.text)
        assert not refused(answer), answer.headers.get("Location")
        assert happened, f"{actor} may {action} but nothing changed"
    else:
        assert not happened, f"{actor} may not {action}, yet it happened"
        if actor not in EDITORS:
            assert refused(answer), (answer.status_code, answer.text)
