"""The name-claim policy: names without files, deleted names, reserved names."""

from collective.psc.exceptions import Forbidden
from collective.psc.names import valid_name_pattern
from collective.psc.services import claims
from collective.psc.services import maintainers
from collective.psc.services import projects
from plone import api

import pytest


@pytest.fixture
def members(portal):
    for name in ("alice", "bob"):
        api.user.create(email=f"{name}@example.org", username=name, password="x" * 10)


def create_as(user, center, name, **kwargs):
    with api.env.adopt_user(username=user):
        return projects.get_or_create_project(center=center, name=name, **kwargs)


def test_first_upload_claims_a_new_name(center, members):
    project, created = create_as("alice", center, "Alices.Tool")
    assert created
    assert project.getId() == "alices-tool"


def test_a_name_without_file_needs_the_permission(center, members):
    with pytest.raises(Forbidden, match="upload the project's first file instead"):
        create_as("alice", center, "alices-tool", with_file=False)
    assert "alices-tool" not in center
    with api.env.adopt_roles(["Site Administrator"]):
        project, created = projects.get_or_create_project(
            center=center, name="alices-tool", with_file=False
        )
    assert created


def test_register_on_an_existing_project_needs_no_new_claim(center, members):
    create_as("alice", center, "alices-tool")
    project, created = create_as("alice", center, "Alices_Tool", with_file=False)
    assert (project.getId(), created) == ("alices-tool", False)


def test_deleted_name_stays_with_its_maintainers(center, members):
    project, _created = create_as("alice", center, "alices-tool")
    with api.env.adopt_user(username="alice"):
        maintainers.add_maintainer(project=project, user_id="bob")
        projects.delete_project(
            project=projects.get_project(center=center, name="alices-tool")
        )
    remembered = claims.deleted_name(center=center, name="alices-tool")
    assert remembered["users"] == ("alice", "bob")
    api.user.create(email="eve@example.org", username="eve", password="x" * 10)
    with pytest.raises(Forbidden, match="belonged to a project that was deleted"):
        create_as("eve", center, "Alices.Tool")
    assert "alices-tool" not in center
    _project, created = create_as("bob", center, "alices-tool")
    assert created


def test_manager_may_claim_a_deleted_name(center, members):
    create_as("alice", center, "alices-tool")
    with api.env.adopt_roles(["Manager"]):
        projects.delete_project(
            project=projects.get_project(center=center, name="alices-tool")
        )
        _project, created = projects.get_or_create_project(
            center=center, name="alices-tool"
        )
    assert created


def test_reserved_patterns(center, members):
    center.reserved_names = ["acme-*", "internal?"]
    assert claims.reserved_pattern(center=center, name="acme-tools") == "acme-*"
    assert claims.reserved_pattern(center=center, name="internal2") == "internal?"
    assert claims.reserved_pattern(center=center, name="acmetools") is None
    with pytest.raises(
        Forbidden, match=r"reserved in this index \(pattern 'acme-\*'\)"
    ):
        create_as("alice", center, "ACME.Tools")
    assert "acme-tools" not in center
    _project, created = create_as("alice", center, "other-tool")
    assert created
    with api.env.adopt_roles(["Manager"]):
        _project, created = projects.get_or_create_project(
            center=center, name="acme-tools"
        )
    assert created


@pytest.mark.parametrize(
    ("pattern", "valid"),
    [
        ("acme-*", True),
        ("Acme.*", True),
        ("[abc]x?", True),
        ("acme tools", False),
        ("acme/*", False),
        ("", False),
    ],
)
def test_valid_pattern(pattern, valid):
    assert valid_name_pattern(pattern) is valid


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("Manager", True),
        ("Site Administrator", True),
        ("Member", False),
        ("Owner", False),
        ("Maintainer", False),
        ("Contributor", False),
        ("Editor", False),
    ],
)
def test_who_may_register_names(center, role, allowed):
    with api.env.adopt_roles([role]):
        assert claims.may_register_names(center) is allowed
