"""Uploads and registrations sent by a web browser are refused, credentials or not."""

from tests.fixtures.builder import build_wheel
from tests.fixtures.client import twine_fields
from tests.fixtures.served import fresh

import pytest


def state(center) -> tuple:
    center = fresh(center)
    return (center.journal.last_serial, sorted(center.objectIds()))


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"},
        {"Sec-Fetch-Mode": "no-cors"},
        {"Sec-Fetch-Dest": "document"},
    ],
    ids=["origin", "opaque-origin", "fetch-site", "fetch-mode", "fetch-dest"],
)
@pytest.mark.parametrize("action", ["file_upload", "submit"])
def test_browser_request_with_valid_basic_credentials(
    served_center, client, tmp_path, headers, action
):
    wheel = build_wheel(tmp_path, "demo-pkg", "1.0")
    before = state(served_center)
    answer = client.post(
        _fields(client, wheel, action),
        archive=(wheel.name, wheel.read_bytes(), "application/zip")
        if action == "file_upload"
        else None,
        headers=headers,
    )
    assert answer.status == 403, answer
    assert "came from a web browser" in answer.reason
    assert "refused to protect your account" in answer.text
    assert state(served_center) == before


def test_same_request_without_browser_headers_is_accepted(
    served_center, client, tmp_path
):
    wheel = build_wheel(tmp_path, "demo-pkg", "1.0")
    answer = client.post(
        _fields(client, wheel, "file_upload"),
        archive=(wheel.name, wheel.read_bytes(), "application/zip"),
        headers={"User-Agent": "twine/7.0"},
    )
    assert answer.status == 200, answer
    assert "demo-pkg" in fresh(served_center)


def _fields(client, wheel, action):
    fields = [(k, v) for k, v in twine_fields(wheel) if k != ":action"]
    return [*fields, (":action", action)]
