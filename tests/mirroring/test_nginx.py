"""A real nginx serves the exported tree as the live center serves the index.

As in the Apache tests, the center's uploads are exported into a tree;
Debian's nginx serves it below /pypi with the configuration ``psc mirror
nginx`` prints, inside a minimal nginx.conf. Its maps must answer every
Accept header as the center's negotiation does: the table of the Apache
tests and a few hundred generated mixes of types, q-values and spellings.
"""

from tests.fixtures.installers import pip_and_uv_install
from tests.fixtures.servers import ACCEPT_HEADERS
from tests.fixtures.servers import HTML_V1
from tests.fixtures.servers import JSON
from tests.fixtures.servers import running_nginx
from tests.fixtures.servers import same_files
from tests.fixtures.servers import same_page

import pytest
import random


pytestmark = pytest.mark.functional

RANGES = [
    JSON,
    HTML_V1,
    "application/vnd.pypi.simple.latest+json",
    "application/vnd.pypi.simple.latest+html",
    "text/html",
    "Text/HTML",
    "text/*",
    "application/*",
    "*/*",
    "image/png",
]
PARAMETERS = [
    "",
    ";q=0",
    ";q=1",
    ";q=1.0",
    "; q=0.5",
    ";q=0.50",
    ";q=0.05",
    ";q=0.001",
    ";q=0.000",
    ";Q=0.3",
    ";q=.5",
    ";q=2",
    ";q=-1",
    ";q=bogus",
    ";q",
    ";level=1",
    ";q=0.5;q=0.9",
    ";q=0.9;level=1",
    " ; q = 0.7 ",
]
# Python's float reads these, RFC 9110 does not allow them, nginx reads 0.
EXOTIC = [
    f"{JSON};q=5e-1, text/html;q=0.4",
    f"{JSON};q=0.0_5, text/html;q=0.04",
    f"{JSON};q=nan",
]


def generated(count: int, seed: int = 691) -> list[str]:
    """Return Accept headers of one to four ranges, the same on every run."""
    chooser = random.Random(seed)
    return [
        ", ".join(
            chooser.choice(RANGES) + chooser.choice(PARAMETERS)
            for _ in range(chooser.randint(1, 4))
        )
        for _ in range(count)
    ]


@pytest.fixture
def nginx(center_tree, tmp_path):
    """Serve the center's tree with nginx below /pypi; return its base URL."""
    with running_nginx(center_tree.root, tmp_path / "nginx", prefix="/pypi") as base:
        yield base


@pytest.mark.parametrize("page", ["", "demo-pkg/"])
def test_nginx_answers_every_accept_header_as_the_center(
    served_center, client, center_tree, published, nginx, page
):
    for accept in ACCEPT_HEADERS:
        same_page(client.center_url, nginx, page, accept)


def test_nginx_answers_generated_accept_headers_as_the_center(
    served_center, client, center_tree, published, nginx
):
    for accept in generated(300):
        same_page(client.center_url, nginx, "", accept)


@pytest.mark.parametrize(
    "accept",
    [
        pytest.param(
            accept,
            marks=pytest.mark.xfail(
                strict=True, reason="nginx reads only decimal q-values"
            ),
        )
        for accept in EXOTIC
    ],
)
def test_nginx_reads_q_values_in_decimals_only(
    served_center, client, center_tree, published, nginx, accept
):
    same_page(client.center_url, nginx, "", accept)


def test_archives_and_metadata_as_the_center(
    served_center, client, center_tree, published, nginx
):
    same_files(client.center_url, nginx)


def test_pip_and_uv_install_from_nginx(
    served_center, client, center_tree, published, nginx, venv
):
    pip_and_uv_install(venv, f"{nginx}/simple/")
