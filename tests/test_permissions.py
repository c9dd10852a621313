"""Who may do what in a center: roles, local roles, public and private centers."""

from collective.psc import permissions
from collective.psc.exceptions import Forbidden
from collective.psc.services import archives
from collective.psc.services import projects
from collective.psc.services import releases
from plone import api
from plone.app.testing import logout
from tests.fixtures.builder import build_wheel
from zope.annotation.interfaces import IAnnotations

import pytest


def upload(center, path):
    with open(path, "rb") as stream:
        return archives.add_archive(center=center, filename=path.name, stream=stream)


def next_request(context):
    """Forget the local roles the request cached, as a new request would."""
    annotations = IAnnotations(context.REQUEST)
    for key in [key for key in annotations if str(key).startswith("borg.localrole")]:
        del annotations[key]


@pytest.fixture
def members(portal):
    for name in ("alice", "bob"):
        api.user.create(email=f"{name}@example.org", username=name, password="secret!1")
    return ("alice", "bob")


def test_permissions_are_declared_and_granted(portal):
    roles = {
        permissions.AddSoftwareCenter: {"Manager", "Site Administrator"},
        permissions.AddProject: {
            "Manager",
            "Site Administrator",
            "Owner",
            "Contributor",
        },
        permissions.UploadDistribution: {
            "Manager",
            "Site Administrator",
            "Owner",
            "Maintainer",
        },
        permissions.ManageReleases: {
            "Manager",
            "Site Administrator",
            "Owner",
            "Maintainer",
        },
        permissions.ManageMaintainers: {"Manager", "Site Administrator", "Owner"},
        permissions.WritePackagingFields: set(),
    }
    for permission, expected in roles.items():
        granted = {
            role["name"]
            for role in portal.rolesOfPermission(permission)
            if role["selected"]
        }
        assert granted == expected, permission
    assert "Maintainer" in portal.validRoles()


def test_member_creates_project_and_becomes_owner(center, members, tmp_path):
    with api.env.adopt_user(username="alice"):
        item = upload(center, build_wheel(tmp_path, "alices-tool", "1.0"))
    project = center["alices-tool"]
    assert "Owner" in project.get_local_roles_for_userid("alice")
    assert item.uploader == "alice"
    assert project.getOwner().getId() == "alice"


def test_other_member_cannot_upload_until_maintainer(center, members, tmp_path):
    with api.env.adopt_user(username="alice"):
        upload(center, build_wheel(tmp_path, "alices-tool", "1.0"))
    second = build_wheel(tmp_path, "alices-tool", "2.0")
    with api.env.adopt_user(username="bob"), pytest.raises(Forbidden, match="'bob'"):
        upload(center, second)
    assert "2" not in center["alices-tool"]
    api.user.grant_roles(
        username="bob", obj=center["alices-tool"], roles=["Maintainer"]
    )
    next_request(center)
    with api.env.adopt_user(username="bob"):
        upload(center, second)
        assert not api.user.has_permission(
            permissions.ManageMaintainers, obj=center["alices-tool"]
        )
        releases.yank(
            release=releases.get_release(
                project=projects.get_project(center=center, name="alices-tool"),
                version="2.0",
            ),
            reason="oops",
        )
    with api.env.adopt_user(username="alice"):
        assert api.user.has_permission(
            permissions.ManageMaintainers, obj=center["alices-tool"]
        )


def test_maintainer_of_one_project_cannot_touch_another(center, members, tmp_path):
    with api.env.adopt_user(username="alice"):
        upload(center, build_wheel(tmp_path, "one", "1.0"))
        upload(center, build_wheel(tmp_path, "two", "1.0"))
    api.user.grant_roles(username="bob", obj=center["one"], roles=["Maintainer"])
    with api.env.adopt_user(username="bob"):
        with pytest.raises(Forbidden):
            projects.delete_project(
                project=projects.get_project(center=center, name="two")
            )
        with pytest.raises(Forbidden):
            releases.yank(
                release=releases.get_release(
                    project=projects.get_project(center=center, name="two"),
                    version="1.0",
                )
            )
    assert "two" in center


def test_anonymous_cannot_create_projects(center, tmp_path):
    path = build_wheel(tmp_path, "anon", "1.0")
    logout()
    with pytest.raises(Forbidden, match="not allowed to create"):
        upload(center, path)
    assert list(center.objectIds()) == []


def test_private_center_hides_everything_from_anonymous(
    manager, center, members, tmp_path
):
    upload(center, build_wheel(tmp_path, "secret", "1.0"))
    item = center["secret"]["1"].files()[0]
    objects = (center, center["secret"], center["secret"]["1"], item)
    with api.env.adopt_roles(["Anonymous"]):
        assert all(api.user.has_permission("View", obj=obj) for obj in objects)
    api.content.transition(obj=center, transition="make_private")
    assert api.content.get_state(obj=center) == "private"
    with api.env.adopt_roles(["Anonymous"]):
        assert not any(api.user.has_permission("View", obj=obj) for obj in objects)
        assert not api.user.has_permission("Access contents information", obj=item)
    with api.env.adopt_user(username="bob"):
        assert all(api.user.has_permission("View", obj=obj) for obj in objects)
    api.content.transition(obj=center, transition="make_public")
    with api.env.adopt_roles(["Anonymous"]):
        assert api.user.has_permission("View", obj=item)


def test_only_managers_add_centers(manager, portal, members):
    with api.env.adopt_user(username="alice"):
        assert not api.user.has_permission(permissions.AddSoftwareCenter, obj=portal)
    assert api.user.has_permission(permissions.AddSoftwareCenter, obj=portal)
