"""Accept headers: one parser for the simple pages and the upload answers."""

from collective.psc.accept import parse_accept
from collective.psc.accept import quality
from collective.psc.simple.negotiation import choose_content_type
from collective.psc.simple.negotiation import JSON as SIMPLE_JSON
from collective.psc.upload.responses import wants_json

import pytest


def test_parse_accept_reads_quality_and_clamps_it():
    assert parse_accept("text/html;q=0.5, Application/JSON;q=7, , */*;q=x") == [
        ("text/html", 0.5),
        ("application/json", 1.0),
        ("*/*", 0.0),
    ]


@pytest.mark.parametrize(
    ("offer", "header", "expected"),
    [
        ("text/html", "text/html;q=0.3, text/*;q=0.9", 0.3),
        ("text/plain", "text/html;q=0.3, text/*;q=0.9", 0.9),
        ("image/png", "text/*, */*;q=0.1", 0.1),
        ("image/png", "text/*", 0.0),
    ],
)
def test_the_most_specific_range_decides(offer, header, expected):
    assert quality(offer, parse_accept(header)) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("application/json", True),
        ("application/json, */*;q=0.1", True),
        ("application/json;q=0.5, text/html", False),
        ("*/*", False),
        ("application/*", False),
        ("text/plain", False),
        ("", False),
    ],
)
def test_upload_answers_json_only_when_it_is_preferred(header, expected):
    assert wants_json(header) is expected


def test_simple_pages_use_the_same_parser():
    header = f"{SIMPLE_JSON}, text/html;q=0.01"
    assert choose_content_type(header) == SIMPLE_JSON
