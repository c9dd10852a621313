"""The pages rendered in an integration layer, and who may use the maintainer tools."""

from AccessControl import Unauthorized
from collective.psc import exceptions
from collective.psc.services import maintainers
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from plone import api
from plone.app.testing import logout
from plone.protect.authenticator import createToken
from Products.statusmessages.interfaces import IStatusMessage
from tests.fixtures.builder import build_wheel
from tests.fixtures.examples import publish
from tests.fixtures.examples import publish_examples
from zExceptions import Forbidden
from zope.annotation.interfaces import IAnnotations

import lxml.html
import pytest
import re


@pytest.fixture
def examples(center, tmp_path):
    publish_examples(center, tmp_path)
    return center


@pytest.fixture
def members(portal):
    for name in ("alice", "bob"):
        api.user.create(email=f"{name}@example.org", username=name, password="secret!1")


def next_request(context):
    """Forget the roles and permissions the request cached, as a new request would."""
    annotations = IAnnotations(context.REQUEST)
    for key in [key for key in annotations if str(key).startswith("borg.localrole")]:
        del annotations[key]


def render(context, name, **form):
    request = context.REQUEST
    request.form.clear()
    request.form.update(form)
    return context.restrictedTraverse(name)()


def post(context, name, *, token=True, **form):
    request = context.REQUEST
    request.form.clear()
    request.form.update(form)
    if token:
        request.form["_authenticator"] = createToken()
    request.method = "POST"
    request.environ["REQUEST_METHOD"] = "POST"
    try:
        return context.restrictedTraverse(name)()
    finally:
        request.method = "GET"
        request.environ["REQUEST_METHOD"] = "GET"


def normalized(html):
    """Return the page with whitespace collapsed and none before '>'."""
    return re.sub(r"\s+>", ">", re.sub(r"\s+", " ", html))


def listed(html):
    return re.findall(r'<h2 class="h5 mb-1">\s*<a href="[^"]*/([^"/]+)"', html)


@pytest.mark.parametrize(
    "form,expected",
    [
        ({}, ["tinyhttp", "plonetheme-tidy", "collective-easyform-extra"]),
        (
            {"sort": "name"},
            ["collective-easyform-extra", "plonetheme-tidy", "tinyhttp"],
        ),
        ({"q": "ratings"}, ["collective-easyform-extra"]),
        ({"q": "tidy"}, ["plonetheme-tidy"]),
        ({"category": "Plone theme"}, ["plonetheme-tidy"]),
        ({"category": "Internet"}, ["tinyhttp"]),
        (
            {"classifier": "Framework :: Plone", "sort": "name"},
            ["collective-easyform-extra", "plonetheme-tidy"],
        ),
        ({"classifier": "Framework :: Plone :: 6.1"}, ["collective-easyform-extra"]),
        ({"plone": "6.0"}, ["plonetheme-tidy"]),
        ({"plone": "6", "maturity": "final"}, ["collective-easyform-extra"]),
        ({"maturity": "beta"}, ["plonetheme-tidy"]),
        ({"q": "nothing-like-this"}, []),
    ],
)
def test_listing_filters(examples, form, expected):
    assert listed(render(examples, "@@psc-listing", **form)) == expected


def test_listing_entries_and_facets(examples):
    html = normalized(
        render(examples, "@@psc-listing", classifier="Framework :: Plone")
    )
    assert "2 projects" in html
    assert '<span class="psc-version text-muted fw-normal">2.1.0</span>' in html
    assert "psc-maturity-beta" in html
    # The facets count the projects of the result; the filter in use stays.
    assert '<option value="Plone add-on">Plone add-on (1)</option>' in html
    assert 'value="Framework :: Plone" selected="selected"' in html
    assert "Internet" not in html
    # The downloads sort appears only once counts exist.
    assert 'value="downloads"' not in html


def test_listing_offers_downloads_once_counted(examples):
    examples["tinyhttp"].download_count = 5
    examples["plonetheme-tidy"].download_count = 50
    for name in ("tinyhttp", "plonetheme-tidy"):
        examples[name].reindexObject(idxs=["psc_downloads"])
    html = normalized(render(examples, "@@psc-listing", sort="downloads"))
    assert 'value="downloads" selected="selected"' in html
    # Projects never counted come last.
    assert listed(html) == ["plonetheme-tidy", "tinyhttp", "collective-easyform-extra"]
    assert "50 downloads" in html


def test_listing_batches(center, tmp_path):
    for number in range(23):
        publish(center, build_wheel(tmp_path, f"pkg{number:02}", "1.0"))
    first = listed(render(center, "@@psc-listing", sort="name"))
    assert first == [f"pkg{number:02}" for number in range(20)]
    second = render(center, "@@psc-listing", sort="name", b_start="20")
    assert listed(second) == ["pkg20", "pkg21", "pkg22"]
    assert "23 projects" in re.sub(r"\s+", " ", second)
    assert "b_start:int=0" in second or "b_start=0" in second


