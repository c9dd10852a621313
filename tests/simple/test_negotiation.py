"""Content negotiation of the simple pages (PEP 691), as a table."""

from collective.psc.simple.negotiation import choose_content_type

import pytest


JSON = "application/vnd.pypi.simple.v1+json"
HTML_V1 = "application/vnd.pypi.simple.v1+html"
HTML = "text/html"

PIP = f"{JSON}, {HTML_V1}; q=0.1, text/html; q=0.01"
UV = f"{JSON}, {HTML_V1};q=0.2, text/html;q=0.01"
DEVPI = f"{HTML_V1};q=0.2, {JSON}, text/html;q=0.01"


@pytest.mark.parametrize(
    "accept,expected",
    [
        (None, HTML),
        ("", HTML),
        ("*/*", HTML),
        ("text/*", HTML),
        (PIP, JSON),
        (UV, JSON),
        (DEVPI, JSON),
        (JSON, JSON),
        ("application/vnd.pypi.simple.latest+json", JSON),
        (HTML_V1, HTML_V1),
        ("application/vnd.pypi.simple.latest+html", HTML_V1),
        ("text/html", HTML),
        (f"{JSON};q=0.5, text/html", HTML),
        (f"{JSON};q=0.5, {HTML_V1};q=0.6", HTML_V1),
        (f"{JSON};q=0, text/html;q=0.1", HTML),
        ("application/json", HTML),
        ("image/png", HTML),
        (f"{JSON};q=abc, text/html;q=0.1", HTML),
        (f"*/*;q=0.1, {JSON}", JSON),
        (f"{JSON} ; q=0.9 , text/html ; q=0.9", JSON),
    ],
)
def test_choose_content_type(accept, expected):
    assert choose_content_type(accept) == expected
