"""One latest release on every page, authors from e-mail names, the Meta block."""

from collective.psc.jsonapi.data import info
from collective.psc.restapi.data import project_fields
from collective.psc.services import releases
from plone import api
from tests.fixtures.builder import build_wheel
from tests.fixtures.examples import publish

import lxml.html
import pytest


@pytest.fixture
def yanked_latest(center, tmp_path):
    """Publish Demo 1.0.0 and 1.0.1, 2.0b1, then yank 1.0.1 as a Manager would."""
    for version in ("1.0.0", "1.0.1", "2.0b1"):
        publish(center, build_wheel(tmp_path / version, "Demo", version))
    project = center["demo"]
    with api.env.adopt_roles(["Manager"]):
        releases.yank(release=project["1.0.1"], reason="Broken build.")
    return project


def listing_entries(center) -> dict[str, dict]:
    """Return the listing's entries by project name, as the page shows them."""
    view = center.restrictedTraverse("@@psc-listing")
    page = lxml.html.fromstring(view())
    entries = {}
    for article in page.cssselect("article.psc-entry"):
        name = article.cssselect("h2 a")[0].get("href").rsplit("/", 1)[-1]
        entries[name] = {
            "version": article.cssselect(".psc-version")[0].text_content().strip(),
            "yanked": bool(article.cssselect("h2 .psc-yanked")),
        }
    return entries


def test_every_page_and_api_names_the_same_latest_release(center, yanked_latest):
    project = yanked_latest
    assert releases.latest_release(project=project).version == "1.0.0"
    assert listing_entries(center)["demo"] == {"version": "1.0.0", "yanked": False}
    page = lxml.html.fromstring(project.restrictedTraverse("@@psc-project")())
    assert page.get_element_by_id("psc-latest-version").text_content() == "1.0.0"
    url = center.absolute_url()
    latest = releases.latest_release(project=project)
    assert info(project, latest, center_url=url)["version"] == "1.0.0"
    assert project_fields(project, center_url=url)["latest_version"] == "1.0.0"


def test_unyanking_makes_the_release_latest_again(center, yanked_latest):
    with api.env.adopt_roles(["Manager"]):
        releases.unyank(release=yanked_latest["1.0.1"])
    assert listing_entries(center)["demo"]["version"] == "1.0.1"


def test_a_project_whose_releases_are_all_yanked_is_marked(center, tmp_path):
    publish(center, build_wheel(tmp_path, "Gone", "1.0"))
    with api.env.adopt_roles(["Manager"]):
        releases.yank(release=center["gone"]["1"])
    assert listing_entries(center)["gone"] == {"version": "1.0", "yanked": True}
    page = lxml.html.fromstring(center["gone"].restrictedTraverse("@@psc-project")())
    badges = page.get_element_by_id("psc-latest-version").getparent().getnext()
    while badges.tag != "p" or "mb-2" not in badges.get("class", ""):
        badges = badges.getnext()
    assert "Yanked" in [badge.text_content() for badge in badges.cssselect(".badge")]


PEP_621 = {
    "Author-email": "Jane Doe <jane@example.org>, Bob Roe <bob@example.org>",
    "Maintainer-email": "ops@example.org",
    "Requires-Dist": ["Helper>=1.0", "requests; extra == 'web'"],
    "Provides-Extra": "web",
}


def test_pep_621_people_are_shown_and_found(center, tmp_path):
    publish(center, build_wheel(tmp_path / "h", "helper", "1.0"))
    publish(
        center,
        build_wheel(
            tmp_path, "modern", "1.0", requires_python=">=3.10", metadata_extra=PEP_621
        ),
    )
    project = center["modern"]
    assert project.author == "Jane Doe, Bob Roe"
    assert project.maintainer == ""
    found = api.content.find(context=center, SearchableText="Jane")
    assert [brain.getId for brain in found] == ["modern"]
    page = lxml.html.fromstring(project.restrictedTraverse("@@psc-project")())
    people = page.get_element_by_id("psc-maintainers")
    links = {a.text_content(): a.get("href") for a in people.cssselect("a")}
    assert links["Jane Doe, Bob Roe"] == "mailto:jane@example.org"
    assert links["ops@example.org"] == "mailto:ops@example.org"
    meta = page.get_element_by_id("psc-meta")
    text = " ".join(meta.text_content().split())
    assert "Requires-Python >=3.10" in text
    assert "web" in [code.text_content() for code in meta.cssselect("dd code")]
    dependencies = {
        item.text_content().strip(): item.cssselect("a")
        for item in meta.cssselect(".psc-dependencies li")
    }
    assert set(dependencies) == {"Helper>=1.0", "requests; extra == 'web'"}
    assert dependencies["Helper>=1.0"][0].get("href") == center["helper"].absolute_url()
    assert dependencies["requests; extra == 'web'"] == []
    assert page.get_element_by_id("psc-downloads-total").text_content() == "0"