def test_project_page(examples):
    html = normalized(render(examples["collective-easyform-extra"], "@@psc-project"))
    assert (
        '<span class="text-muted fw-normal" id="psc-latest-version">2.1.0</span>'
        in html
    )
    assert "<strong>date ranges</strong>" in html
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "Tracker: javascript:alert(1)" in html
    assert "GPL-2.0-only" in html
    assert "Alice Example" in html
    assert f"pip install --index-url {examples.absolute_url()}/simple/ " in html
    assert "collective.easyform.extra</pre>" in html
    assert "?classifier=Framework+%3A%3A+Plone+%3A%3A+6.1" in html
    assert "@@releases.atom" in html
    assert "psc-unmaintained" not in html
    # The history shows every release with its files and hashes.
    release = examples["collective-easyform-extra"]["2.1"]
    for item in release.files():
        assert item.sha256 in html
    assert 'id="psc-release-2"' in html


def test_project_may_be_unmaintained(examples):
    project = examples["tinyhttp"]
    for release in project.releases():
        release.release_date = datetime.now(UTC) - timedelta(days=400)
    assert "psc-unmaintained" in render(project, "@@psc-project")
    project["0.3"].release_date = datetime.now(UTC) - timedelta(days=3)
    assert "psc-unmaintained" not in render(project, "@@psc-project")


def test_release_and_file_pages(examples):
    project = examples["collective-easyform-extra"]
    project["2.1"].changelog = "- Add *ratings*.\n- Fix the date range widget.\n"
    html = normalized(render(project["2.1"], "@@psc-release"))
    assert "<em>ratings</em>" in html
    assert "collective.easyform.extra==2.1.0" in html
    assert f'href="{project.absolute_url()}/2"' in html
    html = render(project["2"], "@@psc-release")
    assert "No changelog was written" in html
    assert "https://github.com/collective/easyform-extra/CHANGES.rst" in html
    item = project["2.1"].files()[0]
    html = render(item, "@@psc-file")
    assert item.blake2_256 in html
    assert f"/packages/{item.blake2_256[:2]}/" in html


def test_default_views_are_the_pages(examples):
    types = api.portal.get_tool("portal_types")
    assert {
        name: types[name].default_view
        for name in ("SoftwareCenter", "SoftwareProject", "SoftwareRelease")
    } == {
        "SoftwareCenter": "psc-listing",
        "SoftwareProject": "psc-project",
        "SoftwareRelease": "psc-release",
    }
    assert types["DistributionFile"].default_view == "psc-file"


@pytest.mark.parametrize(
    "path,view",
    [
        ("collective-easyform-extra", "@@maintainers"),
        ("collective-easyform-extra", "@@delete-project"),
        ("collective-easyform-extra/2.1", "@@manage-release"),
        ("collective-easyform-extra/2.1", "@@delete-release"),
    ],
)
def test_anonymous_cannot_reach_the_maintainer_tools(examples, path, view):
    context = examples.unrestrictedTraverse(path)
    logout()
    render(context, "@@psc-project" if "/" not in path else "@@psc-release")
    with pytest.raises(Unauthorized):
        context.restrictedTraverse(view)


def test_maintainer_manages_releases_but_not_maintainers(examples, members):
    project = examples["collective-easyform-extra"]
    maintainers.add_maintainer(project=project, user_id="bob")
    next_request(project)
    with api.env.adopt_user(username="bob"):
        html = render(project, "@@psc-project")
        assert "@@manage-release" in html
        assert "@@maintainers" not in html
        with pytest.raises(Unauthorized):
            project.restrictedTraverse("@@maintainers")
        post(project["2.1"], "@@manage-release", **{"form.yank": "1", "reason": "bad"})
    assert all(item.yanked_reason == "bad" for item in project["2.1"].files())
    with api.env.adopt_user(username="alice"), pytest.raises(Unauthorized):
        project["2.1"].restrictedTraverse("@@manage-release")


def test_posts_need_the_csrf_token(examples, members):
    project = examples["collective-easyform-extra"]
    with pytest.raises(Forbidden):
        post(project["2.1"], "@@manage-release", token=False, **{"form.yank": "1"})
    with pytest.raises(Forbidden):
        post(
            project, "@@maintainers", token=False, **{"form.add": "1", "user_id": "bob"}
        )
    with pytest.raises(Forbidden):
        post(project["2.1"], "@@delete-release", token=False, **{"form.delete": "1"})
    assert not project["2.1"].yanked
    assert "Maintainer" not in project.get_local_roles_for_userid("bob")
    assert "2.1" in project


