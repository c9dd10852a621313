"""The upload pipeline in-process: every check runs before anything is added."""

from collective.psc import journal
from collective.psc.exceptions import InvalidDistribution
from collective.psc.exceptions import InvalidFilename
from collective.psc.upload import publish
from collective.psc.upload.form import UploadForm
from plone import api
from tests.fixtures.builder import build_wheel

import hashlib
import pytest
import transaction


def form_for(path, *, name: str, version: str) -> UploadForm:
    """Return the form twine sends for a wheel, naming a project and version."""
    return UploadForm(
        protocol_version="1",
        filetype="bdist_wheel",
        pyversion="py3",
        comment="",
        raw={"metadata_version": "2.1", "name": name, "version": version},
        digests={"sha256": hashlib.sha256(path.read_bytes()).hexdigest()},
        filename=path.name,
        content=path.open("rb"),
    )


def snapshot(center) -> tuple:
    """Return what an upload may add: content, filenames, journal serial."""
    return (
        list(center.objectIds()),
        list(center.filenames.keys()),
        center.journal.last_serial,
    )


@pytest.fixture
def manager_center(served_center):
    """Return the center, with the test running as a Manager (who may add projects)."""
    with api.env.adopt_roles(["Manager"]):
        yield served_center
    transaction.abort()


def test_an_archive_whose_metadata_disagrees_adds_nothing(manager_center, tmp_path):
    center = manager_center
    before = snapshot(center)
    # The archive says 2.0 inside, the filename and the form say 1.0.
    wheel = build_wheel(tmp_path, "demo-pkg", "2.0")
    renamed = wheel.with_name("demo_pkg-1.0-py3-none-any.whl")
    wheel.rename(renamed)
    with pytest.raises(InvalidDistribution, match="does not match"):
        publish.upload_file(
            center=center, form=form_for(renamed, name="demo-pkg", version="1.0")
        )
    # Checked before the transaction is aborted: nothing was ever added.
    assert snapshot(center) == before


def test_a_filename_that_disagrees_is_refused_before_the_bytes(
    manager_center, tmp_path
):
    center = manager_center
    before = snapshot(center)
    wheel = build_wheel(tmp_path, "demo-pkg", "1.0")
    form = form_for(wheel, name="other-pkg", version="1.0")
    with pytest.raises(InvalidFilename):
        publish.upload_file(center=center, form=form)
    assert form.content.tell() == 0
    assert snapshot(center) == before


def test_a_valid_upload_adds_project_release_file_and_journal(manager_center, tmp_path):
    center = manager_center
    serial = center.journal.last_serial
    wheel = build_wheel(tmp_path, "Demo.Pkg", "1.0", summary="A demo.")
    distribution = publish.upload_file(
        center=center, form=form_for(wheel, name="Demo.Pkg", version="1.0")
    )
    assert distribution.filename == wheel.name
    assert distribution.metadata_fields["name"] == "Demo.Pkg"
    assert distribution.metadata_fields["summary"] == "A demo."
    project = center["demo-pkg"]
    assert project.title == "Demo.Pkg"
    assert project["1"].description == "A demo."
    assert center.filenames[wheel.name] == "demo-pkg"
    actions = [entry.action for entry in center.journal.entries(serial)]
    assert actions[:3] == [
        journal.CREATE_PROJECT,
        journal.CREATE_RELEASE,
        journal.ADD_FILE,
    ]


def test_the_identical_file_again_changes_nothing(manager_center, tmp_path):
    center = manager_center
    wheel = build_wheel(tmp_path, "demo-pkg", "1.0")
    publish.upload_file(
        center=center, form=form_for(wheel, name="demo-pkg", version="1.0")
    )
    before = snapshot(center)
    again = publish.upload_file(
        center=center, form=form_for(wheel, name="demo-pkg", version="1.0")
    )
    assert again is None
    assert snapshot(center) == before
