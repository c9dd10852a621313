"""Pages stay up whatever a release or project holds, over real HTTP.

Older sites, imports and code that bypasses the upload path may have stored
a version that is not PEP 440 or a title with markup; the pages answer
without a server error and show the title as text.
"""

from collective.psc.services import archives
from plone import api
from tests.fixtures.builder import build_wheel
from tests.fixtures.served import fresh

import pytest
import requests
import transaction


TITLE = '<script>alert("quokka")</script><b>Quokka</b>'


@pytest.fixture
def stored(served_center, tmp_path):
    """Return the center with an invalid version and a title with markup."""
    wheel = build_wheel(tmp_path, "odd-tool", "1.0")
    transaction.begin()
    served_center = fresh(served_center)
    with api.env.adopt_roles(["Manager"]), open(wheel, "rb") as stream:
        archives.add_archive(center=served_center, filename=wheel.name, stream=stream)
        project = served_center["odd-tool"]
        project.title = TITLE
        project.reindexObject()
        project["1"].version = "not-a-version"
    transaction.commit()
    return served_center


PAGES = ["links/", "odd-tool", "odd-tool/1", "", "odd-tool/@@releases.atom"]
# The pages that show the title: as text, its markup escaped.
ESCAPED = {"odd-tool", ""}


@pytest.mark.functional
@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_with_odd_values(stored, path):
    answer = requests.get(f"{stored.absolute_url()}/{path}", timeout=60)
    assert answer.status_code == 200, (answer.status_code, answer.text[:2000])
    assert '<script>alert("quokka")' not in answer.text
    if path in ESCAPED:
        assert "&lt;b&gt;Quokka&lt;/b&gt;" in answer.text