def test_yank_and_unyank_one_file(examples):
    release = examples["collective-easyform-extra"]["2.1"]
    wheel, sdist = sorted(release.files(), key=lambda item: item.package_type)
    post(
        release,
        "@@manage-release",
        **{"form.yank": "1", "filename": sdist.filename, "reason": "broken"},
    )
    assert sdist.yanked and sdist.yanked_reason == "broken"
    assert not wheel.yanked and not release.yanked
    post(
        release, "@@manage-release", **{"form.unyank": "1", "filename": sdist.filename}
    )
    assert not sdist.yanked


def test_delete_asks_first(examples):
    project = examples["collective-easyform-extra"]
    html = render(project["2.1"], "@@delete-release")
    assert "cannot be undone" in html
    assert "2.1" in project
    sdist = next(i for i in project["2.1"].files() if i.package_type == "sdist")
    html = render(project["2.1"], "@@delete-release", filename=sdist.filename)
    assert f'value="{sdist.filename}"' in html
    post(
        project["2.1"],
        "@@delete-release",
        **{"form.delete": "1", "filename": sdist.filename},
    )
    assert [item.package_type for item in project["2.1"].files()] == ["bdist_wheel"]
    post(project["2.1"], "@@delete-release", **{"form.delete": "1"})
    assert "2.1" not in project
    assert examples.REQUEST.response.getHeader("Location") == project.absolute_url()
    # Nothing happens until the name is typed (any spelling of it).
    for typed in ("", "collective-easyform", "tinyhttp"):
        post(project, "@@delete-project", **{"form.delete": "1", "confirm_name": typed})
        assert "collective-easyform-extra" in examples
    post(
        project,
        "@@delete-project",
        **{"form.delete": "1", "confirm_name": "Collective.EasyForm.Extra"},
    )
    assert "collective-easyform-extra" not in examples


def test_maintainers_page_adds_and_removes(examples, members):
    project = examples["collective-easyform-extra"]
    post(project, "@@maintainers", **{"form.add": "1", "user_id": "alice"})
    assert "Maintainer" in project.get_local_roles_for_userid("alice")
    html = render(project, "@@maintainers")
    assert "alice" in html and "@@api-tokens" in html
    post(project, "@@maintainers", **{"form.add": "1", "user_id": "nobody"})
    messages = IStatusMessage(examples.REQUEST).show()
    assert [(m.type, m.message) for m in messages][-1] == (
        "error",
        "There is no user 'nobody'.",
    )
    post(project, "@@maintainers", **{"form.remove": "1", "user_id": "alice"})
    assert "Maintainer" not in project.get_local_roles_for_userid("alice")


def test_maintainers_are_found_by_name_and_added_in_any_case(examples, members):
    api.user.create(
        email="carol@example.org",
        username="carol",
        password="secret!1",
        properties={"fullname": "Carol Quokka"},
    )
    project = examples["collective-easyform-extra"]
    page = lxml.html.fromstring(render(project, "@@maintainers", find="quok"))
    found = page.get_element_by_id("psc-found-users")
    assert [code.text_content() for code in found.cssselect("code")] == ["carol"]
    assert "Carol Quokka" in found.text_content()
    assert "example.org" not in found.text_content()
    page = lxml.html.fromstring(render(project, "@@maintainers", find="al"))
    assert page.get_element_by_id("psc-found-users", None) is None
    assert "at least three letters" in page.get_element_by_id("content").text_content()
    post(project, "@@maintainers", **{"form.add": "1", "user_id": "CAROL"})
    assert "Maintainer" in project.get_local_roles_for_userid("carol")
    # A maintainer is not offered again.
    page = lxml.html.fromstring(render(project, "@@maintainers", find="carol"))
    assert page.get_element_by_id("psc-found-users", None) is None


def test_only_who_manages_maintainers_may_search_users(examples, members):
    project = examples["collective-easyform-extra"]
    with api.env.adopt_user(username="bob"), pytest.raises(exceptions.Forbidden):
        maintainers.find_users(project=project, text="alice")
    assert [
        user["id"] for user in maintainers.find_users(project=project, text="ali")
    ] == ["alice"]


def test_facet_counts_follow_new_uploads(examples, tmp_path):
    assert "Science" not in render(examples, "@@psc-listing")
    publish(
        examples,
        build_wheel(
            tmp_path,
            "lab-tools",
            "1.0",
            classifiers=["Topic :: Scientific/Engineering :: Chemistry"],
        ),
    )
    html = normalized(render(examples, "@@psc-listing"))
    assert '<option value="Scientific/Engineering">Scientific/Engineering (1)' in html
