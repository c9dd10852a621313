"""Malformed requests get a 4xx with a sentence and leave nothing behind."""

from tests.fixtures.builder import build_wheel
from tests.fixtures.client import twine_fields
from tests.fixtures.served import fresh

import pytest
import requests


pytestmark = pytest.mark.functional

ADMIN = ("admin", "secret")


def state(center):
    center = fresh(center)
    return (center.journal.last_serial, sorted(center.objectIds()))


def multipart(fields, boundary=b"xYzZY", filename=b"demo_pkg-1.0-py3-none-any.whl"):
    lines = []
    for key, value in fields:
        lines += [
            b"--" + boundary,
            f'Content-Disposition: form-data; name="{key}"'.encode(),
            b"",
            value.encode(),
        ]
    lines += [
        b"--" + boundary,
        b'Content-Disposition: form-data; name="content"; filename="' + filename + b'"',
        b"Content-Type: application/octet-stream",
        b"",
        b"PK\x03\x04 not really a wheel",
        b"--" + boundary + b"--",
        b"",
    ]
    return b"\r\n".join(lines)


@pytest.mark.parametrize(
    ("content_type", "body_kwargs"),
    [
        ("multipart/form-data", {}),
        ("multipart/form-data; boundary=", {}),
        ("multipart/form-data; boundary=other", {}),
        ("multipart/form-data; boundary=xYzZY", {"filename": b"\xff\xfe.whl"}),
        ("multipart/form-data; boundary=xYzZY", {"truncate": True}),
    ],
    ids=["no-boundary", "empty-boundary", "wrong-boundary", "latin1-filename", "cut"],
)
def test_malformed_multipart(
    served_center, client, tmp_path, content_type, body_kwargs
):
    wheel = build_wheel(tmp_path, "demo-pkg", "1.0")
    truncate = body_kwargs.pop("truncate", False)
    body = multipart(twine_fields(wheel), **body_kwargs)
    if truncate:
        body = body[: len(body) // 2]
    before = state(served_center)
    for auth in (None, client.auth):
        answer = requests.post(
            client.upload_url,
            data=body,
            headers={"Content-Type": content_type},
            auth=auth,
            timeout=30,
        )
        assert 400 <= answer.status_code < 500, (auth, answer.status_code, answer.text)
        assert answer.text.strip()
    assert state(served_center) == before


@pytest.mark.parametrize(
    "query",
    [
        "plone=abc",
        "q=(",
        "q=)",
        'q="',
        "q=AND",
        "sort_on=nonsense",
        "b_start=x",
        "b_size=-1",
        "b_size=100000000",
        "plone=6.x",
        "maturity=%ff",
        "q=%00",
    ],
)
def test_listing_query_strings(served_center, client, query):
    answer = requests.get(f"{served_center.absolute_url()}?{query}", timeout=30)
    assert answer.status_code < 500, (query, answer.status_code)


@pytest.mark.parametrize("name", ["manage", "view", "edit", "sharing"])
def test_reserved_ids_as_project_names(served_center, client, tmp_path, name):
    wheel = build_wheel(tmp_path, name, "1.0")
    before = state(served_center)
    answer = client.upload(wheel)
    assert 400 <= answer.status < 500, answer
    assert name in answer.reason
    assert state(served_center) == before


def test_deleted_filename_gets_its_own_message(served_center, client, tmp_path):
    from collective.psc.services import distributions
    from plone import api

    import transaction

    wheel = build_wheel(tmp_path, "demo-pkg", "1.0")
    assert client.upload(wheel).status == 200
    transaction.begin()
    with api.env.adopt_roles(["Manager"]):
        distributions.delete_file(
            distribution=distributions.get_file(
                center=fresh(served_center), filename=wheel.name
            )
        )
    transaction.commit()
    other = build_wheel(tmp_path / "b", "demo-pkg", "1.0", summary="Rebuilt.")
    answer = client.upload(other)
    assert answer.status == 400
    assert "deleted" in answer.reason
    assert "other content" not in answer.reason
