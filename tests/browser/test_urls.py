"""Any spelling of a project name or version reaches its page, with a 301."""

from tests.fixtures.builder import build_wheel
from tests.fixtures.served import make_private

import pytest
import requests


pytestmark = pytest.mark.functional

WHEEL = "collective_easyslider-1.1.0-py3-none-any.whl"


@pytest.fixture
def slider(served_center, client, tmp_path):
    """Upload collective.easyslider 1.1.0 and 2.0.0b1; return the center's URL."""
    for version in ("1.1.0", "2.0.0b1"):
        path = build_wheel(tmp_path, "collective.easyslider", version)
        assert client.upload(path).status == 200
    return client.center_url


def get(url, **kwargs):
    return requests.get(url, allow_redirects=False, timeout=30, **kwargs)


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("collective.easyslider", "collective-easyslider"),
        ("Collective.EasySlider", "collective-easyslider"),
        ("collective_easyslider/1.1", "collective-easyslider/1.1"),
        ("collective-easyslider/1.1.0", "collective-easyslider/1.1"),
        ("Collective.EasySlider/1.1.0", "collective-easyslider/1.1"),
        ("collective-easyslider/2.0.0b1", "collective-easyslider/2b1"),
        ("collective-easyslider/2.0.0-beta.1", "collective-easyslider/2b1"),
        (f"collective.easyslider/1.1.0/{WHEEL}", f"collective-easyslider/1.1/{WHEEL}"),
        (
            "Collective.EasySlider/@@releases.atom",
            "collective-easyslider/@@releases.atom",
        ),
    ],
)
def test_other_spellings_move_permanently(slider, path, target):
    answer = get(f"{slider}/{path}?tab=files")
    assert answer.status_code == 301, (path, answer.status_code)
    assert answer.headers["Location"] == f"{slider}/{target}?tab=files"
    assert get(f"{slider}/{target}").status_code == 200


@pytest.mark.parametrize(
    "path", ["collective-easyslider/1.2", "no.such.project", "collective-easyslider/x!"]
)
def test_names_that_match_nothing_stay_404(slider, path):
    assert get(f"{slider}/{path}").status_code == 404


def test_a_private_center_does_not_tell_strangers_where_a_spelling_leads(
    served_center, slider
):
    make_private(served_center)
    answer = get(f"{slider}/Collective.EasySlider")
    assert answer.status_code != 301
    assert (
        "collective-easyslider"
        not in answer.headers.get("Location", "").split("came_from")[0]
    )
    assert answer.status_code == get(f"{slider}/collective-easyslider").status_code
