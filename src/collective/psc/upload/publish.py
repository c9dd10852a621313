"""What the upload actions do: check the request, then call the service layer."""

from collective.psc import services
from collective.psc.controlpanel.settings import classifier_policy
from collective.psc.exceptions import DuplicateFile
from collective.psc.names import parse_filename
from collective.psc.types import Center
from collective.psc.types import Distribution
from collective.psc.types import Release
from collective.psc.upload.form import UploadForm
from collective.psc.upload.validation import check_file_metadata
from collective.psc.upload.validation import check_filename
from collective.psc.upload.validation import check_form
from collective.psc.upload.validation import render_description
from typing import BinaryIO


MIB = 1024 * 1024


def upload_file(*, center: Center, form: UploadForm) -> Distribution | None:
    """Store an uploaded file; return None when the identical file is there already."""
    policy = classifier_policy()
    metadata = check_form(form, with_file=True, classifier_policy=policy)
    parsed = check_filename(form, metadata)
    form_html = render_description(metadata)
    try:
        distribution = services.add_distribution(
            center=center,
            filename=form.filename,
            stream=form.content,
            digests=form.digests,
            max_size=center.upload_size_limit * MIB,
        )
    except DuplicateFile:
        return None
    file_metadata = check_file_metadata(
        distribution.core_metadata,
        parsed,
        form_name=metadata.name,
        form_version=str(metadata.version),
        classifier_policy=policy,
    )
    release = distribution.aq_parent
    same_description = (
        file_metadata.description,
        file_metadata.description_content_type,
    ) == (
        metadata.description,
        metadata.description_content_type,
    )
    services.apply_release_metadata(
        project=release.aq_parent,
        release=release,
        metadata=file_metadata,
        description_html=form_html
        if same_description
        else render_description(file_metadata),
    )
    return distribution


def publish_archive(
    *, center: Center, filename: str, stream: BinaryIO, sha256: str
) -> Distribution:
    """Store an archive that comes without an upload form, checked as an upload is.

    The archive's own core metadata stands for the form: its name and version
    must match the filename, as an upload's form must.
    """
    policy = classifier_policy()
    parsed = parse_filename(filename)
    distribution = services.add_distribution(
        center=center,
        filename=filename,
        stream=stream,
        digests={"sha256": sha256},
        max_size=center.upload_size_limit * MIB,
    )
    metadata = check_file_metadata(
        distribution.core_metadata,
        parsed,
        form_name=parsed.name,
        form_version=str(parsed.version),
        classifier_policy=policy,
    )
    form = UploadForm(
        protocol_version="1",
        filetype=parsed.package_type,
        pyversion=parsed.python_tag or "source",
        comment="",
        raw={},
        filename=filename,
    )
    check_filename(form, metadata)
    release = distribution.aq_parent
    services.apply_release_metadata(
        project=release.aq_parent,
        release=release,
        metadata=metadata,
        description_html=render_description(metadata),
    )
    return distribution


def register(*, center: Center, form: UploadForm) -> Release:
    """Create or update a project and release from metadata alone (twine register)."""
    metadata = check_form(form, with_file=False, classifier_policy=classifier_policy())
    description_html = render_description(metadata)
    project, _created = services.get_or_create_project(
        center=center, name=metadata.name, with_file=False
    )
    release, _created = services.get_or_create_release(
        project=project, version=str(metadata.version)
    )
    services.apply_release_metadata(
        project=project,
        release=release,
        metadata=metadata,
        description_html=description_html,
    )
    return release
