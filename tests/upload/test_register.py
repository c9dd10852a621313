"""``:action=submit`` (twine register): the token scope and the name-claim policy."""

from collective.psc.tokens.store import create_token
from plone import api
from tests.fixtures.builder import build_wheel
from tests.fixtures.client import twine_fields
from tests.fixtures.served import fresh

import pytest
import transaction


def register_fields(wheel, **change):
    fields = [(k, v) for k, v in twine_fields(wheel) if k != ":action"]
    fields = [(k, change.get(k, v)) for k, v in fields]
    return [*fields, (":action", "submit")]


@pytest.fixture
def alices_tool(served_center, client, tmp_path):
    wheel = build_wheel(tmp_path / "a", "alices-tool", "1.0")
    assert client.upload(wheel, auth=("alice", "alice-secret")).status == 200
    transaction.begin()
    with api.env.adopt_user(username="alice"):
        _info, scoped = create_token(
            center=fresh(served_center), user_id="alice", project="alices-tool"
        )
    transaction.commit()
    return scoped


def snapshot(center):
    center = fresh(center)
    return (
        center.journal.last_serial,
        sorted(center.objectIds()),
        {pid: center[pid].Description() for pid in center.objectIds()},
    )


def test_scoped_token_cannot_register_another_project(
    served_center, client, tmp_path, alices_tool
):
    wheel = build_wheel(tmp_path / "b", "demo-pkg", "1.0")
    assert client.upload(wheel).status == 200
    before = snapshot(served_center)
    for name in ("demo-pkg", "brand-new"):
        answer = client.post(
            register_fields(wheel, name=name, summary="Rewritten."),
            auth=("__token__", alices_tool),
        )
        assert answer.status == 403, answer
        assert "scoped to project 'alices-tool'" in answer.reason
        assert snapshot(served_center) == before


def test_scoped_token_registers_its_own_project(
    served_center, client, tmp_path, alices_tool
):
    wheel = build_wheel(tmp_path / "b", "alices-tool", "2.0")
    answer = client.post(register_fields(wheel), auth=("__token__", alices_tool))
    assert answer.status == 200, answer
    assert "2" in fresh(served_center)["alices-tool"]


def test_member_cannot_register_a_new_name(served_center, client, tmp_path):
    wheel = build_wheel(tmp_path, "claimed-name", "1.0")
    before = snapshot(served_center)
    answer = client.post(register_fields(wheel), auth=("bob", "bob-secret"))
    assert answer.status == 403, answer
    assert "upload the project's first file instead" in answer.reason
    assert snapshot(served_center) == before
    assert client.upload(wheel, auth=("bob", "bob-secret")).status == 200
    assert "claimed-name" in fresh(served_center)
